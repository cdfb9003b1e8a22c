"""The show feed: RSS 2.0 with the itunes, podcast, atom and content namespaces.

Apple, Spotify and Podcasting 2.0 apps read it (tags and values: Apple's podcaster guide, PSP-1).
Readers poll it often, so it answers conditional GETs with 304, is gzipped, carries Cache-Control,
and stays small: a per-show item limit with RFC 5005 paged archives linked by atom:link.
"""

import hashlib

import nh3
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed, rfc2822_date
from django.utils.html import escape
from django.utils.http import http_date
from django.views.decorators.gzip import gzip_page

from pagecache import fragments
from syndication.generators import PastDates

from .chapters import CHAPTERS_TYPE
from .models import EpisodePage, PodcastPage

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
ATOM_NS = "http://www.w3.org/2005/Atom"
PSC_NS = "http://podlove.org/simple-chapters"
DESCRIPTION_MAX_BYTES = 4000
FEED_CACHE_SECONDS = 60 * 60  # versions change their ETag, so an entry is never stale, only unused
# Apple allows these in a description (p ol ul li a); PSP-1 adds b i strong em.
DESCRIPTION_TAGS = {"p", "ol", "ul", "li", "a", "b", "i", "strong", "em", "br"}


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def true_false(value: bool) -> str:
    return "true" if value else "false"


