"""Import an existing podcast from its feed into a show.

Idempotent by guid: a re-run updates shows and episodes, never duplicates them. Each episode is
imported in its own transaction after its downloads are done, so a failure in episode 40 keeps
episodes 1 to 39 and the report names episode 40 and why. A new show goes live with its first
episode, so an import that brings none leaves a draft. A locked feed is refused unless the user
says they own it.
"""

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.models import Orderable, Page

from discussion import publishing

from .artwork import validate_artwork
from .audio import EXTENSION_FOR_TYPE, MEDIA_TYPES, probe
from .chapters import MAX_CHAPTERS_BYTES, parse_chapters
from .feedxml import EpisodeData, FeedError, ShowData, read_feed
from .fetch import Fetcher, FetchFailed, GuardedFetcher
from .identity import podcast_guid_for
from .models import (
    EpisodeChapter,
    EpisodePage,
    EpisodePerson,
    EpisodeSoundbite,
    EpisodeTranscript,
    PodcastPage,
    ShowCategory,
    ShowFunding,
    ShowPerson,
    ShowText,
)
from .transcripts import EXTENSION_FOR_TYPE as TRANSCRIPT_EXTENSIONS
from .transcripts import read_transcript

SHOW_NOTES_TAGS = {
    "p",
    "br",
    "a",
    "ul",
    "ol",
    "li",
    "b",
    "strong",
    "i",
    "em",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "hr",
}
MAX_TRANSCRIPT_BYTES = 5_000_000
MAX_IMAGE_BYTES = 10_000_000
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class EpisodeFailed(Exception):
    """This episode cannot be imported; the message says why."""


@dataclass
class ImportReport:
    show: PodcastPage | None = None
    show_created: bool = False
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        title = self.show.title if self.show else "a new show"
        lines = [
            f"{verb} into “{title}”{' (new show)' if self.show_created else ''}: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.failed)} failed."
        ]
        lines += [f"  warning: {warning}" for warning in self.warnings]
        lines += [f"  FAILED {failure}" for failure in self.failed]
        return "\n".join(lines)


def load_source(source: str, fetcher: Fetcher) -> tuple[bytes, str]:
    """The feed's bytes and its URL (empty for a file). Only http(s) URLs are fetched."""
    max_bytes = settings.PODCAST_IMPORT_MAX_FEED_BYTES
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://", source)
    if scheme:
        if scheme.group(1).lower() not in {"http", "https"}:
            raise FeedError(f"Only http and https feed URLs can be imported, not {scheme.group(1)}: URLs.")
        return fetcher.document(source, max_bytes), source
    path = Path(source)
    if not path.is_file():
        raise FeedError(f"{source} is neither an http(s) URL nor a readable file.")
    if path.stat().st_size > max_bytes:
        raise FeedError(
            f"The feed is {path.stat().st_size / 1e6:.1f} MB; imports are limited to {max_bytes / 1e6:.1f} MB."
        )
    return path.read_bytes(), ""


def import_source(source: str, *, fetcher: Fetcher | None = None, **options) -> ImportReport:
    """Import from a URL or a file; a feed that says it moved (itunes:new-feed-url) is followed once."""
    fetcher = fetcher or GuardedFetcher()
    data, url = load_source(source, fetcher)
    show = read_feed(data, max_bytes=settings.PODCAST_IMPORT_MAX_FEED_BYTES, source_url=url)
    moved_from = ""
    if url and show.new_feed_url and show.new_feed_url.rstrip("/") != url.rstrip("/"):
        moved_from, url = url, show.new_feed_url
        show = read_feed(load_source(url, fetcher)[0], max_bytes=settings.PODCAST_IMPORT_MAX_FEED_BYTES, source_url=url)
    report = import_show(show, source_url=url, fetcher=fetcher, **options)
    if moved_from:
        report.warnings.insert(0, f"{moved_from} says the feed moved to {url}; imported from there.")
    return report


def import_show(
    data: ShowData,
    *,
    source_url: str = "",
    into: PodcastPage | None = None,
    media: bool = True,
    dry_run: bool = False,
    owner_confirmed: bool = False,
    fetcher: Fetcher | None = None,
    progress: Callable[[list], Iterable] = iter,
) -> ImportReport:
    if data.locked and not owner_confirmed:
        owner = f", owner {data.locked_owner}" if data.locked_owner else ""
        raise FeedError(
            f"This feed is locked (podcast:locked yes{owner}): its owner asks other platforms not to import it. "
            "If you own it, run the import again with --i-own-this-feed."
        )
    fetcher = fetcher or GuardedFetcher()
    report = ImportReport(dry_run=dry_run)
    episodes = sorted(data.episodes, key=lambda e: (e.pub_date is None, e.pub_date or 0, -e.position))
    show = into or _existing_show(data)
    if not data.artwork_url and not (show and show.artwork):
        raise FeedError(
            "The feed has no artwork (itunes:image), and a show is not published without it: Apple Podcasts "
            "refuses such feeds. Create the show in the admin with its artwork, then import with --into that show."
        )
    if dry_run:
        report.show = show
        report.show_created = show is None
        known = set(EpisodePage.objects.child_of(show).values_list("guid", flat=True)) if show else set()
        for episode in episodes:
            if episode.errors:
                report.failed.append(f"{episode.label}: {'; '.join(episode.errors)}")
            else:
                (report.updated if episode.guid in known else report.created).append(episode.label)
        return report

    with publishing.quietly():
        try:
            report.show, report.show_created = _save_show(show, data, source_url, media, fetcher, report)
        except ValidationError as error:
            raise FeedError(f"The show “{data.title}” cannot be saved: {'; '.join(error.messages)}") from None
        for episode in progress(episodes):
            try:
                created = _import_episode(report.show, episode, media, fetcher, report)
            except (EpisodeFailed, FetchFailed, ValueError, OSError, DatabaseError) as error:
                report.failed.append(f"{episode.label}: {error}")
            except ValidationError as error:
                report.failed.append(f"{episode.label}: {'; '.join(error.messages)}")
            else:
                (report.created if created else report.updated).append(episode.label)
        _publish_show(report)
    return report


