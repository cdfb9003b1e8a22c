"""Template helpers for blog pages."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict) -> str:
    """A JSON-LD script element; <, > and & are escaped so the data cannot close the tag."""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 (escaped above)


@register.inclusion_tag("blog/includes/navigation.html", takes_context=True)
def blog_navigation(context) -> dict:
    """The archive by month, the categories and the latest responses, for the site's footer."""
    from blog.navigation import blog_navigation as lists

    index = context.get("blog_root")
    return {"blog_root": index, **lists(index)} if index else {}
