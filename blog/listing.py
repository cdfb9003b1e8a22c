"""Querysets for post listings, feeds and archives, shaped to cost a constant number of queries."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404
from taggit.models import Tag

from pagecache import restrictions

from .models import Author, BlogIndexPage, BlogPage, Category


def published_posts(index: BlogIndexPage):
    """Live posts under `index`, newest first, with their images (and renditions) prefetched; their
    authors, categories and tags come with `terms.attach` on the posts a page shows."""
    return (
        restrictions.public(BlogPage.objects.live())
        .child_of(index)
        .select_related("featured_image", "attachment")
        .prefetch_related("featured_image__renditions")
        .order_by("-date", "-id")
    )


@dataclass(frozen=True)
class Archive:
    """One kind of term archive (`/category/<slug>/`, `/tag/…`, `/author/…`) and its feed."""

    subjects: QuerySet
    posts_field: str
    heading: str
    index_heading: str
    subject_posts: str
    description_field: str = ""

    def subject(self, slug: str):
        """The category, tag or author named by `slug`, or 404."""
        subject = self.subjects.filter(slug=slug).first()
        if subject is None:
            raise Http404(f"No such {self.subjects.model._meta.verbose_name}.")
        return subject

    def posts(self, index: BlogIndexPage, subject) -> QuerySet:
        return published_posts(index).filter(**{self.posts_field: subject})

    def subjects_in_use(self, index: BlogIndexPage) -> QuerySet:
        """Every subject with at least one published post under `index`, with its `post_count`: one query."""
        live = BlogPage.objects.live().public().child_of(index).values("pk")
        return (
            self.subjects.filter(**{f"{self.subject_posts}__in": live})
            .annotate(post_count=Count(self.subject_posts, distinct=True))
            .order_by("name")
        )


ARCHIVES = {
    "category": Archive(Category.objects.all(), "categories", "Category: {}", "Categories", "posts", "description"),
    "tag": Archive(Tag.objects.all(), "tags", "Tagged: {}", "Tags", "blogpage"),
    "author": Archive(Author.objects.select_related("avatar"), "authors", "Posts by {}", "Authors", "posts", "bio"),
}
