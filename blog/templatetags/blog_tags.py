"""Template helpers for blog pages."""

import json

from django import template
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from pagecache import fragments

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data: dict) -> str:
    """A JSON-LD script element; <, > and & are escaped so the data cannot close the tag."""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 (escaped above)


@register.simple_tag(takes_context=True)
def posting_jsonld(context, post) -> str:
    """The post's JSON-LD `BlogPosting`, built only when the page's meta is rendered."""
    from blog.seo import posting_jsonld as data

    return jsonld(data(post, context.get("request")))


@register.simple_tag(takes_context=True)
def blog_navigation(context) -> str:
    """The archive by month, the categories and the latest responses, for the site's footer: the same
    on every page of a site, so rendered once per content version."""
    from blog.navigation import blog_navigation as lists

    index, request = context.get("blog_root"), context.get("request")
    if not index:
        return ""

    def render() -> str:
        context = {"blog_root": index, "request": request, **lists(index)}
        return get_template("blog/includes/navigation.html").render(context)

    host = request.get_host() if request is not None else ""
    return mark_safe(fragments.cached("blog-navigation-html", (index.pk, host), render))  # noqa: S308 (our template)
