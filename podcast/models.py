"""Shows and episodes: the data a podcast feed is made of, and the rules apps hold us to."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import RegexValidator
from django.db import models
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from blog.blocks import BodyBlock
from discussion.models import DiscussionMixin
from pagecache import clusters, fragments, lifetime, restrictions
from pagecache.restrictions import CheapViewRestrictions
from pagecache.routing import JoinedRoute

from .artwork import feed_copy, validate_artwork
from .audio import probe
from .categories import category_choices, split_category
from .chapters import CHAPTERS_TYPE, Chapter, chapters_document, parse_chapters
from .forms import EpisodeForm, ShowForm, TimecodeInput
from .identity import new_episode_guid, podcast_guid_for
from .transcripts import read_transcript, transcript_type_for, validate_transcript

MAX_CATEGORIES = 3
EPISODES_PER_PAGE = 20
ARTWORK_REQUIRED = (
    "Upload the show's artwork before publishing: Apple Podcasts refuses a feed without itunes:image "
    "(JPEG or PNG, square, 1400×1400 to 3000×3000 px)."
)
MEDIA_REQUIRED = (
    "Upload the episode's audio (or video) before publishing: podcast apps only list episodes with a media file, "
    "so without one it would be missing from the feed. Save it as a draft until the file is ready."
)


class PublishChecksMixin:
    """What apps need before a page goes live, checked whenever a live page is saved.

    The admin form runs the same checks only on publish or submit (drafts may be incomplete);
    it sets `defer_publish_checks` while it validates, because a new page looks live until
    Wagtail knows it is a draft.
    """

    defer_publish_checks = False

    def publish_problems(self) -> dict[str, str]:
        return {}

    def clean(self):
        super().clean()
        if self.live and not self.defer_publish_checks:
            problems = self.publish_problems()
            if problems:
                raise ValidationError(problems)


def _media_path(folder: str, instance, filename: str) -> str:
    """An ASCII name with a random token: a replaced file never reuses an old URL."""
    name = PurePosixPath(filename)
    stem = slugify(name.stem)[:60] or folder
    return f"podcast/{folder}/{timezone.now():%Y/%m}/{stem}-{secrets.token_hex(4)}{name.suffix.lower()}"


def artwork_path(instance, filename: str) -> str:
    return _media_path("artwork", instance, filename)


def audio_path(instance, filename: str) -> str:
    return _media_path("audio", instance, filename)


def transcript_path(instance, filename: str) -> str:
    return _media_path("transcripts", instance, filename)


TIMECODE_HELP = "From the start of the episode, as h:mm:ss, m:ss or seconds (1:02:03, 2:05, 95)."


def chapters_path(instance, filename: str) -> str:
    return _media_path("chapters", instance, filename)


def validate_chapters_file(file) -> None:
    file.seek(0)
    parse_chapters(file.read())
    file.seek(0)


def absolute_url(url: str, request=None, page: Page | None = None) -> str:
    """Media URLs from local storage are paths; feeds need them absolute. S3 URLs already are."""
    if not url or "://" in url:
        return url
    if request is not None:
        return request.build_absolute_uri(url)
    site = page.get_site() if page is not None else None
    return (site.root_url if site else settings.SITE_URL) + url


def _uncommitted(field_file) -> bool:
    return bool(field_file) and not getattr(field_file, "_committed", True)


https_only = RegexValidator(  # its own code, or URLField would show its generic "Enter a valid URL."
    r"^https://",
    "Podcasting 2.0 apps only follow https: links in podcast: tags; give the https:// address.",
    code="https",
)
language_code = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", "Use an ISO 639 language code, optionally with a region: en, en-us, pt-br."
)


class Person(models.Model):
    """podcast:person: hosts on a show, guests on an episode."""

    name = models.CharField(max_length=128)
    role = models.CharField(max_length=60, default="host", help_text="From the Podcasting 2.0 taxonomy: host, guest…")
    group = models.CharField(max_length=60, default="cast")
    img = models.URLField(
        "image URL", blank=True, validators=[https_only], help_text="An https: picture of the person."
    )
    href = models.URLField("web page", blank=True, validators=[https_only])

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role"), FieldPanel("group")]),
        FieldPanel("img"),
        FieldPanel("href"),
    ]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class PodcastPage(CheapViewRestrictions, PublishChecksMixin, RoutablePageMixin, JoinedRoute, Page):
    """A show. Its feed lives at `feed/` below the show page."""

    search_kind = "Show"  # the label on a search result

    class ShowType(models.TextChoices):
        EPISODIC = "episodic", "Episodic (newest first)"
        SERIAL = "serial", "Serial (oldest first, numbered)"

    description = models.TextField(help_text="What the show is about, for apps and directories (up to 4000 bytes).")
    artwork = models.FileField(
        upload_to=artwork_path,
        validators=[validate_artwork],
        blank=True,
        help_text="JPEG or PNG, square, 1400×1400 to 3000×3000 px. A new upload gets a new URL.",
    )
    artwork_feed = models.FileField(upload_to=artwork_path, blank=True, editable=False)
    artwork_url = models.URLField(max_length=1000, blank=True, help_text="Remote artwork, kept from an import.")
    language = models.CharField(max_length=20, default="en", validators=[language_code])
    explicit = models.BooleanField(default=False)
    author = models.CharField(max_length=255, blank=True, help_text="The person or company shown as the author.")
    owner_name = models.CharField(max_length=255, blank=True)
    owner_email = models.EmailField(blank=True, help_text="Directories use it to check who owns the show.")
    show_type = models.CharField(max_length=10, choices=ShowType.choices, default=ShowType.EPISODIC)
    copyright = models.CharField(max_length=255, blank=True)
    podcast_guid = models.CharField(
        "podcast:guid",
        max_length=36,
        blank=True,
        db_index=True,
        help_text="Computed from the feed URL on first save, then kept; an imported value wins.",
    )
    feed_locked = models.BooleanField(
        "podcast:locked", default=True, help_text="Tell other platforms not to import this show."
    )
    complete = models.BooleanField(default=False, help_text="No more episodes will be published.")
    block = models.BooleanField(default=False, help_text="Hide the show from Apple Podcasts.")
    new_feed_url = models.URLField(
        max_length=1000, blank=True, help_text="The show moved: its new feed URL (itunes:new-feed-url)."
    )
    redirect_feed = models.BooleanField(
        default=True, help_text="When the show moved, answer the old feed URL with a 301 to the new one."
    )
    feed_item_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Episodes per feed page; older ones are on paged feeds. Empty: site default."
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("artwork"),
        MultiFieldPanel(
            [
                FieldPanel("author"),
                FieldRowPanel([FieldPanel("owner_name"), FieldPanel("owner_email")]),
                FieldPanel("copyright"),
            ],
            heading="People",
        ),
        InlinePanel("categories", max_num=MAX_CATEGORIES, heading="Apple categories", label="Category"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("language"), FieldPanel("show_type"), FieldPanel("explicit")])],
            heading="Listing",
        ),
        InlinePanel("persons", heading="Hosts", label="Person"),
        InlinePanel("funding", heading="Funding", label="Funding link"),
        InlinePanel(
            "platforms",
            heading="Listen on",
            label="Directory link",
            help_text="The show's pages in Apple Podcasts, Spotify and other directories, once they list it.",
        ),
    ]
    settings_panels = Page.settings_panels + [
        InlinePanel(
            "texts",
            heading="Verification texts (podcast:txt)",
            label="Text",
            help_text="Codes a directory asks you to put in the feed, e.g. Apple's when you move a show here.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("podcast_guid", read_only=True),
                FieldPanel("feed_locked"),
                FieldPanel("complete"),
                FieldPanel("block"),
                FieldPanel("feed_item_limit"),
                FieldPanel("new_feed_url"),
                FieldPanel("redirect_feed"),
            ],
            heading="Feed",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]
    exclude_fields_in_copy = ["podcast_guid"]  # a copy is another show with its own feed
    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types = ["podcast.EpisodePage"]
    base_form_class = ShowForm

    class Meta:
        verbose_name = "podcast show"

    def clean(self):
        super().clean()
        self.read_artwork()

    def read_artwork(self) -> None:
        """A new upload heavier than 500 KB gets a 1400 px JPEG copy, which the feed and pages use."""
        if _uncommitted(self.artwork) and not _uncommitted(self.artwork_feed):
            self.artwork_feed = feed_copy(self.artwork)
        elif not self.artwork:
            self.artwork_feed = None

    def save(self, *args, **kwargs):
        self.read_artwork()
        if not self.podcast_guid and self.pk:
            self.podcast_guid = type(self).objects.filter(pk=self.pk).values_list("podcast_guid", flat=True).first()
        result = super().save(*args, **kwargs)
        if not self.podcast_guid:
            feed_url = self.feed_url()
            if feed_url:
                self.podcast_guid = podcast_guid_for(feed_url)
                type(self).objects.filter(pk=self.pk).update(podcast_guid=self.podcast_guid)
        return result

    def publish_problems(self) -> dict[str, str]:
        """An imported show may keep its artwork as a remote URL; either way the feed has itunes:image."""
        return {} if self.artwork or self.artwork_url else {"artwork": ARTWORK_REQUIRED}

    def episodes(self):
        """Episodes listeners can see: published and dated now or earlier, newest first."""
        return (
            restrictions.public(EpisodePage.objects.child_of(self).live())
            .filter(pub_date__lte=timezone.now())
            .order_by("-pub_date", "-pk")
        )

    def next_release(self):
        """When the next scheduled episode comes out, or None; read once per content version, so a page
        or feed listing the episodes is cached only until then (pagecache.lifetime)."""
        upcoming = fragments.cached(
            "podcast-releases",
            (self.pk,),
            lambda: list(
                restrictions.public(EpisodePage.objects.child_of(self).live())
                .filter(pub_date__gt=timezone.now())
                .order_by("pub_date")
                .values_list("pub_date", flat=True)[:50]
            ),
        )
        now = timezone.now()
        return next((moment for moment in upcoming if moment > now), None)

    def feed_url(self, request=None) -> str | None:
        url = self.get_full_url(request)
        return f"{url}feed/" if url else None

    def artwork_href(self, request=None) -> str:
        artwork = self.artwork_feed or self.artwork
        return absolute_url(artwork.url, request, self) if artwork else self.artwork_url

    def item_limit(self) -> int:
        return self.feed_item_limit or settings.PODCAST_FEED_ITEMS

    def apple_categories(self) -> list[tuple[str, str | None]]:
        return [split_category(row.category) for row in self.categories.all()[:MAX_CATEGORIES]]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        lifetime.until(request, self.next_release())
        context["episodes"] = Paginator(self.episodes(), EPISODES_PER_PAGE).get_page(request.GET.get("page"))
        context["feed_url"] = self.feed_url(request)
        context["artwork"] = self.artwork_href(request)  # with the request: no site lookup per use
        context["platforms"] = self.platforms.all()
        return context

    @path("feed/", name="feed")
    def feed(self, request):
        if self.new_feed_url and self.redirect_feed:
            return HttpResponsePermanentRedirect(self.new_feed_url)
        from .feeds import show_feed

        lifetime.until(request, self.next_release())
        return show_feed(request, self)


class ShowCategory(Orderable):
    page = ParentalKey(PodcastPage, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=100, choices=category_choices)

    panels = [FieldPanel("category")]

    def __str__(self) -> str:
        return self.category


class ShowPerson(Orderable, Person):
    page = ParentalKey(PodcastPage, on_delete=models.CASCADE, related_name="persons")


class ShowFunding(Orderable):
    page = ParentalKey(PodcastPage, on_delete=models.CASCADE, related_name="funding")
    url = models.URLField(max_length=1000, validators=[https_only])
    label = models.CharField(max_length=128, blank=True)

    panels = [FieldRowPanel([FieldPanel("url"), FieldPanel("label")])]

    def __str__(self) -> str:
        return self.label or self.url


class ShowPlatform(Orderable):
    """Where listeners find the show besides its feed: directory pages shown as "Listen on" links."""

    class Platform(models.TextChoices):
        APPLE = "apple", "Apple Podcasts"
        SPOTIFY = "spotify", "Spotify"
        YOUTUBE = "youtube", "YouTube Music"
        AMAZON = "amazon", "Amazon Music"
        POCKETCASTS = "pocketcasts", "Pocket Casts"
        OVERCAST = "overcast", "Overcast"
        PODCASTINDEX = "podcastindex", "Podcast Index"

    page = ParentalKey(PodcastPage, on_delete=models.CASCADE, related_name="platforms")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    url = models.URLField("page URL", max_length=1000)

    panels = [FieldRowPanel([FieldPanel("platform"), FieldPanel("url")])]

    def __str__(self) -> str:
        return self.get_platform_display()


class ShowText(Orderable):
    """podcast:txt: free text for other services, mostly ownership codes (Apple's `applepodcastsverify`)."""

    page = ParentalKey(PodcastPage, on_delete=models.CASCADE, related_name="texts")
    purpose = models.CharField(
        max_length=128,
        blank=True,
        help_text="What the text is for, as the service names it: verify, applepodcastsverify…",
    )
    text = models.TextField(max_length=4000)

    panels = [FieldPanel("purpose"), FieldPanel("text")]

    def __str__(self) -> str:
        return self.purpose or self.text[:50]


class EpisodePage(CheapViewRestrictions, PublishChecksMixin, DiscussionMixin, RoutablePageMixin, Page):
    """An episode: show notes readers can comment on, and the media apps download."""

    search_kind = "Episode"

    class EpisodeType(models.TextChoices):
        FULL = "full", "Full"
        TRAILER = "trailer", "Trailer"
        BONUS = "bonus", "Bonus"

    pub_date = models.DateTimeField("publish date", default=timezone.now, db_index=True)
    summary = models.TextField(blank=True, help_text="One or two sentences for listings; the notes follow.")
    body = StreamField(BodyBlock(), blank=True, verbose_name="show notes")
    audio_file = models.FileField(
        "media file",
        upload_to=audio_path,
        blank=True,
        help_text="MP3, M4A, MP4, M4V or MOV; size, type and duration are read from it. Needed to publish.",
    )
    audio_url = models.URLField(
        "remote media URL",
        max_length=1000,
        blank=True,
        help_text="Kept from an import without media; an uploaded file wins.",
    )
    audio_size = models.BigIntegerField(default=0, editable=False)
    audio_type = models.CharField(max_length=40, blank=True, editable=False)
    duration = models.PositiveIntegerField(default=0, editable=False, help_text="Seconds.")
    season = models.PositiveIntegerField(null=True, blank=True)
    episode_number = models.PositiveIntegerField("episode", null=True, blank=True)
    episode_type = models.CharField(max_length=10, choices=EpisodeType.choices, default=EpisodeType.FULL)
    explicit = models.BooleanField(default=False)
    block = models.BooleanField(default=False, help_text="Hide this episode from Apple Podcasts.")
    guid = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="Given once and never changed, so apps never download the episode twice.",
    )
    image = models.FileField(
        upload_to=artwork_path,
        validators=[validate_artwork],
        blank=True,
        help_text="Optional episode artwork, same rules as the show's.",
    )
    image_feed = models.FileField(upload_to=artwork_path, blank=True, editable=False)
    image_url = models.URLField(max_length=1000, blank=True)
    chapters_file = models.FileField(
        upload_to=chapters_path,
        validators=[validate_chapters_file],
        blank=True,
        help_text="A JSON chapters file; used when no chapters are entered below.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("pub_date"),
        FieldPanel("summary"),
        FieldPanel("audio_file"),
        FieldRowPanel(
            [FieldPanel("season"), FieldPanel("episode_number"), FieldPanel("episode_type"), FieldPanel("explicit")],
            heading="Numbering",
        ),
        FieldPanel("body"),
        FieldPanel("image"),
        InlinePanel("chapters", heading="Chapters", label="Chapter"),
        FieldPanel("chapters_file"),
        InlinePanel("transcripts", heading="Transcripts", label="Transcript"),
        InlinePanel("persons", heading="Guests", label="Person"),
        InlinePanel("soundbites", heading="Soundbites", label="Soundbite"),
    ]
    settings_panels = (
        Page.settings_panels
        + [
            MultiFieldPanel(
                [FieldPanel("guid", read_only=True), FieldPanel("block"), FieldPanel("audio_url")], heading="Feed"
            ),
        ]
        + DiscussionMixin.discussion_panels
    )
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    exclude_fields_in_copy = ["guid"]  # two episodes never share a guid
    parent_page_types = ["podcast.PodcastPage"]
    subpage_types: list[str] = []
    base_form_class = EpisodeForm

    class Meta:
        verbose_name = "podcast episode"
        ordering = ["-pub_date"]

    def clean(self):
        super().clean()
        try:
            self.read_media_info()
        except ValidationError as error:
            raise ValidationError({"audio_file": error.messages}) from None

    def publish_problems(self) -> dict[str, str]:
        """Castopod's rule: an episode is its media file; text-only posts belong on the blog."""
        return {} if self.audio_file or self.audio_url else {"audio_file": MEDIA_REQUIRED}

    def read_media_info(self) -> None:
        """Size, type and duration come from a newly uploaded file, never from the editor."""
        if _uncommitted(self.audio_file):
            info = probe(self.audio_file, self.audio_file.name)
            self.audio_size, self.audio_type, self.duration = info.size, info.media_type, info.duration
        if _uncommitted(self.image) and not _uncommitted(self.image_feed):
            self.image_feed = feed_copy(self.image)
        elif not self.image:
            self.image_feed = None

    def save(self, *args, **kwargs):
        if not self.guid:
            stored = type(self).objects.filter(pk=self.pk).values_list("guid", flat=True).first() if self.pk else None
            self.guid = stored or new_episode_guid()
        self.read_media_info()
        return super().save(*args, **kwargs)

    def discussion_published_at(self):
        return self.pub_date

    @property
    def show(self) -> PodcastPage:
        return self.get_parent().specific_deferred

    def media_url(self, request=None) -> str:
        return absolute_url(self.audio_file.url, request, self) if self.audio_file else self.audio_url

    def image_href(self, request=None) -> str:
        image = self.image_feed or self.image
        return absolute_url(image.url, request, self) if image else self.image_url

    def chapter_list(self, rows: list["EpisodeChapter"] | None = None) -> list[Chapter]:
        """The chapters entered (`rows`, when they are already read), else the chapters file's."""
        if rows is None:
            rows = list(self.chapters.all())
        if rows:
            return [Chapter(row.start_time, row.title, row.url, row.img, row.toc) for row in rows]
        if self.chapters_file:
            with self.chapters_file.open("rb") as file:
                return parse_chapters(file.read())
        return []

    def chapters_url(self, request=None) -> str | None:
        url = self.get_full_url(request)
        return f"{url}chapters/" if url and (self.chapters.exists() or self.chapters_file) else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["show"] = show = self.show
        context["feed_url"] = show.feed_url(request)
        chapters, transcripts, context["guests"], context["platforms"] = clusters.rows(
            [(self, "chapters"), (self, "transcripts"), (self, "persons"), (show, "platforms")]
        )
        context["chapter_list"] = self.chapter_list(chapters)
        context["transcript_list"] = [(t, t.cues()) for t in transcripts]
        context["media_url"] = self.media_url(request)
        context["cover"] = self.image_href(request) or show.artwork_href(request)
        return context

    @path("chapters/", name="chapters")
    def chapters_json(self, request):
        response = JsonResponse(chapters_document(self.chapter_list()), content_type=CHAPTERS_TYPE)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class EpisodeChapter(Orderable):
    page = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="chapters")
    start_time = models.FloatField(help_text="Seconds from the start.")
    title = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=500, blank=True)
    img = models.URLField("image URL", max_length=500, blank=True)
    toc = models.BooleanField("in table of contents", default=True)

    panels = [
        FieldRowPanel([FieldPanel("start_time", widget=TimecodeInput, help_text=TIMECODE_HELP), FieldPanel("title")]),
        FieldPanel("url"),
        FieldPanel("img"),
    ]

    class Meta(Orderable.Meta):
        ordering = ["start_time", "sort_order"]

    def __str__(self) -> str:
        return self.title or f"{self.start_time:g}s"