# --- the show -------------------------------------------------------------------------------------


def _existing_show(data: ShowData) -> PodcastPage | None:
    if not data.podcast_guid:
        return None
    return PodcastPage.objects.filter(podcast_guid=data.podcast_guid).first()


def _site_root() -> Page:
    from blog.models import BlogIndexPage

    root = BlogIndexPage.objects.first()
    if root is None:
        raise FeedError("There is no blog index (site root) to put the show under; create the site first.")
    return root


def _unique_slug(parent: Page, title: str, fallback: str, exclude: int | None = None) -> str:
    base = slugify(title)[:200] or fallback
    taken = set(parent.get_children().exclude(pk=exclude).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _plain(text: str, limit: int) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(text or ""))).strip()[:limit]


def _lead(description: str) -> str:
    """A summary from a description that also carries the notes: its first paragraph."""
    first = re.match(r"\s*<p>(.*?)</p>", description or "", re.DOTALL)
    return _plain(first.group(1) if first else description, 1000)


def _in_order(rows: Iterable[Orderable]) -> list[Orderable]:
    """Child rows numbered in the feed's order, which the admin's panels would otherwise set: unnumbered,
    they come back in whatever order the database likes (PostgreSQL's is not the insertion order)."""
    rows = list(rows)
    for number, row in enumerate(rows):
        row.sort_order = number
    return rows


def _save_show(
    show: PodcastPage | None, data: ShowData, source_url: str, media: bool, fetcher: Fetcher, report: ImportReport
) -> tuple[PodcastPage, bool]:
    created = show is None
    if created:
        root = _site_root()
        show = PodcastPage(title=data.title[:255], slug=_unique_slug(root, data.title, "podcast"))
    show.description = _plain(data.description, 4000) or data.title
    show.language = data.language if LANGUAGE.match(data.language) else "en"
    show.author, show.owner_name, show.owner_email = data.author[:255], data.owner_name[:255], data.owner_email
    show.explicit, show.show_type, show.copyright = data.explicit, data.show_type, data.copyright
    show.feed_locked, show.complete, show.block = data.locked, data.complete, data.block
    show.podcast_guid = data.podcast_guid or show.podcast_guid or (podcast_guid_for(source_url) if source_url else "")
    if data.categories or created:  # a show imported into keeps its categories when the feed has none
        show.categories = _in_order(ShowCategory(category=value) for value in data.categories)
    if not data.categories and (created or not show.categories.exists()):
        report.warnings.append(
            "The feed has no Apple category (itunes:category), which Apple Podcasts requires: choose one in the admin."
        )
    show.persons = _in_order(ShowPerson(**vars(person)) for person in data.persons)
    show.funding = _in_order(ShowFunding(url=url, label=label) for url, label in data.funding)
    show.texts = _in_order(ShowText(purpose=purpose, text=text) for purpose, text in data.texts)
    if media and data.artwork_url and (not show.artwork or show.artwork_url != data.artwork_url):
        artwork = _download_image(data.artwork_url, fetcher, report, "show artwork")
        if artwork:
            show.artwork = artwork
    show.artwork_url = data.artwork_url
    if created:
        show.live = False  # until an episode is in (_publish_show)
        root.add_child(instance=show)
    else:
        show.save()  # commits the child rows first, so the revision records their ids
    show.save_revision()
    return show, created


def _publish_show(report: ImportReport) -> None:
    """The show goes live with its first episode: an import whose every episode failed (all enclosures
    refused, say) leaves a new show as a draft, never a live show with nothing in it."""
    show = report.show
    if report.created or report.updated or EpisodePage.objects.child_of(show).live().exists():
        show.get_latest_revision().publish()
        show.refresh_from_db()
    elif not show.live:
        report.failed.append(
            f"the show “{show.title}” was kept as a draft, unpublished: none of its episodes could be imported"
        )


