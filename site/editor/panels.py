"""The author's dashboard: what waits for them (responses, drafts, scheduled posts) and where to start.

Wagtail's default dashboard knows pages only; an author of a blog and a podcast opens the admin to
answer readers, finish a draft or start the next post, so those come first. Each panel costs one or
two queries, whatever the size of the site.
"""

from typing import Any

from django.forms import Media
from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Page, Revision

from blog.models import BlogIndexPage, BlogPage
from discussion.models import Response
from podcast.models import EpisodePage, PodcastPage

LIMIT = 5


class StartPanel(Component):
    """ "New post" and "New episode", one click from the dashboard."""

    name = "start"
    template_name = "editor/panels/start.html"
    order = 10

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        index = BlogIndexPage.objects.first()
        show = PodcastPage.objects.order_by("pk").first()
        actions = []
        if index:
            actions.append(("New post", reverse("wagtailadmin_pages:add", args=("blog", "blogpage", index.pk))))
        if show:
            actions.append(("New episode", reverse("wagtailadmin_pages:add", args=("podcast", "episodepage", show.pk))))
        return {"actions": actions}


class ResponsesPanel(Component):
    """Responses waiting for a moderator, with approve / spam / trash / reply at hand (the queue's own
    row actions, so each can be undone there), and the latest approved ones."""

    name = "responses"
    template_name = "editor/panels/responses.html"
    order = 20

    @property
    def media(self):
        return Media(css={"all": ["editor/dashboard.css"]})

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        user = parent_context["request"].user
        if not user.has_perm("discussion.change_response"):
            return {"shown": False}
        recent = Response.objects.select_related("page").order_by("-created_at", "-id")
        pending = recent.filter(status=Response.Status.PENDING)
        return {
            "shown": True,
            "pending": pending[:LIMIT],
            "pending_count": pending.count(),
            "recent": recent.filter(status=Response.Status.APPROVED)[:LIMIT],
            "queue_url": reverse("wagtailsnippets_discussion_response:list"),
            "quick_actions": [("approve", "Approve"), ("spam", "Spam"), ("trash", "Trash")],
            "request": parent_context["request"],
            "csrf_token": parent_context.get("csrf_token"),
        }


class DraftsPanel(Component):
    """The signed-in author's drafts and everything scheduled to go live."""

    name = "drafts"
    template_name = "editor/panels/drafts.html"
    order = 30

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        user = parent_context["request"].user
        authored = Page.objects.type(BlogPage, EpisodePage)
        drafts = authored.filter(owner=user, live=False).order_by("-latest_revision_created_at")[:LIMIT]
        scheduled = (
            Revision.page_revisions.filter(approved_go_live_at__isnull=False)
            .select_related("content_type")
            .order_by("approved_go_live_at")[:LIMIT]
        )
        return {"drafts": drafts, "scheduled": scheduled}