def npt(seconds: float) -> str:
    """Normal Play Time (HH:MM:SS.mmm), as Podlove Simple Chapters want their start times."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def clip_bytes(text: str, limit: int = DESCRIPTION_MAX_BYTES) -> str:
    """Cut text to `limit` UTF-8 bytes at a word boundary, adding an ellipsis when cut."""
    if len(text.encode()) <= limit:
        return text
    cut = text.encode()[: limit - 3].decode(errors="ignore").rsplit(" ", 1)[0]
    return f"{cut}…"


class PodcastRssFeed(PastDates, Rss201rev2Feed):
    """Writes every tag itself, so each one follows the checklist rather than Django's RSS defaults."""

    def rss_attributes(self):
        return {
            "version": "2.0",
            "xmlns:itunes": ITUNES_NS,
            "xmlns:podcast": PODCAST_NS,
            "xmlns:atom": ATOM_NS,
            "xmlns:content": CONTENT_NS,
            "xmlns:psc": PSC_NS,
        }

    @staticmethod
    def cdata(handler, name: str, html: str) -> None:
        """An element holding HTML in a CDATA section, as Apple asks; `]]>` is split so it cannot end it early."""
        handler.startElement(name, {})
        handler.ignorableWhitespace("<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>")
        handler.endElement(name)

    @staticmethod
    def persons(handler, persons) -> None:
        for person in persons:
            attrs = {"role": person.role.lower(), "group": person.group.lower()}
            if person.img:
                attrs["img"] = person.img
            if person.href:
                attrs["href"] = person.href
            handler.addQuickElement("podcast:person", person.name, attrs)

    @staticmethod
    def simple_chapters(handler, chapters) -> None:
        """Podlove Simple Chapters too: AntennaPod and others read these where they ignore podcast:chapters."""
        if not chapters:
            return
        handler.startElement("psc:chapters", {"version": "1.2"})
        for chapter in chapters:
            attrs = {"start": npt(chapter.start_time), "title": chapter.title}
            if chapter.url:
                attrs["href"] = chapter.url
            if chapter.img:
                attrs["image"] = chapter.img
            handler.addQuickElement("psc:chapter", None, attrs)
        handler.endElement("psc:chapters")

    def add_root_elements(self, handler):
        feed = self.feed
        show: PodcastPage = feed["show"]
        handler.addQuickElement("title", feed["title"])
        handler.addQuickElement("link", feed["link"])
        handler.addQuickElement("description", clip_bytes(feed["description"]))
        handler.addQuickElement("language", feed["language"])
        if feed["feed_copyright"]:
            handler.addQuickElement("copyright", feed["feed_copyright"])
        handler.addQuickElement("lastBuildDate", rfc2822_date(self.latest_post_date()))
        handler.addQuickElement("generator", "Backchannel")
        for rel, href in feed["links"]:
            attrs = {"href": href, "rel": rel}
            if rel != "hub":
                attrs["type"] = "application/rss+xml"
            handler.addQuickElement("atom:link", None, attrs)
        if feed["artwork"]:
            handler.startElement("image", {})
            handler.addQuickElement("url", feed["artwork"])
            handler.addQuickElement("title", feed["title"])
            handler.addQuickElement("link", feed["link"])
            handler.endElement("image")
            handler.addQuickElement("itunes:image", None, {"href": feed["artwork"]})
        if show.author:
            handler.addQuickElement("itunes:author", show.author)
        if show.owner_name or show.owner_email:
            handler.startElement("itunes:owner", {})
            handler.addQuickElement("itunes:name", show.owner_name or show.author)
            handler.addQuickElement("itunes:email", show.owner_email)
            handler.endElement("itunes:owner")
        for top, sub in show.apple_categories():
            handler.startElement("itunes:category", {"text": top})
            if sub:
                handler.addQuickElement("itunes:category", None, {"text": sub})
            handler.endElement("itunes:category")
        handler.addQuickElement("itunes:explicit", true_false(show.explicit))
        handler.addQuickElement("itunes:type", show.show_type)
        if show.new_feed_url:
            handler.addQuickElement("itunes:new-feed-url", show.new_feed_url)
        if show.block:
            handler.addQuickElement("itunes:block", "Yes")
        if show.complete:
            handler.addQuickElement("itunes:complete", "Yes")
        if show.podcast_guid:
            handler.addQuickElement("podcast:guid", show.podcast_guid)
        locked_attrs = {"owner": show.owner_email} if show.owner_email else {}
        handler.addQuickElement("podcast:locked", yes_no(show.feed_locked), locked_attrs)
        handler.addQuickElement("podcast:medium", "podcast")
        for funding in show.funding.all():
            handler.addQuickElement("podcast:funding", funding.label[:128], {"url": funding.url})
        for text in show.texts.all():
            handler.addQuickElement(
                "podcast:txt", text.text.strip()[:4000], {"purpose": text.purpose} if text.purpose else {}
            )
        self.persons(handler, show.persons.all())

    def add_item_elements(self, handler, item):
        episode: EpisodePage = item["episode"]
        handler.addQuickElement("title", item["title"])
        handler.addQuickElement("itunes:title", item["title"])
        handler.addQuickElement("link", item["link"])
        self.cdata(handler, "description", item["description"])
        if item["content"]:
            self.cdata(handler, "content:encoded", item["content"])
        handler.addQuickElement("guid", item["unique_id"], {"isPermaLink": "false"})
        handler.addQuickElement("pubDate", rfc2822_date(item["pubdate"]))
        handler.addQuickElement("comments", item["comments"])
        enclosure = item["enclosures"][0]
        handler.addQuickElement(
            "enclosure", None, {"url": enclosure.url, "length": enclosure.length, "type": enclosure.mime_type}
        )
        handler.addQuickElement("itunes:duration", str(episode.duration))
        handler.addQuickElement("itunes:explicit", true_false(episode.explicit))
        handler.addQuickElement("itunes:episodeType", episode.episode_type)
        if episode.season:
            handler.addQuickElement("itunes:season", str(episode.season))
            handler.addQuickElement("podcast:season", str(episode.season))
        if episode.episode_number:
            handler.addQuickElement("itunes:episode", str(episode.episode_number))
            handler.addQuickElement("podcast:episode", str(episode.episode_number))
        if item["image"]:
            handler.addQuickElement("itunes:image", None, {"href": item["image"]})
        if episode.block:
            handler.addQuickElement("itunes:block", "Yes")
        for transcript in item["transcripts"]:
            handler.addQuickElement("podcast:transcript", None, transcript)
        if item["chapters"]:
            handler.addQuickElement("podcast:chapters", None, {"url": item["chapters"], "type": CHAPTERS_TYPE})
        self.simple_chapters(handler, [chapter for chapter in episode.chapter_list() if chapter.toc])
        for soundbite in episode.soundbites.all():
            handler.addQuickElement(
                "podcast:soundbite",
                soundbite.title,
                {"startTime": f"{soundbite.start_time:g}", "duration": f"{soundbite.duration:g}"},
            )
        self.persons(handler, episode.persons.all())


