from django import template
from django.urls import reverse

register = template.Library()


def accepts_linkbacks(page) -> bool:
    return bool(page is not None and hasattr(page, "linkbacks_open") and page.linkbacks_open())


@register.inclusion_tag("linkbacks/includes/head.html", takes_context=True)
def linkback_head(context, page=None):
    """<link rel="pingback"> and <link rel="webmention"> for a page that takes linkbacks; nothing otherwise."""
    page = page or context.get("page")
    request = context.get("request")
    if not accepts_linkbacks(page) or request is None:
        return {"xmlrpc_url": "", "webmention_url": "", "show": False}
    return {
        "show": True,
        "xmlrpc_url": request.build_absolute_uri(reverse("linkbacks:xmlrpc")),
        "webmention_url": request.build_absolute_uri(reverse("linkbacks:webmention")),
    }
