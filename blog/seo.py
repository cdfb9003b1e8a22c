"""Structured data for search engines and link previews."""

from django.http import HttpRequest

from .models import BlogPage


def posting_jsonld(post: BlogPage, request: HttpRequest) -> dict:
    """schema.org BlogPosting for a post, built from what the page already holds."""
    url = post.full_url
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": post.canonical_url or url},
        "datePublished": post.date.isoformat(),
        "dateModified": (post.last_published_at or post.date).isoformat(),
        "author": [{"@type": "Person", "name": author.name} for author in post.byline_authors],
        "keywords": [tag.name for tag in post.tag_list],
    }
    if post.summary:
        data["description"] = post.summary
    if post.featured_image:
        data["image"] = request.build_absolute_uri(post.featured_image.get_rendition("fill-1200x630").url)
    return data
