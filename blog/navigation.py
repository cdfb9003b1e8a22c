"""What a blog reader expects beside the posts: the archive by month, the categories, and the
latest responses. Each list is one query, built once per content version (pagecache.fragments),
so it costs nothing on most renders and is never stale."""

from django.db.models import Count
from wagtail.models import Page

from discussion.models import Response
from pagecache import fragments

from .models import BlogIndexPage, BlogPage, Category

RECENT_RESPONSES = 5
MONTHS = 12


def _build(index: BlogIndexPage) -> dict:
    posts = BlogPage.objects.live().public().child_of(index)
    months = list(posts.dates("date", "month", order="DESC")[:MONTHS])
    live = posts.values("pk")
    categories = list(
        Category.objects.filter(posts__in=live)
        .annotate(post_count=Count("posts", distinct=True))
        .order_by("name")
        .values("name", "slug", "post_count")
    )
    public = Page.objects.live().public().values("pk")
    approved = Response.objects.filter(status=Response.Status.APPROVED, page__in=public).select_related("page")
    recent = [
        {"author": r.author_name, "title": r.page.title, "url": f"{r.page.url}#{r.anchor}", "kind": r.kind}
        for r in approved.order_by("-created_at", "-id")[:RECENT_RESPONSES]
        if r.page.url
    ]
    return {"months": months, "categories": categories, "recent_responses": recent}


def blog_navigation(index: BlogIndexPage) -> dict:
    return fragments.cached("blog-navigation", (index.pk,), lambda: _build(index))
