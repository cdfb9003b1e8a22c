"""Querysets for post listings, feeds and archives, shaped to cost a constant number of queries."""

from django.db.models import Prefetch

from .models import Author, BlogIndexPage, BlogPage, Category


def published_posts(index: BlogIndexPage):
    """Live posts under `index`, newest first, with everything a listing shows prefetched."""
    return (
        BlogPage.objects.live()
        .public()
        .child_of(index)
        .select_related("featured_image", "attachment")
        .prefetch_related(
            Prefetch("authors", queryset=Author.objects.only("id", "name", "slug")),
            Prefetch("categories", queryset=Category.objects.only("id", "name", "slug")),
            "tags",
            "featured_image__renditions",
        )
        .order_by("-date", "-id")
    )
