"""WordPress posts and pages → ``BlogPage`` and ``StandardPage``, published as they were, with old addresses.

Each one is written in its own transaction with its responses and redirects: a post that fails
is named in the summary and the others are kept.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from blog.models import Author, BlogIndexPage, BlogPage, Category

from . import content, media, responses
from .models import StandardPage
from .redirects import entry_paths, path_of, responses_feed
from .summary import Summary
from .terms import CATEGORIES, TAGS, term_slugs
from .values import fingerprint, login_of, numeric_id, plain, wordpress_slug
from .wxr import WPItem

if TYPE_CHECKING:
    from .importer import Importer

logger = logging.getLogger(__name__)

NO_TITLE = "(no title)"
RESERVED_SLUGS = {"feed", "search", "category", "tag", "author", "admin", "documents", "discussion", "media", "static"}
STATES = {
    "publish": "published",
    "private": "private (editors and moderators only)",
    "draft": "draft",
    "pending": "draft (was pending review)",
    "future": "scheduled",
}


def import_entries(run: Importer) -> None:
    """Pages first, parents before children, then posts; everything else is counted as skipped."""
    entries, other = [], Counter()
    seen: set[str] = set()
    for item in run.export.items:
        if item.post_type in ("post", "page") and (not item.post_id or item.post_id in seen):
            run.summary.tally(item.post_type + "s", "skipped", run.label(item), "post id missing or used twice")
            skip_responses(run, item, f"on a {item.post_type} without a usable id")
        elif item.post_type in ("post", "page") and item.status not in ("trash", "auto-draft", "inherit"):
            seen.add(item.post_id)
            entries.append(item)
        elif item.post_type in ("post", "page"):
            run.summary.tally(item.post_type + "s", "skipped", run.label(item), f"status {item.status!r}")
            skip_responses(run, item, f"on a {item.post_type} with status {item.status!r}")
        elif item.post_type == "attachment":
            skip_responses(run, item, "on an attachment page (there is no such page here)")
        else:
            other[item.post_type or "(none)"] += 1
            skip_responses(run, item, f"on a {item.post_type or 'typeless'} item, which is not imported")
    for post_type, number in other.items():
        why = (
            "reusable blocks are written out where they are used"
            if post_type == "wp_block"
            else (f"post type {post_type!r} is not imported")
        )
        for _ in range(number):
            run.summary.tally("other", "skipped", post_type, why)
    entries.sort(key=lambda i: (i.post_type != "page", depth(run, i), i.menu_order, numeric_id(i.post_id)))
    for item in run.bar(entries, "Posts"):
        import_entry(run, item)


def depth(run: Importer, item: WPItem) -> int:
    level, seen = 0, set()
    while item.parent_id in run.items and item.parent_id not in seen and level < 50:
        seen.add(item.parent_id)
        item, level = run.items[item.parent_id], level + 1
    return level


def import_entry(run: Importer, item: WPItem) -> None:
    kind = item.post_type + "s"
    part = Summary(dry_run=run.dry_run)
    try:
        with transaction.atomic():
            page, outcome = save_page(run, item, part)
            part.tally(kind, outcome)
            responses.import_responses(run, item, page, part)
            redirect_entry(run, item, page, part)
    except Exception as exc:  # one post must not sink the import: name it and carry on
        logger.exception("WordPress import of %s failed", run.label(item))
        run.summary.tally(kind, "failed", run.label(item), f"{type(exc).__name__}: {exc}")
        skip_responses(run, item, "their post failed to import (see above)")
        return
    run.pages[item.post_id] = page
    part.states[STATES.get(item.status, item.status) + (" with a password" if item.password else "")] += 1
    run.summary.merge(part)


def skip_responses(run: Importer, item: WPItem, why: str) -> None:
    for comment in item.comments:
        run.summary.tally(responses.summary_kind(comment), "skipped", run.label(item), why)


def same_site_links(run: Importer, body: str) -> str:
    """Links to the old blog become root-relative, so they reach the new pages through the redirects."""
    host = urlsplit(run.source).netloc
    if not host:
        return body
    pattern = rf"""(href=["'])https?://(?:www\.)?{re.escape(host.removeprefix("www."))}(?=[/"'?#])/?"""
    return re.sub(pattern, r"\1/", body, flags=re.IGNORECASE)


def page_values(run: Importer, item: WPItem, part: Summary) -> dict:
    """What the page is made of; its fingerprint says whether a second run has anything to write."""
    conversion = content.convert(same_site_links(run, item.content), run.media, item.post_id, run.reusable)
    if conversion.notes:
        part.notes[run.label(item)] = list(conversion.notes)
    if item.is_sticky:
        part.note(run.label(item), "sticky in WordPress (posts here are not pinned)")
    date = run.when(item.post_date, item.post_date_gmt) or timezone.now()
    values = {
        "title": plain(item.title)[:255] or NO_TITLE,
        "slug": wordpress_slug(item.post_name)
        or wordpress_slug(plain(item.title))
        or wordpress_slug(f"{item.post_type}-{item.post_id}"),
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
        featured = run.media.images.get(thumbnail)
        if thumbnail and featured is None:
            part.note(
                run.label(item),
                f"featured image (attachment {thumbnail}) not imported: "
                f"{run.media.urls.get(thumbnail, 'not in the export')}",
            )
        documents = [
            run.mappings[("attachment", i)].object_id
            for i in run.media.children.get(item.post_id, [])
            if ("attachment", i) in run.mappings and not media.is_image(run.media.urls.get(i, ""))
        ]
        guid = item.guid.strip()
        values |= {
            # feed readers know the post by it; a guid two items share would merge them, so those get our own
            "guid": guid if item.guid in run.unique_guids and len(guid) <= 500 else "",
            "intro": plain(item.excerpt),
            "authors": [run.authors[login_of(item.creator)].pk] if login_of(item.creator) in run.authors else [],
            "categories": sorted({run.categories[s].pk for s in term_slugs(item, CATEGORIES) if s in run.categories}),
            "tags": sorted({run.tags[s].name for s in term_slugs(item, TAGS) if s in run.tags}),
            "featured_image": featured,
            "attachment": documents[0] if documents else None,
        }
    return values


def parent_for(run: Importer, item: WPItem) -> Page:
    if item.post_type == "page" and item.parent_id in run.pages:
        return run.pages[item.parent_id]
    return run.index


def save_page(run: Importer, item: WPItem, part: Summary) -> tuple[Page, str]:
    kind = item.post_type
    values = page_values(run, item, part)
    fp = fingerprint(values)
    mapping, page = run.mapped(kind, item.post_id, item.guid)
    page = page.specific if page is not None else None
    if page is not None and mapping.fingerprint == fp:
        if mapping.wp_id != item.post_id:  # found by its guid: remember the new id
            run.remember(kind, item.post_id, page, fp, item.guid)
        return page, "unchanged"
    model = BlogPage if kind == "post" else StandardPage
    parent = page.get_parent() if page is not None else parent_for(run, item)
    created = page is None
    if created:
        page = model(live=False)
    date = datetime.fromisoformat(values["date"])
    page.title = values["title"]
    page.slug = sibling_slug(parent, values["slug"], page)
    page.body = values["body"]
    page.accept_comments, page.accept_linkbacks = values["accept_comments"], values["accept_linkbacks"]
    page.seo_title, page.search_description = values["seo_title"], values["search_description"]
    if kind == "post":
        page.date, page.intro = date, values["intro"][:5000]
        page.featured_image_id, page.attachment_id = values["featured_image"], values["attachment"]
        page.authors.set(Author.objects.filter(pk__in=values["authors"]))
        page.categories.set(Category.objects.filter(pk__in=values["categories"]))
        page.tags.set([run.tags[s] for s in term_slugs(item, TAGS) if s in run.tags])
        page.guid = values["guid"] or page.guid
    page.first_published_at = page.first_published_at or date
    if created:
        parent.add_child(instance=page)
    elif kind == "post":
        BlogPage.objects.filter(pk=page.pk).update(guid=page.guid)  # publishing keeps the stored guid
    publish(page, item, date)
    restrict(page, item)
    run.remember(kind, item.post_id, page, fp, item.guid)
    return page, "created" if created else "updated"


def sibling_slug(parent: Page, base: str, page: Page) -> str:
    """The WordPress slug, unless a sibling has it or it would shadow a blog route (``feed``, ``2012``)."""
    if page.pk and re.fullmatch(rf"{re.escape(base)}(-\d+)?", page.slug):
        return page.slug  # keep the address it already has
    reserved = parent.specific_class is BlogIndexPage and (base in RESERVED_SLUGS or re.fullmatch(r"\d{4}", base))
    siblings = parent.get_children().exclude(pk=page.pk) if page.pk else parent.get_children()
    slug, n = (f"{base[:240]}-2", 3) if reserved else (base, 2)
    while siblings.filter(slug=slug).exists():
        slug, n = f"{base[:240]}-{n}", n + 1
    return slug


def publish(page: Page, item: WPItem, date: datetime) -> None:
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


def restrict(page: Page, item: WPItem) -> None:
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


def redirect_entry(run: Importer, item: WPItem, page: Page, part: Summary) -> None:
    """Every old address of a published or scheduled entry, and its ``feed/``, lead to it."""
    if item.status not in ("publish", "private", "future"):
        return  # a draft had no public address
    same_site_guid = item.guid in run.unique_guids and urlsplit(item.guid).netloc == urlsplit(run.source).netloc
    for path in entry_paths(item, same_site_guid=same_site_guid):
        run.redirects.add(path, part, page=page)
    if item.link and not urlsplit(item.link).query:
        feed = responses_feed(page)
        run.redirects.add(path_of(item.link).rstrip("/") + "/feed/", part, page=None if feed else page, link=feed)
