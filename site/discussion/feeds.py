"""Response feeds (RSS 2.0 and Atom): every approved response on the site, or on one page.

Conditional GET: the Feed sets Last-Modified from the newest item (never a future one, see
syndication.generators.PastDates); the page cache adds an ETag and answers 304.
"""

import html

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from wagtail.models import Page, Site

from syndication.generators import ContentAtomFeed, ContentRssFeed

from .models import Response
from .text import http_url
from .views import discussion_page


def approved_responses():
    return (
        Response.objects.filter(status=Response.Status.APPROVED, page__in=Page.objects.live().public())
        .select_related("page", "parent")
        .defer("content", "akismet_payload", "user_agent", "referrer", "page__latest_revision")
        .order_by("-created_at", "-id")
    )


def response_url(response: Response, page: Page | None = None) -> str:
    page = page or response.page
    return (page.get_full_url() or settings.SITE_URL + "/") + f"#{response.anchor}"


def site_name(site: Site | None) -> str:
    """The name an editor gave the Wagtail site (Settings → Sites); WAGTAIL_SITE_NAME only when it has none."""
    return site.site_name if site is not None and site.site_name else settings.WAGTAIL_SITE_NAME


class SiteResponsesFeed(Feed):
    feed_type = ContentRssFeed

    def get_object(self, request, *args, **kwargs):
        return Site.find_for_request(request)

    def title(self, site):
        return f"Responses for {site_name(site)}"

    def link(self):
        return settings.SITE_URL + "/"

    def description(self, site):
        return f"The latest comments, pingbacks, trackbacks and webmentions on {site_name(site)}."

    def feed_url(self):
        return settings.SITE_URL + reverse("discussion:feed")

    def items(self):
        return approved_responses()[: settings.FEED_ITEMS]

    def item_title(self, response: Response):
        return self.title_text(f"{response.get_kind_display()} on {response.page.title} by {response.author_name}")

    def title_text(self, title: str) -> str:
        """RSS readers disagree on whether an item title is text or HTML (feedparser guesses from its
        content), so a name like "<script>…" is HTML-escaped, as the RSS Best Practices Profile asks.
        Atom titles are declared text and go out as they are."""
        return html.escape(title, quote=False) if self.feed_type is ContentRssFeed else title

    def item_description(self, response: Response):
        return response.content_html

    def item_link(self, response: Response):
        return response_url(response)

    def item_guid(self, response: Response):
        return f"{settings.SITE_URL}/?response={response.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, response: Response):
        return response.author_name

    def item_author_link(self, response: Response):
        # Imported rows may hold any URL; readers make this a link, so only http(s) goes out.
        return http_url(response.author_url) or http_url(response.source_url) or None

    def item_pubdate(self, response: Response):
        return response.created_at

    def item_updateddate(self, response: Response):
        return response.updated_at

    def item_extra_kwargs(self, response: Response):
        extra = {"content": response.content_html}
        if response.parent_id and response.parent.status == Response.Status.APPROVED:
            extra["in_reply_to"] = response_url(response.parent, response.page)  # a reply is on its parent's page
        return extra


class AtomSiteResponsesFeed(SiteResponsesFeed):
    feed_type = ContentAtomFeed
    subtitle = SiteResponsesFeed.description

    def feed_url(self):
        return settings.SITE_URL + reverse("discussion:feed_atom")


class PageResponsesFeed(SiteResponsesFeed):
    def get_object(self, request, page_id: int):
        return discussion_page(page_id)

    def title(self, page):
        return f"Responses on: {page.title}"

    def link(self, page):
        return page.get_full_url()

    def description(self, page):
        return f"Comments and linkbacks on “{page.title}”."

    def feed_url(self, page):
        return settings.SITE_URL + reverse("discussion:page_feed", args=[page.pk])

    def items(self, page):
        return approved_responses().filter(page=page)[: settings.FEED_ITEMS]

    def item_title(self, response: Response):
        return self.title_text(f"By: {response.author_name}")


class AtomPageResponsesFeed(PageResponsesFeed):
    feed_type = ContentAtomFeed
    subtitle = PageResponsesFeed.description

    def feed_url(self, page):
        return settings.SITE_URL + reverse("discussion:page_feed_atom", args=[page.pk])
