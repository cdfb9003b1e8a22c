"""Archive, search and listing views for the blog index's sub-routes."""

import calendar

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from taggit.models import Tag

from .models import Author, BlogIndexPage, Category


def listing(request, index: BlogIndexPage, posts, heading: str = "", feed_url: str = "", **context):
    paginator = Paginator(posts, settings.BLOG_POSTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "blog/blog_index_page.html",
        {
            "page": index,
            "self": index,
            "posts": page,
            "heading": heading,
            "archive_feed_url": feed_url,
            **context,
        },
    )


def month_archive(request, index: BlogIndexPage, year: int, month: int):
    if not 1 <= month <= 12:
        raise Http404("No such month.")
    posts = index.posts().filter(date__year=year, date__month=month)
    return listing(request, index, posts, heading=f"Posts from {calendar.month_name[month]} {year}")


def category_archive(request, index: BlogIndexPage, slug: str):
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category.")
    posts = index.posts().filter(categories=category)
    return listing(
        request,
        index,
        posts,
        heading=f"Category: {category.name}",
        description=category.description,
        feed_url=index.url + index.reverse_subpage("feed", kwargs={"kind": "category", "slug": slug}),
        feed_title=f"{index.title} » {category.name}",
    )


def tag_archive(request, index: BlogIndexPage, slug: str):
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404("No such tag.")
    posts = index.posts().filter(tags=tag)
    return listing(
        request,
        index,
        posts,
        heading=f"Tagged: {tag.name}",
        feed_url=index.url + index.reverse_subpage("feed", kwargs={"kind": "tag", "slug": slug}),
        feed_title=f"{index.title} » {tag.name}",
    )


def author_archive(request, index: BlogIndexPage, slug: str):
    author = Author.objects.filter(slug=slug).select_related("avatar").first()
    if author is None:
        raise Http404("No such author.")
    posts = index.posts().filter(authors=author)
    return listing(
        request,
        index,
        posts,
        heading=f"Posts by {author.name}",
        description=author.bio,
        author=author,
        feed_url=index.url + index.reverse_subpage("feed", kwargs={"kind": "author", "slug": slug}),
        feed_title=f"{index.title} » {author.name}",
    )


def search(request, index: BlogIndexPage):
    query = request.GET.get("q", "").strip()[:200]
    posts = index.posts().search(query) if query else index.posts().none()
    return listing(
        request,
        index,
        posts,
        heading=f"Search results for “{query}”" if query else "Search",
        search_query=query,
        is_search=True,
    )
