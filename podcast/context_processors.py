"""Puts the podcast show (for the site navigation) in every template's context."""

from django.utils.functional import SimpleLazyObject

from .models import PodcastPage


def podcast(request):
    return {"podcast_root": SimpleLazyObject(lambda: PodcastPage.objects.live().first())}
