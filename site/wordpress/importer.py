"""Import a parsed WordPress export into the blog: authors, terms, media, posts, pages, responses, redirects.

Every object is keyed by the WordPress site and its WordPress id (``ImportedObject``; responses
by ``Response.import_key``), so running the import again updates in place and creates nothing
twice. Each post is written in one transaction with its responses and redirects: a post that
fails is named in the summary and the others are kept.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_ipv46_address
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm
from wagtail.models import Page, PageViewRestriction

from blog.models import Author, BlogIndexPage, BlogPage, Category
from discussion.models import Response, ResponseEvent
from discussion.text import sanitise as sanitise_response_html

from . import content, media
from .models import ImportedObject, StandardPage
from .redirects import Redirects, entry_paths, path_of, responses_feed, site_feed
from .summary import Summary
from .wxr import WPAuthor, WPComment, WPItem, WXRExport

logger = logging.getLogger(__name__)

RESPONSE_STATUS = {
    "1": "approved",
    "approve": "approved",
    "0": "pending",
    "hold": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}
RESPONSE_KIND = {
    "": "comment",
    "comment": "comment",
    "pingback": "pingback",
    "trackback": "trackback",
    "webmention": "webmention",
}
RESERVED_SLUGS = {"feed", "search", "category", "tag", "author", "admin", "documents", "discussion", "media", "static"}
NO_TITLE = "(no title)"
STATES = {
    "publish": "published",
    "private": "private (editors and moderators only)",
    "draft": "draft",
    "pending": "draft (was pending review)",
    "future": "scheduled",
}


# --- small pure helpers ----------------------------------------------------------------------------


def plain(text: str) -> str:
    """WordPress titles, names and excerpts hold entities and sometimes tags; the blog stores text."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text or ""))).strip()


def parse_wp_date(value: str) -> datetime | None:
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def site_offset(items: list[WPItem]) -> timedelta | None:
    """The blog's UTC offset, read from posts that carry both local and GMT dates (the most common gap)."""
    gaps = Counter()
    for item in items:
        local, gmt = parse_wp_date(item.post_date), parse_wp_date(item.post_date_gmt)
        if local and gmt:
            gaps[round((local - gmt).total_seconds() / 900) * 900] += 1
    return timedelta(seconds=gaps.most_common(1)[0][0]) if gaps else None


def fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def wordpress_slug(value: str) -> str:
    return slugify(unquote(value or ""), allow_unicode=True)[:255].strip("-")


def autop(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)


def parse_author_map(values: list[str] | None) -> dict[str, str]:
    """``--authors`` values: ``login=Name`` pairs (comma-separated or repeated) or files of such lines."""
    mapping: dict[str, str] = {}
    for value in values or []:
        lines = Path(value).read_text(encoding="utf-8").splitlines() if Path(value).is_file() else value.split(",")
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise ValueError(f"--authors expects login=Name, not {line!r}.")
            login, name = (part.strip() for part in line.split("=", 1))
            if not login or not name:
                raise ValueError(f"--authors expects login=Name, not {line!r}.")
            mapping[login] = name
    return mapping


# --- the importer ---------------------------------------------------------------------------------


class _Media:
    """The attachments known to this import, for the content converter and featured images."""

    def __init__(self):
        self.images: dict[str, int] = {}  # attachment id -> image pk
        self.by_url: dict[str, int] = {}  # image_key(url) -> image pk
        self.urls: dict[str, str] = {}  # attachment id -> original URL
        self.local_urls: dict[str, str] = {}  # image_key(url) -> our file URL
        self.children: dict[str, list[str]] = defaultdict(list)  # post id -> attachment ids

    def image_id(self, attachment_id: str | None, url: str | None) -> int | None:
        if attachment_id and attachment_id in self.images:
            return self.images[attachment_id]
        return self.by_url.get(media.image_key(url)) if url else None

    def attachment_url(self, attachment_id: str) -> str | None:
        return self.urls.get(attachment_id)

    def media_url(self, url: str) -> str:
        return self.local_urls.get(media.image_key(url), url)

    def gallery(self, post_id: str) -> list[str]:
        return [i for i in self.children.get(post_id, []) if media.is_image(self.urls.get(i, ""))]


