"""The demo site `make run` loads: the seed post from a real blog, plus a few more posts.

Loading is idempotent: pages are found by slug and left alone when present.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, Site

from blog.models import Author, BlogIndexPage, BlogPage, Category
from discussion import publishing
from discussion.models import Response
from podcast.demo import load_demo_show

SEED = Path(__file__).with_name("mayo-clinic-post.json")

EXTRA_POSTS = [
    {
        "title": "Why comments still matter",
        "slug": "why-comments-still-matter",
        "intro": "Social networks took the conversation away from blogs. Here is why it is worth bringing it home.",
        "paragraphs": [
            "For a decade the conversation around a post happened somewhere else: on a social network, in a "
            "thread the author never saw. The post was the start of the conversation, and then it left.",
            "A comment under the post stays with it. A reader who arrives next year finds the question someone "
            "asked and the answer that followed, in context, on the page that prompted them.",
            "That is why this blog keeps its comments open, moderated by a person with help from Akismet.",
        ],
        "categories": ["Blogging"],
        "tags": ["comments", "community"],
    },
    {
        "title": "Pingbacks, trackbacks and webmentions, explained",
        "slug": "pingbacks-trackbacks-webmentions-explained",
        "intro": "Three ways one blog tells another that it linked to it.",
        "paragraphs": [
            "When you link to another post, your blog can tell the other one. Pingback does it over XML-RPC, "
            "trackback with a form post, and webmention, the W3C's modern take, with two URLs.",
            "The receiving blog fetches your page, checks that the link is really there, and shows an excerpt "
            "of the words around it: the familiar “[…] text around the link […]”.",
        ],
        "categories": ["Blogging"],
        "tags": ["pingback", "webmention", "indieweb"],
    },
    {
        "title": "Episode notes are blog posts too",
        "slug": "episode-notes-are-blog-posts-too",
        "intro": "A podcast episode deserves a page people can read, link to and comment on.",
        "paragraphs": [
            "Show notes are often an afterthought, a few lines in a podcast app. They can be more: a page with "
            "the links mentioned, the chapters, a transcript and a place for listeners to respond.",
            "Treat them like posts and the same readers who comment on the blog will talk about the show.",
        ],
        "categories": ["Podcasting"],
        "tags": ["podcast", "show notes"],
    },
    {
        "title": "Owning your feed",
        "slug": "owning-your-feed",
        "intro": "RSS never went away. It is how your most loyal readers and listeners follow you.",
        "paragraphs": [
            "Every podcast app and every feed reader speaks RSS. A feed on your own domain is an address "
            "your audience can keep, whatever happens to the platforms around it.",
            "Publish full posts in the feed, keep the guids stable, and answer conditional requests so readers "
            "poll cheaply.",
        ],
        "categories": ["Podcasting", "Blogging"],
        "tags": ["rss", "feeds"],
    },
]


def _stream_from_seed(blocks: list[dict]) -> list[tuple]:
    stream = []
    for block in blocks:
        if block["type"] == "paragraph":
            stream.append(("paragraph", f"<p>{_escape(block['value'])}</p>"))
        elif block["type"] == "quote":
            quote = block["value"]
            stream.append(("quote", {"text": "\n\n".join(quote["paragraphs"]), "attribution": quote["attribution"]}))
    return stream


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def add_seed_responses(post: BlogPage, seed: dict) -> int:
    """The seed's comment and pingback on `post`, approved, dated the day after it; each added once."""
    created = 0
    for position, item in enumerate(seed["responses"]):
        key = f"demo:seed-{item['type']}:{position}"
        if Response.objects.filter(page=post, import_key=key).exists():
            continue
        if item["type"] == "pingback":
            who = {
                "author_name": item["source_title"],
                "source_title": item["source_title"],
                "content": item["excerpt"],
                "kind": Response.Kind.PINGBACK,
            }
        else:  # the email only feeds the avatar hash; it is never shown
            who = {
                "author_name": item["author"],
                "author_email": f"{item['author'].lower()}@example.com",
                "content": item["text"],
                "kind": Response.Kind.COMMENT,
            }
        Response.objects.create(
            page=post, status=Response.Status.APPROVED, import_key=key, created_at=post.date + timedelta(days=1), **who
        )
        created += 1
    return created


