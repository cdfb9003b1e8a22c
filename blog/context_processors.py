"""Puts the blog index (for navigation and feed autodiscovery) in every template's context."""

from django.utils.functional import SimpleLazyObject

from .models import BlogIndexPage


def blog(request):
    return {"blog_root": SimpleLazyObject(lambda: BlogIndexPage.objects.live().first())}
