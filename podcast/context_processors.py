"""Puts the podcast show (for the site navigation) in every template's context."""

from django.utils.functional import SimpleLazyObject

from pagecache import fragments

from .models import EpisodePage, PodcastPage


def podcast_root(request) -> PodcastPage | None:
    """On a show's pages, that show (routing already holds it); elsewhere the first live show, read
    once per content version."""
    routed = getattr(request, "_wagtail_route_for_request", None)
    page = routed[0] if routed else None
    if isinstance(page, EpisodePage):
        page = page.show
    if isinstance(page, PodcastPage) and page.live:
        return page
    return fragments.cached("podcast-root", (), lambda: PodcastPage.objects.live().first())


def podcast(request):
    """The site's navigation links to it."""
    return {"podcast_root": SimpleLazyObject(lambda: podcast_root(request))}
