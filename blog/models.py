"""Blog pages and the snippets that describe them: authors and categories."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from discussion.models import DiscussionMixin
from pagecache import fragments
from pagecache.restrictions import CheapViewRestrictions
from pagecache.routing import JoinedRoute

from .blocks import BodyBlock
from .forms import PostForm


@register_snippet
class Author(index.Indexed, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)
    avatar = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Where new responses to this author's posts are announced.")

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("avatar"), FieldPanel("email")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)


@register_snippet
class Category(index.Indexed, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("parent"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey("blog.BlogPage", on_delete=models.CASCADE, related_name="tagged_items")


class BlogIndexPage(CheapViewRestrictions, RoutablePageMixin, JoinedRoute, Page):
    """The blog's front page; also serves its archives, search and feeds as sub-routes."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    # No subpage_types: what may live under the blog (posts, shows, WordPress pages) is said by each of
    # those page types' parent_page_types, so the blog names no app built on it.
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def posts(self):
        from .listing import published_posts

        return published_posts(self)

    def listing(self, request, posts, **context):
        from . import views

        return views.listing(request, self, posts, **context)

    @path("")
    def latest(self, request):
        return self.listing(request, self.posts)

    @re_path(r"^(?P<year>\d{4})/$", name="year")
    def year_archive(self, request, year):
        return self.listing(request, lambda: self.posts().filter(date__year=year), heading=f"Posts from {year}")

    @re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$", name="month")
    def month_archive(self, request, year, month):
        from . import views

        return views.month_archive(request, self, int(year), int(month))

    @re_path(r"^(?P<kind>category|tag|author)/$", name="archive_index")
    def term_index(self, request, kind):
        from . import views

        return views.term_index(request, self, kind)

    @re_path(r"^(?P<kind>category|tag|author)/(?P<slug>[^/]+)/$", name="archive")
    def term_archive(self, request, kind, slug):
        from . import views

        return views.term_archive(request, self, kind, slug)

    @path("search/", name="search")
    def search(self, request):
        from . import views

        return views.search(request, self)

    @re_path(r"^(?:(?P<kind>category|tag|author)/(?P<slug>[^/]+)/)?feed/(?:(?P<fmt>atom)/)?$", name="feed")
    def feed(self, request, kind=None, slug=None, fmt=None):
        from .feeds import post_feed

        return post_feed(request, self, kind, slug, fmt)


class BlogPage(CheapViewRestrictions, DiscussionMixin, Page):
    """A post. Its body is a StreamField; its responses live in the discussion app."""

    serve_related = ("featured_image", "attachment")  # joined when routing fetches the post (JoinedRoute)

    search_kind = "Post"  # the label on a search result

    date = models.DateTimeField("publish date", default=timezone.now, db_index=True)
    authors = ParentalManyToManyField("blog.Author", blank=True, related_name="posts")
    categories = ParentalManyToManyField("blog.Category", blank=True, related_name="posts")
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True)
    intro = models.TextField("excerpt", blank=True, help_text="A short summary for listings, feeds and previews.")
    body = StreamField(BodyBlock(), blank=True)
    featured_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attachment = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Media offered as the feed item's enclosure (audio, video, PDF).",
    )
    canonical_url = models.URLField(blank=True, help_text="Only if this post first appeared elsewhere.")
    og_title = models.CharField("OpenGraph title", max_length=200, blank=True)
    og_description = models.TextField("OpenGraph description", blank=True)
    guid = models.CharField(
        "feed guid",
        max_length=500,
        blank=True,
        editable=False,
        help_text="The post's id in feeds, never changed so readers never see it twice: WordPress's guid for an "
        "imported post, else a tag: URI given at first publish.",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("date", help_text="A date in the future schedules the post to go live then."),
                FieldPanel("authors"),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Publication",
        ),
        FieldPanel("intro"),
        FieldPanel("featured_image"),
        FieldPanel("body"),
        FieldPanel("attachment"),
    ]
    promote_panels = Page.promote_panels + [
        MultiFieldPanel(
            [FieldPanel("canonical_url"), FieldPanel("og_title"), FieldPanel("og_description")], heading="Sharing"
        ),
    ]
    settings_panels = Page.settings_panels + DiscussionMixin.discussion_panels
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types: list[str] = []
    base_form_class = PostForm

    exclude_fields_in_copy = ["guid"]

    class Meta:
        ordering = ["-date"]

    def save(self, *args, **kwargs):
        """A post gets its feed guid the first time it is saved live, and keeps it."""
        result = super().save(*args, **kwargs)
        if self.live and not self.guid:
            self.guid = self.tag_uri()
            BlogPage.objects.filter(pk=self.pk).update(guid=self.guid)
        return result

    def with_content_json(self, content):
        """Publishing an older revision never takes the guid back to what that revision held."""
        page = super().with_content_json(content)
        page.guid = self.guid or page.guid
        return page

    def tag_uri(self) -> str:
        """RFC 4151: this site's host and the day of first publication; unlike ``/?p=12`` it is no address
        an imported WordPress redirect could also claim."""
        site = self.get_site()
        host = site.hostname if site else urlsplit(settings.SITE_URL).hostname
        day = (self.first_published_at or timezone.now()).date()
        return f"tag:{host},{day:%Y-%m-%d}:post-{self.pk}"

    @property
    def summary(self) -> str:
        return self.intro or self.search_description

    def clean(self):
        from .scheduling import align_publish_date

        super().clean()
        align_publish_date(self)

    def discussion_published_at(self):
        return self.date

    def discussion_recipients(self) -> list[str]:
        """The post's authors (Author.email), else its owner."""
        emails = [author.email for author in self.authors.all() if author.email]
        return emails or super().discussion_recipients()

    def _terms(self, kind: str) -> list:
        """What `terms.attach` read for a listing or this page; else the relation itself."""
        terms = getattr(self, "terms", None)
        return terms[kind] if terms is not None else list(getattr(self, kind).all())

    @property
    def byline_authors(self) -> list:
        return self._terms("authors")

    @property
    def byline_categories(self) -> list:
        return self._terms("categories")

    @property
    def tag_list(self) -> list:
        return self._terms("tags")

    def get_context(self, request, *args, **kwargs):
        from .terms import terms_of

        self.terms = fragments.cached(
            "post-terms", (self.pk,), lambda: terms_of(self)
        )  # renditions: Wagtail caches them
        context = super().get_context(request, *args, **kwargs)
        context["blog_index"] = self.get_parent().specific_deferred
        return context
