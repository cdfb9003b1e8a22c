"""What a blog reader expects beside the posts: the archive by month, the categories, and the
latest responses. Two queries, built once per content version (pagecache.fragments), so it costs
nothing on most renders and is never stale."""

from django.db.models import Count
from django.db.models.functions import TruncMonth
from wagtail.models import Page

from discussion.models import Response
from pagecache import fragments, restrictions

from .models import BlogIndexPage, BlogPage

RECENT_RESPONSES = 5
MONTHS = 12


def months_and_categories(index: BlogIndexPage) -> tuple[list, list[dict]]:
    """The latest months with posts and every category in use with its number of posts, from one
    query: posts counted per (month, category), one row per pair (a post has one date, so a category's
    counts per month add up to its posts)."""
    rows = (
        restrictions.public(BlogPage.objects.live().child_of(index))
        .annotate(month=TruncMonth("date"))
        .values("month", "categories__name", "categories__slug")
        .annotate(posts=Count("pk", distinct=True))
        .order_by()
    )
    months, counts = set(), {}
    for row in rows:
        months.add(row["month"])
        if row["categories__slug"] is not None:
            key = (row["categories__name"], row["categories__slug"])
            counts[key] = counts.get(key, 0) + row["posts"]
    categories = [{"name": name, "slug": slug, "post_count": n} for (name, slug), n in sorted(counts.items())]
    return sorted(months, reverse=True)[:MONTHS], categories


def _build(index: BlogIndexPage) -> dict:
    months, categories = months_and_categories(index)
    public = restrictions.public(Page.objects.live()).values("pk")
    approved = Response.objects.filter(status=Response.Status.APPROVED, page__in=public).select_related("page")
    recent = [
        {"author": r.author_name, "title": r.page.title, "url": f"{r.page.url}#{r.anchor}", "kind": r.kind}
        for r in approved.order_by("-created_at", "-id")[:RECENT_RESPONSES]
        if r.page.url
    ]
    return {"months": months, "categories": categories, "recent_responses": recent}


def blog_navigation(index: BlogIndexPage) -> dict:
    return fragments.cached("blog-navigation", (index.pk,), lambda: _build(index))
