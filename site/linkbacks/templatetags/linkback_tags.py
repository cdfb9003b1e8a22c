"""`{% linkback_head %}`: the discovery links (pingback, webmention) of a page that takes linkbacks."""

from django import template
from django.urls import reverse

from discussion.models import takes_linkbacks

register = template.Library()


def linkbacks_open_on(page) -> bool:
    """Advertise endpoints only where a linkback would be taken now (WordPress: only when pings_open())."""
    return page is not None and takes_linkbacks(page) and page.linkbacks_open()


@register.inclusion_tag("linkbacks/includes/head.html", takes_context=True)
def linkback_head(context, page=None):
    """<link rel="pingback"> and <link rel="webmention"> for a page that takes linkbacks; nothing otherwise."""
    page = page or context.get("page")
    request = context.get("request")
    if not linkbacks_open_on(page) or request is None:
        return {"xmlrpc_url": "", "webmention_url": "", "show": False}
    return {
        "show": True,
        "xmlrpc_url": request.build_absolute_uri(reverse("linkbacks:xmlrpc")),
        "webmention_url": request.build_absolute_uri(reverse("linkbacks:webmention")),
    }
