"""Puts the podcast show (for the site navigation) in every template's context."""

from django.utils.functional import SimpleLazyObject

from pagecache import fragments

from .models import PodcastPage


def podcast(request):
    """Read once per content version (the site's navigation links to it), not per request."""
    return {
        "podcast_root": SimpleLazyObject(lambda: fragments.cached("podcast-root", (), PodcastPage.objects.live().first))
    }
