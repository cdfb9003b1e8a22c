"""Admin: what each page sent (and what webmentions we verified), and the discovery headers on pages."""

from urllib.parse import urlsplit

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from .models import IncomingWebmention, OutgoingLinkback
from .templatetags.linkback_tags import linkbacks_open_on


class OutgoingLinkbackViewSet(ModelViewSet):
    model = OutgoingLinkback
    icon = "link-external"
    menu_label = "Sent"
    list_display = ["target_url", "page", "source_url", "kind", "status", "answer", "sent_at"]
    list_filter = ["status", "kind", "source_gone", "page"]
    search_fields = ["target_url", "source_url", "answer"]
    form_fields = ["status"]
    inspect_view_enabled = True
    add_to_admin_menu = False


class IncomingWebmentionViewSet(ModelViewSet):
    model = IncomingWebmention
    icon = "link"
    menu_label = "Webmentions received"
    list_display = ["source", "page", "status", "message", "created_at"]
    list_filter = ["status"]
    search_fields = ["source", "target", "message"]
    form_fields = ["status", "message"]
    inspect_view_enabled = True


class LinkbacksGroup(ViewSetGroup):
    menu_label = "Linkbacks"
    menu_icon = "link"
    menu_order = 310
    items = (OutgoingLinkbackViewSet("outgoing_linkbacks"), IncomingWebmentionViewSet("incoming_webmentions"))


@hooks.register("register_admin_viewset")
def register_linkbacks_viewsets():
    return LinkbacksGroup()


@hooks.register("register_page_header_buttons")
def linkbacks_sent_button(page, user, view_name, next_url=None):
    """From a page's admin header to the list of linkbacks that page sent."""
    if page.outgoing_linkbacks.exists():
        url = reverse("outgoing_linkbacks:index") + f"?page={page.pk}"
        yield Button("Linkbacks sent", url=url, icon_name="link-external", priority=80)


@hooks.register("on_serve_page")
def advertise_endpoints(next_serve):
    """X-Pingback and a webmention Link header on every page that takes linkbacks (at its own URL)."""

    def serve(page, request, args, kwargs):
        response = next_serve(page, request, args, kwargs)
        if linkbacks_open_on(page) and urlsplit(page.get_url(request) or "").path == request.path:
            response["X-Pingback"] = request.build_absolute_uri(reverse("linkbacks:xmlrpc"))
            link = f'<{request.build_absolute_uri(reverse("linkbacks:webmention"))}>; rel="webmention"'
            response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
        return response

    return serve