class Importer:
    """One run over one export: terms first, then media, then each post or page with its responses."""

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
        self.media = _Media()
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

    # the run -------------------------------------------------------------------------------------

    def run(self) -> Summary:
        """Each post commits on its own; a dry run wraps everything in one transaction and rolls it back."""
        if not self.dry_run:
            self.import_all()
            return self.summary
        with transaction.atomic():
            self.import_all()
            transaction.set_rollback(True)
        return self.summary

    def import_all(self) -> None:
        for phase in (self.import_authors, self.import_categories, self.import_tags):
            with transaction.atomic():
                phase()
        self.import_attachments()
        self.import_entries()
        with transaction.atomic():
            self.import_attachment_redirects()
            self.import_site_redirects()

    def bar(self, iterable, description: str):
        return tqdm(iterable, desc=description, unit="item", disable=not self.progress)

    # mapping -------------------------------------------------------------------------------------

    def mapped(self, kind: str, wp_id: str, guid: str = ""):
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

    # authors -------------------------------------------------------------------------------------

    def import_authors(self) -> None:
        declared = {author.login: author for author in self.export.authors if author.login}
        for item in self.export.items:
            if item.creator and login_of(item.creator) not in declared and item.post_type in ("post", "page"):
                declared[login_of(item.creator)] = None  # WXR 1.0 names authors only on items
        for login, author in declared.items():
            name = plain(author.display_name if author else "") or login
            email = author.email if author else ""
            self.authors[login] = self.author(login, name, email)
            if self.users:
                self.user(login, author)

    def user(self, login: str, author: WPAuthor | None) -> None:
        """A user per WordPress login, without a password (they choose one through "Forgot password")."""
        username = login[:150]
        if get_user_model().objects.filter(username=username).exists():
            self.summary.tally("users", "unchanged")
            return
        user = get_user_model()(
            username=username,
            email=valid(author.email if author else "", validate_email),
            first_name=plain(author.first_name if author else "")[:150],
            last_name=plain(author.last_name if author else "")[:150],
        )
        user.set_unusable_password()
        user.save()
        self.summary.tally("users", "created")

    def author(self, login: str, name: str, email: str) -> Author:
        if login in self.author_map:
            wanted = self.author_map[login]
            existing = (
                Author.objects.filter(slug=slugify(wanted, allow_unicode=True)).first()
                or Author.objects.filter(name__iexact=wanted).first()
            )
            if existing:
                self.summary.tally("authors", "unchanged")
                return existing
            name = wanted
        try:
            validate_email(email)
        except ValidationError:
            email = ""
        values = {"name": name[:200], "email": email}
        fp = fingerprint(values)
        mapping, author = self.mapped("author", login)
        if author is None:
            author = Author.objects.filter(slug=wordpress_slug(login)).first()
            if author is not None:  # someone made this author by hand: adopt it, do not overwrite it
                self.remember("author", login, author, fp)
                self.summary.tally("authors", "unchanged")
                return author
            author = Author(
                slug=self.unique_slug(Author, wordpress_slug(login) or slugify(name, allow_unicode=True)), **values
            )
            author.save()
            self.summary.tally("authors", "created")
        elif mapping.fingerprint != fp:
            for key, value in values.items():
                setattr(author, key, value)
            author.save()
            self.summary.tally("authors", "updated")
        else:
            self.summary.tally("authors", "unchanged")
        self.remember("author", login, author, fp)
        return author

    @staticmethod
    def unique_slug(model, base: str) -> str:
        """A slug free in ``model`` that fits its column (taggit's is 100 characters, authors' 200)."""
        base = (base or "imported")[: model._meta.get_field("slug").max_length - 6].strip("-")
        slug, n = base, 2
        while model.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    # categories and tags ----------------------------------------------------------------------

    def import_categories(self) -> None:
        declared = {wordpress_slug(c.slug) or wordpress_slug(c.name): c for c in self.export.categories}
        for item in self.export.items:
            for term in item.terms_in("category"):
                key = wordpress_slug(term.slug) or wordpress_slug(term.name)
                if key and key not in declared:
                    declared[key] = None  # used on a post but not declared in the channel
        for slug, category in declared.items():
            name = plain(category.name if category else self.term_name("category", slug)) or slug
            values = {
                "name": name[:200],
                "description": plain(category.description) if category else "",
                "parent": wordpress_slug(category.parent_slug) if category else "",
            }
            wp_id = short_key((category.term_id if category else "") or f"slug:{slug}", 200)
            self.categories[slug] = self.term(Category, "category", "categories", wp_id, slug, values)
        by_name = {plain(c.name).lower(): slug for slug, c in declared.items() if c}
        for slug, obj in self.categories.items():  # now that every category exists, the tree
            category = declared[slug]
            if not category or not category.parent_slug:
                continue
            # WXR 1.1+ names the parent by slug; 1.0 exports by name
            parent_key = wordpress_slug(category.parent_slug)
            parent = self.categories.get(parent_key) or self.categories.get(
                by_name.get(plain(category.parent_slug).lower(), "")
            )
            if parent is None:
                self.summary.note("categories", f"{obj.name}: parent {category.parent_slug!r} is not in the export")
            elif obj.parent_id != parent.pk and obj.pk != parent.pk:
                obj.parent = parent
                obj.save(update_fields=["parent"])

    def term_name(self, domain: str, slug: str) -> str:
        for item in self.export.items:
            for term in item.terms_in(domain):
                if wordpress_slug(term.slug) == slug:
                    return term.name
        return slug

    def term(self, model, kind: str, label: str, wp_id: str, slug: str, values: dict):
        fp = fingerprint(values)
        mapping, obj = self.mapped(kind, wp_id)
        fields = {k: v for k, v in values.items() if k != "parent"}
        if obj is None:
            obj = model.objects.filter(slug=slug).first() or (
                model.objects.filter(name=fields["name"]).first() if model is Tag else None
            )
            if obj is not None:
                self.summary.tally(label, "unchanged")
            else:
                obj = model(slug=self.unique_slug(model, slug), **fields)
                obj.save()
                self.summary.tally(label, "created")
        elif mapping.fingerprint != fp:
            for key, value in fields.items():
                setattr(obj, key, value)
            obj.save()
            self.summary.tally(label, "updated")
        else:
            self.summary.tally(label, "unchanged")
        self.remember(kind, wp_id, obj, fp)
        return obj

    def import_tags(self) -> None:
        declared = {wordpress_slug(t.slug) or wordpress_slug(t.name): t for t in self.export.tags}
        for item in self.export.items:
            for term in item.terms_in("post_tag"):
                key = wordpress_slug(term.slug) or wordpress_slug(term.name)
                if key and key not in declared:
                    declared[key] = None
        for slug, tag in declared.items():
            name = plain(tag.name if tag else self.term_name("post_tag", slug)) or slug
            wp_id = short_key((tag.term_id if tag else "") or f"slug:{slug}", 200)
            self.tags[slug] = self.term(Tag, "tag", "tags", wp_id, slug, {"name": name[:100]})

    # attachments ------------------------------------------------------------------------------

    def import_attachments(self) -> None:
        attachments = [item for item in self.export.items if item.post_type == "attachment"]
        for item in sorted(attachments, key=lambda i: (i.menu_order, numeric_id(i.post_id))):
            url = item.attachment_url or item.guid
            self.media.urls[item.post_id] = url
            if item.parent_id != "0":
                self.media.children[item.parent_id].append(item.post_id)
        for item in self.bar(attachments, "Media"):
            self.import_attachment(item)

    def import_attachment(self, item: WPItem) -> None:
        url = item.attachment_url or item.guid
        what = f"attachment {item.post_id} ({url})"
        mapping, obj = self.mapped("attachment", item.post_id, item.guid)
        fp = fingerprint({"url": url})
        if obj is not None and mapping.fingerprint == fp:
            self.register(item, obj)
            self.summary.tally("attachments", "unchanged")
            return
        if not url.startswith(("http://", "https://")):
            self.summary.tally("attachments", "failed", what, "no http(s) address for the file")
            return
        if not self.fetch_media:
            why = "left remote (--no-media)" if not self.dry_run else "would be downloaded (dry run)"
            self.summary.tally("attachments", "skipped", what, why)
            return
        try:
            data = media.download(url)
            title = plain(item.title) or media.filename_for(url)
            with transaction.atomic():
                if media.is_image(url):
                    obj = media.store_image(url, data, title, plain(item.meta.get("_wp_attachment_image_alt", "")))
                else:
                    obj = media.store_document(url, data, title)
                self.remember("attachment", item.post_id, obj, fp, item.guid)
        except media.MediaError as exc:
            self.summary.tally("attachments", "failed", what, f"not downloaded, left remote: {exc}")
            return
        self.register(item, obj)
        self.summary.tally("attachments", "updated" if mapping else "created")

    def register(self, item: WPItem, obj) -> None:
        url = item.attachment_url or item.guid
        if hasattr(obj, "get_rendition"):
            self.media.images[item.post_id] = obj.pk
            self.media.by_url[media.image_key(url)] = obj.pk
            self.media.local_urls[media.image_key(url)] = obj.file.url
        self.media.local_urls.setdefault(media.image_key(url), obj.file.url)

    # posts and pages --------------------------------------------------------------------------

    def import_entries(self) -> None:
        entries, other = [], Counter()
        seen: set[str] = set()
        for item in self.export.items:
            if item.post_type in ("post", "page") and (not item.post_id or item.post_id in seen):
                self.summary.tally(item.post_type + "s", "skipped", self.label(item), "post id missing or used twice")
                self.skip_responses(item, f"on a {item.post_type} without a usable id")
            elif item.post_type in ("post", "page") and item.status not in ("trash", "auto-draft", "inherit"):
                seen.add(item.post_id)
                entries.append(item)
            elif item.post_type in ("post", "page"):
                self.summary.tally(item.post_type + "s", "skipped", self.label(item), f"status {item.status!r}")
                self.skip_responses(item, f"on a {item.post_type} with status {item.status!r}")
            elif item.post_type == "attachment":
                self.skip_responses(item, "on an attachment page (there is no such page here)")
            else:
                other[item.post_type or "(none)"] += 1
                self.skip_responses(item, f"on a {item.post_type or 'typeless'} item, which is not imported")
        for post_type, number in other.items():
            why = (
                "reusable blocks are written out where they are used"
                if post_type == "wp_block"
                else (f"post type {post_type!r} is not imported")
            )
            for _ in range(number):
                self.summary.tally("other", "skipped", post_type, why)
        entries.sort(key=lambda i: (i.post_type != "page", self.depth(i), i.menu_order, numeric_id(i.post_id)))
        for item in self.bar(entries, "Posts"):
            self.import_entry(item)

    def depth(self, item: WPItem) -> int:
        depth, seen = 0, set()
        while item.parent_id in self.items and item.parent_id not in seen and depth < 50:
            seen.add(item.parent_id)
            item, depth = self.items[item.parent_id], depth + 1
        return depth

    def label(self, item: WPItem) -> str:
        return f"{item.post_type} {item.post_id} “{plain(item.title) or NO_TITLE}”"

    def import_entry(self, item: WPItem) -> None:
        kind = item.post_type + "s"
        part = Summary(dry_run=self.dry_run)
        try:
            with transaction.atomic():
                page, outcome = self.save_page(item, part)
                part.tally(kind, outcome)
                self.import_responses(item, page, part)
                self.redirect_entry(item, page, part)
        except Exception as exc:  # one post must not sink the import: name it and carry on
            logger.exception("WordPress import of %s failed", self.label(item))
            self.summary.tally(kind, "failed", self.label(item), f"{type(exc).__name__}: {exc}")
            self.skip_responses(item, "their post failed to import (see above)")
            return
        self.pages[item.post_id] = page
        part.states[STATES.get(item.status, item.status) + (" with a password" if item.password else "")] += 1
        self.summary.merge(part)

    def skip_responses(self, item: WPItem, why: str) -> None:
        for comment in item.comments:
            kind = RESPONSE_KIND.get(comment.comment_type, "comment") + "s"
            self.summary.tally(kind, "skipped", self.label(item), why)

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

    def same_site_links(self, body: str) -> str:
        """Links to the old blog become root-relative, so they reach the new pages through the redirects."""
        host = urlsplit(self.source).netloc
        if not host:
            return body
        pattern = rf"""(href=["'])https?://(?:www\.)?{re.escape(host.removeprefix("www."))}(?=[/"'?#])/?"""
        return re.sub(pattern, r"\1/", body, flags=re.IGNORECASE)

    def page_values(self, item: WPItem, part: Summary) -> dict:
        conversion = content.convert(self.same_site_links(item.content), self.media, item.post_id, self.reusable)
        if conversion.notes:
            part.notes[self.label(item)] = list(conversion.notes)
        if item.is_sticky:
            part.note(self.label(item), "sticky in WordPress (posts here are not pinned)")
        date = self.when(item.post_date, item.post_date_gmt) or timezone.now()
        values = {
            "title": plain(item.title)[:255] or NO_TITLE,
            "slug": wordpress_slug(item.post_name)
            or wordpress_slug(plain(item.title))
            or f"{item.post_type}-{item.post_id}",
            "body": conversion.blocks,
            "accept_comments": item.comment_status == "open",
            "accept_linkbacks": item.ping_status == "open",
            "status": item.status,
            "password": item.password,
            "date": date.isoformat(),
            # Yoast SEO's fields, when the blog used it (titles with %%variables%% are templates, not titles)
            "seo_title": ""
            if "%%" in item.meta.get("_yoast_wpseo_title", "")
            else plain(item.meta.get("_yoast_wpseo_title", ""))[:255],
            "search_description": plain(item.meta.get("_yoast_wpseo_metadesc", "")),
        }
        if item.post_type == "post":
            thumbnail = item.meta.get("_thumbnail_id", "")
            featured = self.media.images.get(thumbnail)
            if thumbnail and featured is None:
                part.note(
                    self.label(item),
                    f"featured image (attachment {thumbnail}) not imported: "
                    f"{self.media.urls.get(thumbnail, 'not in the export')}",
                )
            documents = [
                self.mappings[("attachment", i)].object_id
                for i in self.media.children.get(item.post_id, [])
                if ("attachment", i) in self.mappings and not media.is_image(self.media.urls.get(i, ""))
            ]
            values |= {
                "intro": plain(item.excerpt),
                "authors": [self.authors[login_of(item.creator)].pk] if login_of(item.creator) in self.authors else [],
                "categories": sorted(
                    {self.categories[s].pk for s in self.term_slugs(item, "category") if s in self.categories}
                ),
                "tags": sorted({self.tags[s].name for s in self.term_slugs(item, "post_tag") if s in self.tags}),
                "featured_image": featured,
                "attachment": documents[0] if documents else None,
            }
        return values

    @staticmethod
    def term_slugs(item: WPItem, domain: str) -> list[str]:
        return [wordpress_slug(t.slug) or wordpress_slug(t.name) for t in item.terms_in(domain)]

    def parent_for(self, item: WPItem) -> Page:
        if item.post_type == "page" and item.parent_id in self.pages:
            return self.pages[item.parent_id]
        return self.index

    def save_page(self, item: WPItem, part: Summary) -> tuple[Page, str]:
        kind = item.post_type
        values = self.page_values(item, part)
        fp = fingerprint(values)
        mapping, page = self.mapped(kind, item.post_id, item.guid)
        page = page.specific if page is not None else None
        if page is not None and mapping.fingerprint == fp:
            if mapping.wp_id != item.post_id:  # found by its guid: remember the new id
                self.remember(kind, item.post_id, page, fp, item.guid)
            return page, "unchanged"
        model = BlogPage if kind == "post" else StandardPage
        parent = page.get_parent() if page is not None else self.parent_for(item)
        created = page is None
        if created:
            page = model(live=False)
        date = datetime.fromisoformat(values["date"])
        page.title = values["title"]
        page.slug = self.sibling_slug(parent, values["slug"], page)
        page.body = values["body"]
        page.accept_comments, page.accept_linkbacks = values["accept_comments"], values["accept_linkbacks"]
        page.seo_title, page.search_description = values["seo_title"], values["search_description"]
        if kind == "post":
            page.date, page.intro = date, values["intro"][:5000]
            page.featured_image_id, page.attachment_id = values["featured_image"], values["attachment"]
            page.authors.set(Author.objects.filter(pk__in=values["authors"]))
            page.categories.set(Category.objects.filter(pk__in=values["categories"]))
            page.tags.set([self.tags[s] for s in self.term_slugs(item, "post_tag") if s in self.tags])
        page.first_published_at = page.first_published_at or date
        if created:
            parent.add_child(instance=page)
        self.publish(page, item, date)
        self.restrict(page, item)
        self.remember(kind, item.post_id, page, fp, item.guid)
        return page, "created" if created else "updated"

    def sibling_slug(self, parent: Page, base: str, page: Page) -> str:
        """The WordPress slug, unless a sibling has it or it would shadow a blog route (``feed``, ``2012``)."""
        if page.pk and re.fullmatch(rf"{re.escape(base)}(-\d+)?", page.slug):
            return page.slug  # keep the address it already has
        reserved = parent.specific_class is BlogIndexPage and (base in RESERVED_SLUGS or re.fullmatch(r"\d{4}", base))
        siblings = parent.get_children().exclude(pk=page.pk) if page.pk else parent.get_children()
        slug, n = (f"{base[:240]}-2", 3) if reserved else (base, 2)
        while siblings.filter(slug=slug).exists():
            slug, n = f"{base[:240]}-{n}", n + 1
        return slug

    def publish(self, page: Page, item: WPItem, date: datetime) -> None:
        """publish/private → live; draft/pending → a draft; future → scheduled for its date."""
        if item.status in ("publish", "private"):
            page.go_live_at = None
            page.save_revision().publish()
            return
        if page.live:
            page.unpublish()
        page.has_unpublished_changes = True
        if item.status == "future":
            page.go_live_at = date
            page.save()
            page.save_revision(approved_go_live_at=date)
        else:
            page.go_live_at = None
            page.save()
            page.save_revision()

    def restrict(self, page: Page, item: WPItem) -> None:
        """A password stays a password; "private" (editors and admins only) becomes a group restriction."""
        if item.password:
            restriction, _ = PageViewRestriction.objects.get_or_create(
                page=page, restriction_type=PageViewRestriction.PASSWORD, defaults={"password": item.password}
            )
            if restriction.password != item.password:
                restriction.password = item.password
                restriction.save()
        if item.status == "private":
            groups = Group.objects.filter(name__in=["Moderators", "Editors"])
            if groups:
                restriction, _ = PageViewRestriction.objects.get_or_create(
                    page=page, restriction_type=PageViewRestriction.GROUPS
                )
                restriction.groups.set(groups)
            else:
                PageViewRestriction.objects.get_or_create(page=page, restriction_type=PageViewRestriction.LOGIN)

    # responses --------------------------------------------------------------------------------

    def import_key(self, comment: WPComment) -> str:
        return short_key(f"wordpress:{self.source}:{comment.comment_id}", 200)

    def response_values(self, comment: WPComment, page: Page) -> dict:
        kind = RESPONSE_KIND.get(comment.comment_type, "comment")
        status = RESPONSE_STATUS.get(comment.approved, "pending")
        email = valid(comment.author_email.strip(), validate_email)
        url = valid(comment.author_url.strip(), URLValidator(schemes=["http", "https"]))
        ip = valid(comment.author_ip.strip(), validate_ipv46_address)
        name = plain(comment.author)
        created = self.when(comment.date, comment.date_gmt) or timezone.now()
        linkback = kind != "comment"
        return {
            "page_id": page.pk,
            "kind": kind,
            "status": status,
            "author_name": (name or ("Anonymous" if not linkback else url))[:200],
            "author_email": email[:254],
            "author_url": url[:500],
            "content": comment.content,
            "content_html": sanitise_response_html(autop(comment.content)),
            "source_url": url[:2000] if linkback else "",
            "source_title": name[:300] if linkback else "",
            "ip_address": ip or None,
            "created_at": created,
        }

    def import_responses(self, item: WPItem, page: Page, part: Summary) -> None:
        comments = []
        for comment in item.comments:
            if not comment.comment_id or comment.comment_id in self.seen_comments:
                kind = RESPONSE_KIND.get(comment.comment_type, "comment") + "s"
                part.tally(kind, "skipped", self.label(item), "comment id missing or used twice in the export")
                continue
            self.seen_comments.add(comment.comment_id)
            comments.append(comment)
        if not comments:
            return
        keys = {c.comment_id: self.import_key(c) for c in comments}
        existing = {r.import_key: r for r in Response.objects.filter(import_key__in=keys.values())}
        created, changed = [], []
        for comment in comments:
            values = self.response_values(comment, page)
            label = values["kind"] + "s"
            response = existing.get(keys[comment.comment_id])
            if response is None:
                response = Response(import_key=keys[comment.comment_id], **values)
                created.append(response)
                part.tally(label, "created")
            elif any(getattr(response, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(response, k, v)
                changed.append(response)
                part.tally(label, "updated")
            else:
                part.tally(label, "unchanged")
            existing[response.import_key] = response
        # bulk_create: no save() signals, so nothing is sent to Akismet or mailed to anyone
        Response.objects.bulk_create(created)
        if created:
            ResponseEvent.objects.bulk_create(
                ResponseEvent(
                    response=r, action="imported", status_to=r.status, note=f"Imported from WordPress ({r.import_key})."
                )
                for r in created
            )
        threaded, fields = [], [*values, "parent"]
        parents = {c.comment_id: c.parent_id for c in comments}
        for comment in comments:
            response = existing[keys[comment.comment_id]]
            parent = existing.get(keys.get(comment.parent_id, "")) if comment.parent_id != "0" else None
            if comment.parent_id != "0" and parent is None:
                part.note(
                    self.label(item),
                    f"comment {comment.comment_id} replies to comment {comment.parent_id}, which is not in the export",
                )
            if parent is not None and in_cycle(comment.comment_id, parents):
                part.note(self.label(item), f"comment {comment.comment_id} is in a reply loop; shown at the top level")
                parent = None
            if response.parent_id != (parent.pk if parent else None):
                response.parent = parent
                threaded.append(response)
        Response.objects.bulk_update({r.pk: r for r in changed + threaded}.values(), fields)

    # redirects --------------------------------------------------------------------------------

    def redirect_entry(self, item: WPItem, page: Page, part: Summary) -> None:
        if item.status not in ("publish", "private", "future"):
            return  # a draft had no public address
        same_site_guid = item.guid in self.unique_guids and urlsplit(item.guid).netloc == urlsplit(self.source).netloc
        for path in entry_paths(item, same_site_guid=same_site_guid):
            self.redirects.add(path, part, page=page)
        if item.link and not urlsplit(item.link).query:
            feed = responses_feed(page)
            self.redirects.add(path_of(item.link).rstrip("/") + "/feed/", part, page=None if feed else page, link=feed)

    def import_attachment_redirects(self) -> None:
        """An attachment's page goes to the post that shows it, or else to the file itself."""
        for item in self.export.items:
            if item.post_type != "attachment":
                continue
            page = self.pages.get(item.parent_id)
            _mapping, obj = self.mapped("attachment", item.post_id, item.guid)
            link = "" if page else (obj.file.url if obj is not None else "")
            if page is None and not link:
                self.summary.tally(
                    "redirects", "skipped", self.label(item), "attachment page: no imported post or file to send it to"
                )
                continue
            for path in dict.fromkeys([path_of(item.link) if item.link else "", f"/?attachment_id={item.post_id}"]):
                if path:
                    self.redirects.add(path, self.summary, page=page, link=link)

    def import_site_redirects(self) -> None:
        """WordPress's site-wide comments feed, and nested category addresses (``/category/parent/child/``)."""
        if site_feed():
            self.redirects.add("/comments/feed/", self.summary, link=site_feed())
        index_url = self.index.get_url() or "/"
        for slug, category in self.categories.items():
            trail, parent = [slug], category.parent
            while parent is not None and len(trail) < 20:
                trail.insert(0, parent.slug)
                parent = parent.parent
            if len(trail) > 1:
                self.redirects.add(f"/category/{'/'.join(trail)}/", self.summary, link=f"{index_url}category/{slug}/")


def short_key(key: str, limit: int) -> str:
    """Keys must fit their column; an overlong one is shortened with a hash so it stays unique."""
    if len(key) <= limit:
        return key
    return key[: limit - 41] + ":" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def in_cycle(comment_id: str, parents: dict[str, str]) -> bool:
    """A hostile export can make comments reply to each other in a loop, which no thread can show."""
    current = parents.get(comment_id)
    for _ in range(len(parents)):
        if current == comment_id:
            return True
        if current not in parents:
            return False
        current = parents[current]
    return current == comment_id


def numeric_id(post_id: str) -> int:
    return int(post_id) if post_id.isascii() and post_id.isdigit() else 0


def login_of(creator: str) -> str:
    """WordPress's sanitize_user(strict): exports sometimes carry stray characters around a login."""
    return re.sub(r"[^A-Za-z0-9 _.@-]", "", re.sub(r"<[^>]*>", "", creator or "")).strip() or "unknown"


def valid(value: str, validator) -> str:
    """WordPress stored whatever it was given; keep a value only if our field would accept it."""
    try:
        if value:
            validator(value)
    except ValidationError:
        return ""
    return value


def name_of(obj) -> str:
    return getattr(obj, "name", str(obj))


def default_blog_index(into: str | None = None) -> BlogIndexPage:
    """``--into`` by id or slug; otherwise the site's only blog index."""
    indexes = BlogIndexPage.objects.all()
    if into:
        found = indexes.filter(pk=int(into)) if into.isdigit() else indexes.filter(slug=into)
        index = found.first()
        if index is None:
            raise LookupError(f"No blog index with id or slug {into!r}.")
        return index
    index = indexes.first()
    if index is None:
        raise LookupError("There is no blog index to import into; create one (or run load_demo) first.")
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
    """Import a parsed export; with ``dry_run`` everything is rolled back and the summary says what would change."""
    index = into or default_blog_index()
    importer = Importer(
        export, index, authors=authors, fetch_media=fetch_media, users=users, dry_run=dry_run, progress=progress
    )
    return importer.run()