class EpisodeTranscript(Orderable):
    page = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="transcripts")
    file = models.FileField(
        upload_to=transcript_path,
        validators=[validate_transcript],
        blank=True,
        help_text="WebVTT (.vtt), SubRip (.srt) or JSON (.json).",
    )
    url = models.URLField(max_length=1000, blank=True, help_text="A remote transcript, kept from an import.")
    media_type = models.CharField(max_length=40, blank=True, editable=False)
    language = models.CharField(max_length=20, blank=True, validators=[language_code])
    captions = models.BooleanField(default=False, help_text="Timed closely enough to show as captions.")

    panels = [FieldPanel("file"), FieldPanel("url"), FieldRowPanel([FieldPanel("language"), FieldPanel("captions")])]

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError("Upload a transcript file or give its URL.")

    def save(self, *args, **kwargs):
        if self.file and not self.media_type:
            self.media_type = transcript_type_for(self.file.name)
        super().save(*args, **kwargs)

    def href(self, request=None) -> str:
        return absolute_url(self.file.url, request, self.page) if self.file else self.url

    def cues(self):
        if not self.file:
            return []
        try:
            with self.file.open("rb") as file:
                return read_transcript(file.read().decode("utf-8-sig"), self.media_type)
        except (OSError, UnicodeDecodeError, ValidationError):
            return []

    def __str__(self) -> str:
        return f"{self.language or 'transcript'} ({self.media_type})"


class EpisodePerson(Orderable, Person):
    page = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="persons")


class EpisodeSoundbite(Orderable):
    page = ParentalKey(EpisodePage, on_delete=models.CASCADE, related_name="soundbites")
    start_time = models.FloatField(help_text="Seconds from the start.")
    duration = models.FloatField(help_text="Seconds; 15 to 120 work best.")
    title = models.CharField(max_length=128, blank=True)

    panels = [
        FieldRowPanel(
            [
                FieldPanel("start_time", widget=TimecodeInput, help_text=TIMECODE_HELP),
                FieldPanel("duration"),
                FieldPanel("title"),
            ]
        )
    ]

    def __str__(self) -> str:
        return self.title or f"{self.start_time:g}s"
