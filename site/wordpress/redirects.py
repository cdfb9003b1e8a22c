"""Old WordPress addresses → the imported pages, as ``wagtail.contrib.redirects`` rows editors can see.

Paths with a query string (``/?p=123``) are stored with it, as ``Redirect.normalise_path`` keeps
sorted query strings; ``wagtail_hooks`` answers them, because ``/`` is the blog's front page and
Wagtail's middleware only looks for redirects on a 404.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from .models import ImportedObject
from .summary import Summary
from .wxr import WPItem


def path_of(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    return path + (f"?{parts.query}" if parts.query else "")


def entry_paths(item: WPItem, *, same_site_guid: bool) -> list[str]:
    """Every address WordPress answered for a post or page: permalink, ?p=, ?page_id=, guid, old slug."""
    paths = [path_of(item.link)] if item.link else []
    paths.append(f"/?p={item.post_id}")
    if item.post_type == "page":
        paths.append(f"/?page_id={item.post_id}")
    if same_site_guid:
        paths.append(path_of(item.guid))
    if item.link and item.post_name:
        paths += [path_of(item.link).replace(f"/{item.post_name}/", f"/{old}/") for old in item.old_slugs]
    return list(dict.fromkeys(paths))


def old_roots(page: Page) -> set[str]:
    """The root (``scheme://host``) of the WordPress site the page was imported from: its old paths
    were published there, and a TrackBack or pingback source may still link there."""
    sources = ImportedObject.objects.filter(
        kind__in=[ImportedObject.Kind.POST, ImportedObject.Kind.PAGE], object_id=page.pk
    ).values_list("source", flat=True)
    return {f"{parts.scheme}://{parts.netloc}" for parts in map(urlsplit, sources) if parts.netloc}


def responses_feed(page: Page) -> str:
    """The page's own responses feed, where WordPress's ``<permalink>feed/`` pointed; else the page."""
    try:
        return reverse("discussion:page_feed", args=[page.pk])
    except NoReverseMatch:
        return ""


def site_feed() -> str:
    try:
        return reverse("discussion:feed")
    except NoReverseMatch:
        return ""


class Redirects:
    """Writes redirects for one import; an old path claimed twice in one run keeps its first target."""

    def __init__(self, site: Site | None):
        self.site = site
        self.claimed: dict[str, str] = {}

    def add(self, path: str, summary: Summary, page: Page | None = None, link: str = "") -> None:
        old_path = Redirect.normalise_path(path)
        url_parts = page.get_url_parts() if page is not None else None
        if url_parts and Redirect.normalise_path(url_parts[2]) == old_path:
            return  # the page kept its WordPress address
        if len(old_path) > 255:
            summary.tally("redirects", "skipped", path, "old address longer than 255 characters")
            return
        target = link or f"page {page.pk if page else ''}"
        if self.claimed.setdefault(old_path, target) != target:
            summary.tally("redirects", "skipped", path, "the same old address belongs to two items; the first keeps it")
            return
        wanted = {"redirect_page_id": page.pk if page else None, "redirect_link": link, "is_permanent": True}
        redirect = Redirect.objects.filter(site=self.site, old_path=old_path).first()
        if redirect is None:
            Redirect.objects.create(site=self.site, old_path=old_path, **wanted)
            summary.tally("redirects", "created")
        elif any(getattr(redirect, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(redirect, key, value)
            redirect.save()
            summary.tally("redirects", "updated")
        else:
            summary.tally("redirects", "unchanged")
