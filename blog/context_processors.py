"""Puts the blog index (for navigation and feed autodiscovery) in every template's context."""

from django.utils.functional import SimpleLazyObject

from pagecache import fragments

from .models import BlogIndexPage


def blog_root(request) -> BlogIndexPage | None:
    """The blog: the site's root page when it is the blog (there is only one, `max_count`), which the
    site lookup already holds; else read once per content version."""
    site = getattr(request, "_wagtail_site", None)
    root = site.root_page.specific_deferred if site is not None else None
    if isinstance(root, BlogIndexPage) and root.live:
        return root
    return fragments.cached("blog-root", (), lambda: BlogIndexPage.objects.live().first())


def blog(request):
    """Every page's header and feed links need it."""
    return {"blog_root": SimpleLazyObject(lambda: blog_root(request))}