class ShowFeed(Feed):
    feed_type = PodcastRssFeed

    def __init__(self, show: PodcastPage, request, page, links: list[tuple[str, str]]):
        super().__init__()
        self.show, self.request, self.page, self.links = show, request, page, links
        self.language = show.language  # Django reads this attribute, else the site's LANGUAGE_CODE

    def title(self):
        return self.show.title

    def link(self):
        return self.show.get_full_url(self.request)

    def description(self):
        return self.show.description

    def feed_url(self):
        return dict(self.links)["self"]

    def feed_copyright(self):
        return self.show.copyright

    def feed_extra_kwargs(self, obj):
        return {"show": self.show, "links": self.links, "artwork": self.show.artwork_href(self.request)}

    def get_object(self, request, *args, **kwargs):
        return self.show

    def items(self):
        return self.page.object_list

    def item_title(self, episode: EpisodePage):
        return episode.title

    def item_link(self, episode: EpisodePage):
        return episode.get_full_url(self.request)

    def item_guid(self, episode: EpisodePage):
        return episode.guid

    def item_pubdate(self, episode: EpisodePage):
        return episode.pub_date

    def item_description(self, episode: EpisodePage):
        notes = nh3.clean(str(episode.body), tags=DESCRIPTION_TAGS, attributes={"a": {"href"}})
        html = f"<p>{escape(episode.summary)}</p>{notes}" if episode.summary else notes
        if len(html.encode()) <= DESCRIPTION_MAX_BYTES:
            return html
        return f"<p>{escape(clip_bytes(episode.summary or episode.search_description, 3900))}</p>"

    def item_comments(self, episode: EpisodePage):
        return f"{episode.get_full_url(self.request)}#responses"

    def item_enclosures(self, episode: EpisodePage):
        return [Enclosure(episode.media_url(self.request), str(episode.audio_size), episode.audio_type)]

    def item_extra_kwargs(self, episode: EpisodePage):
        transcripts = []
        for transcript in episode.transcripts.all():
            attrs = {"url": transcript.href(self.request), "type": transcript.media_type}
            if transcript.language:
                attrs["language"] = transcript.language
            if transcript.captions:
                attrs["rel"] = "captions"
            transcripts.append(attrs)
        return {
            "episode": episode,
            "content": str(episode.body),
            "image": episode.image_href(self.request),
            "transcripts": transcripts,
            "chapters": episode.chapters_url(self.request),
        }


def feed_episodes(show: PodcastPage):
    """Episodes in the feed: visible ones that have media (apps list nothing else)."""
    return (
        show.episodes()
        .exclude(audio_file="", audio_url="")
        .prefetch_related("transcripts", "chapters", "persons", "soundbites")
    )


def feed_version(show: PodcastPage, page_number: int) -> tuple[str, object]:
    """ETag and Last-Modified from a few aggregates, so a 304 costs no rendering; kept per content version
    and until the next episode's release, the only change to the aggregates that is no content change."""
    parts = (show.pk, page_number, show.next_release())
    return fragments.cached("podcast-feed-version", parts, lambda: aggregated_version(show, page_number))


def aggregated_version(show: PodcastPage, page_number: int) -> tuple[str, object]:
    stats = feed_episodes(show).aggregate(count=Count("pk"), published=Max("last_published_at"), dated=Max("pub_date"))
    state = (
        show.pk,
        show.last_published_at,
        page_number,
        show.item_limit(),
        tuple(settings.PODCAST_WEBSUB_HUBS),
        *stats.values(),
    )
    etag = '"' + hashlib.sha256(repr(state).encode()).hexdigest()[:32] + '"'
    last_modified = max(filter(None, [show.last_published_at, stats["published"], stats["dated"]]), default=None)
    return etag, last_modified


def page_links(feed_url: str, page_number: int, pages: int) -> list[tuple[str, str]]:
    """RFC 5005 paged-feed links; the first page is the subscription URL itself."""

    def url(number: int) -> str:
        return feed_url if number == 1 else f"{feed_url}?page={number}"

    links = [("self", url(page_number)), ("first", url(1)), ("last", url(pages))]
    if page_number > 1:
        links.append(("prev", url(page_number - 1)))
    if page_number < pages:
        links.append(("next", url(page_number + 1)))
    return links + [("hub", hub) for hub in settings.PODCAST_WEBSUB_HUBS]


def rendered_feed(request, show: PodcastPage, page_number: int, etag: str) -> HttpResponse:
    """The feed document, rendered once per version (ETag) and address, then served from the cache."""
    key = "podcast-feed:" + hashlib.sha256(f"{etag} {request.build_absolute_uri()}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        paginator = Paginator(feed_episodes(show), show.item_limit())
        try:
            page = paginator.page(page_number)
        except InvalidPage:
            raise Http404("No such feed page.") from None
        feed = ShowFeed(show, request, page, page_links(show.feed_url(request), page_number, paginator.num_pages))
        body = feed.get_feed(show, request).writeString("utf-8")
        cache.set(key, body, FEED_CACHE_SECONDS)
    return HttpResponse(body, content_type=PodcastRssFeed.content_type)


@gzip_page
def show_feed(request, show: PodcastPage) -> HttpResponse:
    raw_page = request.GET.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit()) or int(raw_page) < 1:
        raise Http404("No such feed page.")
    page_number = int(raw_page)
    etag, last_modified = feed_version(show, page_number)
    timestamp = last_modified.timestamp() if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = rendered_feed(request, show, page_number, etag)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(timestamp)
    # Apps and browsers may keep it PODCAST_FEED_MAX_AGE (0: they ask again each time, and a new
    # episode shows at once); a shared cache in front (nginx) as briefly as any page.
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PODCAST_FEED_MAX_AGE,
        s_maxage=settings.PAGE_CACHE_S_MAXAGE,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
    )
    return response
