"""Import a parsed WordPress export into the blog: authors, terms, media, posts, pages, responses, redirects.

``Importer`` holds one run's state and the ``ImportedObject`` keys; the work is done by a module
per kind of thing imported (``authors``, ``terms``, ``media``, ``posts``, ``responses``). Every
object is keyed by the WordPress site and its WordPress id (responses by ``Response.import_key``),
so running the import again updates in place and creates nothing twice.
"""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from datetime import UTC, datetime
from html import escape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from taggit.models import Tag
from tqdm import tqdm
from wagtail.models import Page, Site

from blog.models import Author, BlogIndexPage, Category
from discussion import publishing
from pagecache import version

from . import authors, media, posts, terms
from .models import ImportedObject
from .redirects import Redirects, site_feed
from .summary import Summary
from .values import parse_wp_date, plain, short_key, site_offset, wordpress_slug
from .wxr import WPItem, WXRExport


class Importer:
    """One run over one export: authors and terms first, then media, then each post or page with its responses."""

    def __init__(
        self,
        export: WXRExport,
        index: BlogIndexPage,
        *,
        authors: dict[str, str] | None = None,
        fetch_media: bool = True,
        users: bool = False,
        dry_run: bool = False,
        progress: bool = False,
    ):
        self.export = export
        self.users = users
        self.index = index
        self.site = index.get_site()
        self.source = short_key(export.site_url, 200)
        self.author_map = authors or {}
        self.fetch_media = fetch_media and not dry_run
        self.dry_run = dry_run
        self.progress = progress
        self.summary = Summary(dry_run=dry_run)
        self.offset = site_offset(export.items)
        self.media = media.Attachments()
        self.authors: dict[str, Author] = {}
        self.categories: dict[str, Category] = {}
        self.tags: dict[str, Tag] = {}
        self.pages: dict[str, Page] = {}
        self.redirects = Redirects(self.site)
        self.seen_comments: set[str] = set()
        self.reusable = {i.post_id: i.content for i in export.items if i.post_type == "wp_block"}
        self.items = {item.post_id: item for item in export.items}
        guids = Counter(item.guid for item in export.items)
        self.unique_guids = {guid for guid, number in guids.items() if number == 1 and guid}
        known = ImportedObject.objects.filter(source=self.source).select_related("content_type")
        self.mappings = {(m.kind, m.wp_id): m for m in known}

    def run(self) -> Summary:
        """Each post commits on its own; a dry run wraps everything in one transaction and rolls it back."""
        if not self.dry_run:
            self.import_all()
            version.bump()  # responses arrive by bulk_create, which sends no save() signals
            return self.summary
        with transaction.atomic():
            self.import_all()
            transaction.set_rollback(True)
        return self.summary

    def import_all(self) -> None:
        with transaction.atomic():
            authors.import_authors(self)
        terms.import_terms(self)
        media.import_attachments(self)
        posts.import_entries(self)
        with transaction.atomic():
            media.attachment_redirects(self)
            if site_feed():  # WordPress's site-wide comments feed
                self.redirects.add("/comments/feed/", self.summary, link=site_feed())
            terms.category_redirects(self)

    def bar(self, iterable, description: str):
        return tqdm(iterable, desc=description, unit="item", disable=not self.progress)

    def label(self, item: WPItem) -> str:
        """How the summary names an item."""
        return f"{item.post_type} {item.post_id} “{plain(item.title) or posts.NO_TITLE}”"

    def when(self, local: str, gmt: str) -> datetime | None:
        """GMT when WordPress recorded it (drafts have none): else local time at the blog's own offset."""
        moment = parse_wp_date(gmt)
        if moment is not None:
            return moment.replace(tzinfo=UTC)
        moment = parse_wp_date(local)
        if moment is None:
            return None
        if self.offset is not None:
            return (moment - self.offset).replace(tzinfo=UTC)
        return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))

    # what each WordPress object became -----------------------------------------------------------

    def mapped(self, kind: str, wp_id: str, guid: str = ""):
        """The ImportedObject for a WordPress object and what it points at (None if deleted since)."""
        mapping = self.mappings.get((kind, wp_id))
        if mapping is None and guid in self.unique_guids:  # same item, new id (e.g. the blog was moved)
            mapping = next(
                (m for m in self.mappings.values() if m.kind == kind and m.guid == guid and m.wp_id not in self.items),
                None,
            )
        return mapping, (mapping.target if mapping else None)

    def remember(self, kind: str, wp_id: str, obj, fp: str = "", guid: str = "") -> None:
        mapping, _ = self.mapped(kind, wp_id, guid)
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        if mapping is None:
            mapping = ImportedObject(source=self.source, kind=kind, wp_id=wp_id)
        wanted = {
            "wp_id": wp_id,
            "content_type_id": content_type.pk,
            "object_id": obj.pk,
            "guid": guid if guid in self.unique_guids and len(guid) <= 500 else "",
            "fingerprint": fp,
        }
        if mapping.pk is None or any(getattr(mapping, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(mapping, key, value)
            mapping.save()
        self.mappings[(kind, wp_id)] = mapping


def default_blog_index(into: str | None = None) -> BlogIndexPage | None:
    """``--into`` by id or slug; otherwise the site's only blog index, or None on a fresh site."""
    indexes = BlogIndexPage.objects.all()
    if into:
        found = indexes.filter(pk=int(into)) if into.isdigit() else indexes.filter(slug=into)
        index = found.first()
        if index is None:
            raise LookupError(f"No blog index with id or slug {into!r}.")
        return index
    return indexes.first()


def create_blog_index(export: WXRExport, summary: Summary) -> BlogIndexPage:
    """A fresh site (just ``migrate``): the blog index, named after the blog, becomes the site's root.

    WordPress's permalinks (``/2012/01/hello/``, ``/?p=12``) start at the site root, so that is where
    the index goes for them to work with no manual step; Wagtail's placeholder home page is removed.
    """
    root = Page.get_first_root_node()
    address = urlsplit(settings.SITE_URL)
    title = plain(export.title)[:255] or urlsplit(export.site_url).hostname or "Blog"
    tagline = plain(export.description)
    index = BlogIndexPage(
        title=title,
        slug=posts.sibling_slug(root, wordpress_slug(title) or "blog", BlogIndexPage()),
        intro=f"<p>{escape(tagline)}</p>" if tagline else "",
        search_description=tagline,
    )
    root.add_child(instance=index)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(is_default_site=True, hostname=address.hostname or "localhost")
        site.port = address.port or (443 if address.scheme == "https" else 80)
    placeholder = site.root_page if site.pk else None
    site.root_page, site.site_name = index, site.site_name or title
    site.save()
    if placeholder is not None and placeholder.specific_class is Page and not placeholder.get_children().exists():
        placeholder.delete()
    summary.note("blog index", f"created “{title}” at the site root ({site.root_url}/), as there was none")
    return index


def import_wordpress(
    export: WXRExport,
    *,
    into: BlogIndexPage | None = None,
    authors: dict[str, str] | None = None,
    fetch_media: bool = True,
    users: bool = False,
    dry_run: bool = False,
    progress: bool = False,
) -> Summary:
    """Import a parsed export; with ``dry_run`` everything is rolled back and the summary says what would change.

    Without ``into`` the import goes to the site's blog index, made at the site root if there is none.
    Everything is published quietly (``discussion.publishing``): no pingback, webmention, trackback,
    WebSub ping or email leaves the site because of an import.
    """
    summary = Summary(dry_run=dry_run)
    # quietly: years-old posts ping nobody and mail nobody; their links are recorded as already sent
    with publishing.quietly(), transaction.atomic() if dry_run else nullcontext():
        index = into or default_blog_index() or create_blog_index(export, summary)
        importer = Importer(
            export, index, authors=authors, fetch_media=fetch_media, users=users, dry_run=dry_run, progress=progress
        )
        importer.summary.merge(summary)
        result = importer.run()
        if dry_run:
            transaction.set_rollback(True)
    return result
