"""Puts the blog index (for navigation and feed autodiscovery) in every template's context."""

from django.utils.functional import SimpleLazyObject

from pagecache import fragments

from .models import BlogIndexPage


def blog(request):
    """Read once per content version (every page's header and feed links need it), not per request."""
    return {
        "blog_root": SimpleLazyObject(lambda: fragments.cached("blog-root", (), BlogIndexPage.objects.live().first))
    }