def blog_index() -> BlogIndexPage:
    """The blog index, created as the default site's home page if missing."""
    index = BlogIndexPage.objects.first()
    if index:
        return index
    root = Page.get_first_root_node()
    intro = "<p>Notes on blogging, podcasting and the conversation around them.</p>"
    index = root.add_child(instance=BlogIndexPage(title="Backchannel", slug="blog", intro=intro))
    url = urlsplit(settings.SITE_URL)
    address = {"hostname": url.hostname, "port": url.port or (443 if url.scheme == "https" else 80)}
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(root_page=index, is_default_site=True, site_name="Backchannel", **address)
    else:
        old_home = site.root_page
        site.root_page, site.site_name = index, site.site_name or "Backchannel"
        site.hostname, site.port = address["hostname"], address["port"]
        site.save()
        if old_home.specific_class is Page and old_home.depth == 2:
            old_home.delete()
    return index


def publish_post(
    index: BlogIndexPage,
    *,
    title: str,
    slug: str,
    date: datetime,
    intro: str,
    body: list,
    authors: list[Author],
    categories: list[Category],
    tags: list[str],
) -> tuple[BlogPage, bool]:
    existing = BlogPage.objects.child_of(index).filter(slug=slug).first()
    if existing:
        return existing, False
    post = BlogPage(title=title, slug=slug, date=date, intro=intro, body=body)
    index.add_child(instance=post)
    post.authors.set(authors)
    post.categories.set(categories)
    post.tags.set(tags)
    post.save_revision().publish()
    return post, True


def load() -> dict:
    """Create the demo blog and podcast without pinging the sites they link to; returns counts."""
    with publishing.quietly(), transaction.atomic():
        return _load()


def demo_category(name: str) -> Category:
    """The named category, its slug repaired if an earlier demo saved it unslugified ("social media")."""
    category, _ = Category.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
    if category.slug != slugify(category.slug):
        category.slug = slugify(name)
        category.save(update_fields=["slug"])
    return category


def _load() -> dict:
    index = blog_index()
    author, _ = Author.objects.get_or_create(
        slug="neville-hobson",
        defaults={"name": "Neville Hobson", "bio": "Communicator, blogger and podcaster."},
    )
    categories = {name: demo_category(name) for name in ("Social media", "Blogging", "Podcasting")}
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    created = 0
    seed_post, was_created = publish_post(
        index,
        title=seed["title"],
        slug=seed["slug"],
        date=timezone.make_aware(datetime.fromisoformat(seed["date"]).replace(hour=9)),
        intro=seed["blocks"][0]["value"],
        body=_stream_from_seed(seed["blocks"]),
        authors=[author],
        categories=[categories["Social media"]],
        tags=["healthcare", "Mayo Clinic", "social media"],
    )
    created += was_created
    responses = add_seed_responses(seed_post, seed)
    start = timezone.now() - timedelta(days=30)
    for offset, spec in enumerate(EXTRA_POSTS):
        _, was_created = publish_post(
            index,
            title=spec["title"],
            slug=spec["slug"],
            date=start + timedelta(days=7 * offset),
            intro=spec["intro"],
            body=[("paragraph", f"<p>{_escape(p)}</p>") for p in spec["paragraphs"]],
            authors=[author],
            categories=[categories[name] for name in spec["categories"]],
            tags=spec["tags"],
        )
        created += was_created
    load_demo_show(index)
    return {"posts_created": created, "posts_total": BlogPage.objects.count(), "responses_created": responses}
