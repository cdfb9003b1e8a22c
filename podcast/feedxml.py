"""Read a podcast feed someone else wrote: feedparser for the core fields, defusedxml for the rest.

feedparser loses what matters most to podcasts (`itunes:explicit` true/false, the value of
`podcast:locked` when it has an owner, repeated `podcast:person`/`podcast:transcript`, the numbers
in `podcast:season`/`podcast:episode`, funding labels), so those come from the raw XML. The raw
parse also guards the door: entity declarations (XXE, billion laughs) and oversized feeds are refused
before feedparser sees a byte. Per-episode problems are recorded on the episode, not raised, so one
bad item never stops the others.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree
import feedparser

from .categories import category_value
from .chapters import Chapter

NAMESPACES = {
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "https://podcastindex.org/namespace/1.0": "podcast",
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md": "podcast",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://www.w3.org/2005/atom": "atom",
    "http://podlove.org/simple-chapters": "psc",
}
TRUE_VALUES = {"yes", "true", "explicit", "1"}
FALSE_VALUES = {"no", "false", "clean", "0"}
DURATION = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d+)(?:\.\d+)?$")
NPT = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)$")


class FeedError(Exception):
    """The feed as a whole cannot be imported; the message says why in words a podcaster understands."""


@dataclass
class PersonData:
    name: str
    role: str = "host"
    group: str = "cast"
    img: str = ""
    href: str = ""


@dataclass
class TranscriptData:
    url: str
    media_type: str
    language: str = ""
    captions: bool = False


@dataclass
class SoundbiteData:
    start_time: float
    duration: float
    title: str = ""


@dataclass
class EpisodeData:
    position: int
    guid: str
    title: str
    link: str = ""
    pub_date: datetime | None = None
    summary: str = ""
    notes_html: str = ""
    enclosure_url: str = ""
    enclosure_length: int = 0
    enclosure_type: str = ""
    duration: int | None = None
    season: int | None = None
    number: int | None = None
    episode_type: str = "full"
    explicit: bool = False
    block: bool = False
    image_url: str = ""
    chapters_url: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    transcripts: list[TranscriptData] = field(default_factory=list)
    persons: list[PersonData] = field(default_factory=list)
    soundbites: list[SoundbiteData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"episode {self.position} “{self.title or '(untitled)'}” ({self.guid or 'no guid'})"


@dataclass
class ShowData:
    title: str
    link: str = ""
    description: str = ""
    language: str = "en"
    artwork_url: str = ""
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    explicit: bool = False
    show_type: str = "episodic"
    copyright: str = ""
    categories: list[str] = field(default_factory=list)
    podcast_guid: str = ""
    locked: bool = False
    locked_owner: str = ""
    complete: bool = False
    block: bool = False
    new_feed_url: str = ""
    funding: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    persons: list[PersonData] = field(default_factory=list)
    episodes: list[EpisodeData] = field(default_factory=list)


# --- raw XML --------------------------------------------------------------------------------------


def _normalise(element: Element) -> None:
    """Rewrite `{namespace}tag` as `prefix_tag` for the namespaces we read, whatever prefix the feed used."""
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            uri, _, local = node.tag[1:].partition("}")
            prefix = NAMESPACES.get(uri.lower())
            node.tag = f"{prefix}_{local}" if prefix else f"other_{local}"


def parse_raw(data: bytes) -> Element:
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        raise FeedError(
            f"The feed declares XML entities or external references ({type(error).__name__}); such feeds are "
            "refused because they can read local files or expand into gigabytes (XXE, billion laughs)."
        ) from None
    except ParseError as error:
        raise FeedError(f"The feed is not well-formed XML: {error}.") from None
    if root.tag != "rss" or root.find("channel") is None:
        raise FeedError(f"This is not an RSS 2.0 podcast feed: its root element is <{root.tag}>.")
    _normalise(root)
    return root


def _text(node: Element | None, path: str) -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _flag(node: Element, path: str, default: bool = False) -> bool:
    value = _text(node, path).lower()
    return True if value in TRUE_VALUES else False if value in FALSE_VALUES else default


def _persons(node: Element) -> list[PersonData]:
    return [
        PersonData(
            name=(person.text or "").strip()[:128],
            role=(person.get("role") or "host").lower(),
            group=(person.get("group") or "cast").lower(),
            img=person.get("img", ""),
            href=person.get("href", ""),
        )
        for person in node.findall("podcast_person")
        if (person.text or "").strip()
    ]


def _categories(channel: Element) -> list[str]:
    values = []
    for top in channel.findall("itunes_category"):
        sub = top.find("itunes_category")
        value = category_value(top.get("text", ""), sub.get("text") if sub is not None else None)
        if value and value not in values:
            values.append(value)
    return values[:3]


# --- values ---------------------------------------------------------------------------------------


def parse_duration(value: str) -> int:
    """Seconds from `SS`, `MM:SS` or `HH:MM:SS` (fractions dropped); ValueError for anything else."""
    match = DURATION.match(value.strip())
    if not match:
        raise ValueError(f"itunes:duration “{value}” is not a duration (seconds, MM:SS or HH:MM:SS)")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _npt_seconds(value: str) -> float | None:
    """Seconds from a Podlove Simple Chapters start (`HH:MM:SS.mmm`, `MM:SS` or seconds); None if unreadable."""
    match = NPT.match((value or "").strip())
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def _simple_chapters(item: Element) -> list[Chapter]:
    chapters = []
    for node in item.findall("psc_chapters/psc_chapter"):
        start = _npt_seconds(node.get("start", ""))
        if start is not None:
            chapters.append(Chapter(start, node.get("title", "")[:255], node.get("href", ""), node.get("image", "")))
    return sorted(chapters, key=lambda chapter: chapter.start_time)


def _whole_number(value: str, tag: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{tag} “{value}” is not a whole number")
    return int(value) or None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


# --- the feed -------------------------------------------------------------------------------------


def read_feed(data: bytes, *, max_bytes: int, source_url: str = "") -> ShowData:
    """Everything we import from a feed; FeedError if the feed as a whole is unusable."""
    if len(data) > max_bytes:
        raise FeedError(f"The feed is {len(data) / 1e6:.1f} MB; imports are limited to {max_bytes / 1e6:.1f} MB.")
    root = parse_raw(data)
    channel = root.find("channel")
    parsed = feedparser.parse(
        data, response_headers={"content-type": "application/rss+xml", "content-location": source_url}
    )
    feed = parsed.feed
    locked = channel.find("podcast_locked")
    owner = channel.find("itunes_owner")
    show = ShowData(
        title=(feed.get("title") or "").strip() or "Imported podcast",
        link=feed.get("link", ""),
        description=_text(channel, "description") or feed.get("subtitle", ""),
        language=(feed.get("language") or "en").strip().lower()[:20],
        artwork_url=(
            channel.find("itunes_image").get("href", "")
            if channel.find("itunes_image") is not None
            else _text(channel, "image/url")
        ),
        author=_text(channel, "itunes_author"),
        owner_name=_text(owner, "itunes_name"),
        owner_email=_text(owner, "itunes_email"),
        explicit=_flag(channel, "itunes_explicit"),
        show_type="serial" if _text(channel, "itunes_type").lower() == "serial" else "episodic",
        copyright=(feed.get("rights") or "").strip()[:255],
        categories=_categories(channel),
        podcast_guid=_text(channel, "podcast_guid")[:36],
        locked=_flag(channel, "podcast_locked"),
        locked_owner=locked.get("owner", "") if locked is not None else "",
        complete=_flag(channel, "itunes_complete"),
        block=_flag(channel, "itunes_block"),
        new_feed_url=_text(channel, "itunes_new-feed-url"),
        funding=[
            (f.get("url", ""), (f.text or "").strip()[:128]) for f in channel.findall("podcast_funding") if f.get("url")
        ],
        texts=[
            (t.get("purpose", "")[:128], (t.text or "").strip()[:4000])
            for t in channel.findall("podcast_txt")
            if (t.text or "").strip()
        ],
        persons=_persons(channel),
    )
    items = channel.findall("item")
    for position, (item, entry) in enumerate(zip(items, parsed.entries, strict=False), start=1):
        show.episodes.append(_episode(position, item, entry, show.explicit))
    return show


def _episode(position: int, item: Element, entry, show_explicit: bool) -> EpisodeData:
    enclosure = item.find("enclosure")
    episode = EpisodeData(
        position=position,
        guid=_text(item, "guid") or (enclosure.get("url", "") if enclosure is not None else ""),
        title=(entry.get("title") or "").strip()[:255],
        link=entry.get("link", ""),
        notes_html=(entry.get("content") or [{}])[0].get("value", "") or entry.get("summary", ""),
        summary=(entry.get("summary", "") if entry.get("content") else ""),
        episode_type=(entry.get("itunes_episodetype") or "full").strip().lower(),
        explicit=_flag(item, "itunes_explicit", show_explicit),
        block=_flag(item, "itunes_block"),
        image_url=(item.find("itunes_image").get("href", "") if item.find("itunes_image") is not None else ""),
        chapters_url=(
            item.find("podcast_chapters").get("url", "") if item.find("podcast_chapters") is not None else ""
        ),
        chapters=_simple_chapters(item),
        persons=_persons(item),
        transcripts=[
            TranscriptData(
                t.get("url", ""), (t.get("type") or "").lower(), t.get("language", ""), t.get("rel") == "captions"
            )
            for t in item.findall("podcast_transcript")
            if t.get("url")
        ],
        soundbites=[
            SoundbiteData(start, length, (s.text or "").strip()[:128])
            for s in item.findall("podcast_soundbite")
            if (start := _float(s.get("startTime"))) is not None and (length := _float(s.get("duration"))) is not None
        ],
    )
    if not episode.guid:
        episode.errors.append("it has neither a guid nor an enclosure, so it cannot be identified")
    if episode.episode_type not in {"full", "trailer", "bonus"}:
        episode.errors.append(f"itunes:episodeType “{episode.episode_type}” is not full, trailer or bonus")
    if entry.get("published_parsed"):
        episode.pub_date = datetime(*entry.published_parsed[:6], tzinfo=UTC)
    elif entry.get("published"):
        episode.errors.append(f"its pubDate “{entry.published}” is not a date")
    else:
        episode.errors.append("it has no pubDate")
    if enclosure is None or not enclosure.get("url"):
        episode.errors.append("it has no enclosure (no media to import)")
    else:
        episode.enclosure_url = enclosure.get("url", "").strip()
        episode.enclosure_type = (enclosure.get("type") or "").strip().lower()
        length = (enclosure.get("length") or "0").strip() or "0"
        if not (length.isascii() and length.isdigit()):
            episode.errors.append(f"its enclosure length “{length}” is not a number of bytes")
        else:
            episode.enclosure_length = int(length)
    for tag, raw, setter in (
        ("itunes:duration", entry.get("itunes_duration", ""), "duration"),
        ("itunes:season", entry.get("itunes_season") or _text(item, "podcast_season"), "season"),
        ("itunes:episode", entry.get("itunes_episode") or _text(item, "podcast_episode"), "number"),
    ):
        try:
            value = (parse_duration(raw) if raw.strip() else None) if setter == "duration" else _whole_number(raw, tag)
        except ValueError as error:
            episode.errors.append(str(error))
        else:
            setattr(episode, setter, value)
    return episode