def _download_image(url: str, fetcher: Fetcher, report: ImportReport, what: str) -> ContentFile | None:
    """Artwork that breaks Apple's rules is not fatal: keep the remote URL and say so."""
    try:
        data = fetcher.document(url, MAX_IMAGE_BYTES)
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        image = ContentFile(data, name=f"artwork{suffix if suffix in {'.jpg', '.jpeg', '.png'} else '.jpg'}")
        validate_artwork(image)
    except (FetchFailed, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        report.warnings.append(f"{what} {url} kept as a remote link: {message}")
        return None
    return image


# --- episodes -------------------------------------------------------------------------------------


def _media_name(data: EpisodeData) -> str:
    suffix = PurePosixPath(urlsplit(data.enclosure_url).path).suffix.lower()
    if suffix not in MEDIA_TYPES:
        suffix = EXTENSION_FOR_TYPE.get(data.enclosure_type, "")
    if not suffix:
        raise EpisodeFailed(
            f"its enclosure ({data.enclosure_type or 'no type'}, {data.enclosure_url}) is not a type podcast apps "
            f"accept ({', '.join(sorted(MEDIA_TYPES))})"
        )
    return f"{slugify(data.title)[:60] or 'episode'}{suffix}"


def _transcript_file(transcript, fetcher: Fetcher) -> ContentFile | None:
    suffix = TRANSCRIPT_EXTENSIONS.get(transcript.media_type)
    if not suffix:
        return None
    text = fetcher.document(transcript.url, MAX_TRANSCRIPT_BYTES).decode("utf-8-sig")
    if not read_transcript(text, transcript.media_type):
        raise EpisodeFailed(f"its transcript {transcript.url} has no timed lines")
    return ContentFile(text.encode(), name=f"transcript{suffix}")


def _import_episode(show: PodcastPage, data: EpisodeData, media: bool, fetcher: Fetcher, report: ImportReport) -> bool:
    """Download first, then write everything in one transaction. True if the episode is new."""
    if data.errors:
        raise EpisodeFailed("; ".join(data.errors))
    existing = EpisodePage.objects.child_of(show).filter(guid=data.guid).first()
    name = _media_name(data)
    audio = info = image = None
    if media and (existing is None or not existing.audio_file or existing.audio_url != data.enclosure_url):
        audio = fetcher.media(data.enclosure_url, settings.PODCAST_IMPORT_MAX_MEDIA_BYTES)
        info = probe(audio, name)
    if media and data.image_url and (existing is None or existing.image_url != data.image_url or not existing.image):
        image = _download_image(data.image_url, fetcher, report, f"{data.label}: image")
    chapters = data.chapters  # Podlove Simple Chapters in the feed; a podcast:chapters file wins
    if data.chapters_url:
        try:
            chapters = parse_chapters(fetcher.document(data.chapters_url, MAX_CHAPTERS_BYTES))
        except (FetchFailed, ValidationError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            report.warnings.append(f"{data.label}: chapters {data.chapters_url} not imported: {message}")
    transcripts = []
    for transcript in data.transcripts:
        file = None
        if media:
            try:
                file = _transcript_file(transcript, fetcher)
            except (FetchFailed, EpisodeFailed, UnicodeDecodeError) as error:
                report.warnings.append(f"{data.label}: transcript kept as a remote link: {error}")
        transcripts.append(
            EpisodeTranscript(
                file=file,
                url="" if file else transcript.url,
                media_type=transcript.media_type,
                language=transcript.language.lower()[:20],
                captions=transcript.captions,
            )
        )

    with transaction.atomic():
        episode = existing or EpisodePage(guid=data.guid)
        episode.title = data.title or data.guid[:255]
        episode.slug = episode.slug or _unique_slug(show, episode.title, "episode")
        episode.pub_date = data.pub_date
        episode.summary = _lead(data.summary)
        notes = nh3.clean(
            data.notes_html,
            tags=SHOW_NOTES_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
        )
        episode.body = [("paragraph", notes)] if notes.strip() else []
        episode.season, episode.episode_number, episode.episode_type = data.season, data.number, data.episode_type
        episode.explicit, episode.block = data.explicit, data.block
        episode.audio_url, episode.image_url = data.enclosure_url, data.image_url
        if audio is not None:
            episode.audio_file.save(name, audio, save=False)
            episode.audio_size, episode.audio_type, episode.duration = info.size, info.media_type, info.duration
        elif not episode.audio_file:
            episode.audio_size = data.enclosure_length
            episode.audio_type = MEDIA_TYPES[PurePosixPath(name).suffix]
            episode.duration = data.duration or 0
        if image is not None:
            episode.image = image  # uncommitted, so the episode makes its feed copy on save
        episode.chapters = _in_order(
            EpisodeChapter(start_time=c.start_time, title=c.title, url=c.url, img=c.img, toc=c.toc) for c in chapters
        )
        episode.transcripts = _in_order(transcripts)
        episode.persons = _in_order(EpisodePerson(**vars(person)) for person in data.persons)
        episode.soundbites = _in_order(EpisodeSoundbite(**vars(bite)) for bite in data.soundbites)
        if existing is None:
            show.add_child(instance=episode)
        else:
            episode.save()  # commits the child rows first, so the revision records their ids
        episode.save_revision().publish()
    return existing is None
