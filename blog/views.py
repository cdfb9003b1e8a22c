"""Archive, search and listing views for the blog index's sub-routes."""

import calendar
from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page

from .listing import ARCHIVES
from .models import BlogIndexPage
from .terms import attach


def listing(
    request, index: BlogIndexPage, posts: Callable[[], QuerySet], heading: str = "", feed_url: str = "", **context
):
    """`posts()` is asked for only if the template renders the cards, not kept for this content version."""

    def page():
        found = Paginator(posts(), settings.BLOG_POSTS_PER_PAGE).get_page(request.GET.get("page"))
        attach(found.object_list)
        return found

    return TemplateResponse(
        request,
        "blog/blog_index_page.html",
        {
            "page": index,
            "self": index,
            "posts": SimpleLazyObject(page),
            "heading": heading,
            "archive_feed_url": feed_url,
            **context,
        },
    )


def month_archive(request, index: BlogIndexPage, year: int, month: int):
    if not 1 <= month <= 12:
        raise Http404("No such month.")
    return listing(
        request,
        index,
        lambda: index.posts().filter(date__year=year, date__month=month),
        heading=f"Posts from {calendar.month_name[month]} {year}",
    )


def term_archive(request, index: BlogIndexPage, kind: str, slug: str):
    archive = ARCHIVES[kind]
    subject = archive.subject(slug)
    return listing(
        request,
        index,
        lambda: archive.posts(index, subject),
        heading=archive.heading.format(subject.name),
        description=getattr(subject, archive.description_field, "") if archive.description_field else "",
        subject=subject,
        feed_url=index.url + index.reverse_subpage("feed", kwargs={"kind": kind, "slug": slug}),
        feed_title=f"{index.title} » {subject.name}",
    )


def term_index(request, index: BlogIndexPage, kind: str):
    """`/category/`, `/tag/`, `/author/`: every term in use, with its number of posts."""
    archive = ARCHIVES[kind]
    return TemplateResponse(
        request,
        "blog/term_index.html",
        {
            "page": index,
            "self": index,
            "kind": kind,
            "heading": archive.index_heading,
            "subjects": archive.subjects_in_use(index),
        },
    )


def search(request, index: BlogIndexPage):
    """Posts, episodes and pages under the blog, best match first."""
    query = request.GET.get("q", "").strip()[:200]
    pages = Page.objects.live().public().descendant_of(index).specific()
    results = pages.search(query) if query else pages.none()
    paginator = Paginator(results, settings.BLOG_POSTS_PER_PAGE)
    return TemplateResponse(
        request,
        "blog/search_results.html",
        {
            "page": index,
            "self": index,
            "results": paginator.get_page(request.GET.get("page")),
            "heading": f"Search results for “{query}”" if query else "Search",
            "search_query": query,
            "is_search": True,
        },
    )
