"""Post feeds (RSS 2.0 and Atom): all posts, or one category, tag or author."""

import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.feedgenerator import Enclosure

from pagecache import fragments
from syndication.generators import ContentAtomFeed, ContentRssFeed
from syndication.links import absolutize

from .listing import ARCHIVES
from .models import BlogIndexPage, BlogPage
from .terms import attach


class PostFeed(Feed):
    feed_type = ContentRssFeed

    def __init__(self, index: BlogIndexPage, request, subject=None, kind: str | None = None):
        super().__init__()
        self.index = index
        self.request = request
        self.subject = subject
        self.kind = kind

    def title(self):
        return f"{self.index.title} » {self.subject}" if self.subject else self.index.title

    def link(self):
        return self.index.get_full_url(self.request)

    def description(self):
        return self.index.search_description or f"Latest posts from {self.index.title}"

    def author_name(self):
        """The feed's author, which Atom requires; entries without an author of their own inherit it."""
        return self.index.title

    def feed_url(self):
        return self.request.build_absolute_uri()

    def items(self):
        posts = ARCHIVES[self.kind].posts(self.index, self.subject) if self.kind else self.index.posts()
        approved = Count("responses", filter=Q(responses__status="approved"))
        posts = posts.select_related("featured_image").annotate(approved_responses=approved)
        posts = list(posts[: settings.FEED_ITEMS])
        attach(posts)
        return posts

    def item_title(self, post: BlogPage):
        return post.title

    def item_description(self, post: BlogPage):
        return post.summary

    def item_link(self, post: BlogPage):
        return post.get_full_url(self.request)

    def item_guid(self, post: BlogPage):
        return post.guid or post.tag_uri()

    item_guid_is_permalink = False

    def item_author_name(self, post: BlogPage):
        return ", ".join(author.name for author in post.byline_authors) or self.author_name()

    def item_categories(self, post: BlogPage):
        return [c.name for c in post.byline_categories] + [t.name for t in post.tag_list]

    def item_pubdate(self, post: BlogPage):
        return post.date

    def item_updateddate(self, post: BlogPage):
        return post.last_published_at or post.date

    def item_enclosures(self, post: BlogPage):
        media = post.attachment
        if media is None:
            return []
        return [
            Enclosure(
                self.request.build_absolute_uri(media.file.url), str(media.get_file_size() or 0), media.content_type
            )
        ]

    def item_image(self, post: BlogPage) -> dict | None:
        image = post.featured_image
        if image is None:
            return None
        return {
            "url": self.request.build_absolute_uri(image.file.url),
            "type": mimetypes.guess_type(image.file.name)[0] or "image/jpeg",
            "width": image.width,
            "height": image.height,
        }

    def item_comments(self, post: BlogPage):
        if post.comments_open() or post.approved_responses:
            return post.get_full_url(self.request) + "#responses"
        return None

    def item_extra_kwargs(self, post: BlogPage):
        extra = {"content": absolutize(str(post.body), self.item_link(post)), "image": self.item_image(post)}
        if post.comments_open() or post.approved_responses:
            extra["comments_feed"] = self.request.build_absolute_uri(reverse("discussion:page_feed", args=[post.pk]))
            extra["comments_count"] = post.approved_responses
        return extra


class AtomPostFeed(PostFeed):
    feed_type = ContentAtomFeed
    subtitle = PostFeed.description


@fragments.versioned_view("blog-feed")  # rendered once per content version, like the podcast feed
def post_feed(request, index: BlogIndexPage, kind: str | None, slug: str | None, fmt: str | None):
    subject = ARCHIVES[kind].subject(slug) if kind else None
    feed_class = AtomPostFeed if fmt == "atom" else PostFeed
    return feed_class(index, request, subject, kind)(request)
