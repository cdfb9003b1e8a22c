"""`{% linkback_head %}`: the discovery links (pingback, webmention) of a page that takes linkbacks;
`{% trackback_url page %}`: its TrackBack URL, shown to readers and in the RDF block senders parse."""

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


@register.inclusion_tag("linkbacks/includes/trackback.html", takes_context=True)
def trackback_url(context, page):
    """A visible "Trackback URL" (``<page URL>trackback/``, answered by ``views.trackback_view``) and
    WordPress's RDF block inside an HTML comment, which trackback senders parse; only while open."""
    request = context.get("request")
    permalink = page.get_full_url(request) if linkbacks_open_on(page) else ""
    if not permalink:
        return {"show": False}
    return {"show": True, "url": permalink + "trackback/", "permalink": permalink, "title": page.title}
