"""WordPress attachments → Wagtail images and documents, downloaded, and their old attachment pages.

The export names the files by URL; fetching them goes through safefetch (http/https only, public
addresses unless SAFEFETCH_ALLOWED_NETWORKS allows more, size and time limits), because an export
file is input from elsewhere just like a pingback source.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from io import BytesIO
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from safefetch import fetch

from .redirects import path_of
from .values import fingerprint, numeric_id, plain
from .wxr import WPItem

if TYPE_CHECKING:
    from .importer import Importer

AGENT = fetch.UserAgent("Backchannel-WordPress-Import/1.0", "importing the attachments of a WordPress export")
MAX_BYTES = 50 * 1024 * 1024
DEADLINE_SECONDS = 5 * 60  # a large attachment on a slow old host still arrives


class MediaError(Exception):
    """Why one file could not be imported, in words for the summary."""


def filename_for(url: str) -> str:
    name = posixpath.basename(unquote(urlsplit(url).path)) or "attachment"
    return re.sub(r"[^\w.-]+", "-", name)[-100:]


def is_image(url: str) -> bool:
    extension = posixpath.splitext(urlsplit(url).path)[1].lstrip(".").lower()
    return extension in getattr(settings, "WAGTAILIMAGES_EXTENSIONS", ["gif", "jpg", "jpeg", "png", "webp"])


def image_key(url: str) -> str:
    """The same picture at any size: WordPress adds ``-300x200`` or ``?w=300`` to resized copies."""
    parts = urlsplit(url)
    path = re.sub(r"-\d+x\d+(\.\w+)$", r"\1", unquote(parts.path))
    return f"{parts.netloc.lower()}{path}"


def download(url: str) -> bytes:
    try:
        response = fetch.get(
            url, agent=AGENT, headers={"Accept": "*/*"}, max_bytes=MAX_BYTES, deadline_seconds=DEADLINE_SECONDS
        )
    except fetch.FetchError as exc:
        raise MediaError(str(exc)) from None
    if not response.content:
        raise MediaError(f"{url} is empty.")
    return response.content


def store_image(url: str, data: bytes, title: str, alt: str = ""):
    """A Wagtail image from downloaded bytes; refuses anything Pillow cannot read as an image."""
    try:
        with PILImage.open(BytesIO(data)) as probe:
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"{url} is not a readable image ({exc}).") from None
    image = get_image_model()(title=title[:255] or filename_for(url), description=alt[:255])
    image.file = ImageFile(BytesIO(data), name=filename_for(url))
    image.save()
    return image


def store_document(url: str, data: bytes, title: str):
    document = get_document_model()(title=title[:255] or filename_for(url))
    document.file = SimpleUploadedFile(filename_for(url), data)
    document.save()
    return document


class Attachments:
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
        return self.by_url.get(image_key(url)) if url else None

    def attachment_url(self, attachment_id: str) -> str | None:
        return self.urls.get(attachment_id)

    def media_url(self, url: str) -> str:
        return self.local_urls.get(image_key(url), url)

    def gallery(self, post_id: str) -> list[str]:
        return [i for i in self.children.get(post_id, []) if is_image(self.urls.get(i, ""))]

    def register(self, item: WPItem, obj) -> None:
        url = item.attachment_url or item.guid
        if hasattr(obj, "get_rendition"):
            self.images[item.post_id] = obj.pk
            self.by_url[image_key(url)] = obj.pk
            self.local_urls[image_key(url)] = obj.file.url
        self.local_urls.setdefault(image_key(url), obj.file.url)


def import_attachments(run: Importer) -> None:
    """Every attachment, in the order WordPress shows them (galleries use it)."""
    attachments = [item for item in run.export.items if item.post_type == "attachment"]
    for item in sorted(attachments, key=lambda i: (i.menu_order, numeric_id(i.post_id))):
        run.media.urls[item.post_id] = item.attachment_url or item.guid
        if item.parent_id != "0":
            run.media.children[item.parent_id].append(item.post_id)
    for item in run.bar(attachments, "Media"):
        import_attachment(run, item)


def import_attachment(run: Importer, item: WPItem) -> None:
    url = item.attachment_url or item.guid
    what = f"attachment {item.post_id} ({url})"
    mapping, obj = run.mapped("attachment", item.post_id, item.guid)
    fp = fingerprint({"url": url})
    if obj is not None and mapping.fingerprint == fp:
        run.media.register(item, obj)
        run.summary.tally("attachments", "unchanged")
        return
    if not url.startswith(("http://", "https://")):
        run.summary.tally("attachments", "failed", what, "no http(s) address for the file")
        return
    if not run.fetch_media:
        why = "left remote (--no-media)" if not run.dry_run else "would be downloaded (dry run)"
        run.summary.tally("attachments", "skipped", what, why)
        return
    try:
        data = download(url)
        title = plain(item.title) or filename_for(url)
        with transaction.atomic():
            if is_image(url):
                obj = store_image(url, data, title, plain(item.meta.get("_wp_attachment_image_alt", "")))
            else:
                obj = store_document(url, data, title)
            run.remember("attachment", item.post_id, obj, fp, item.guid)
    except MediaError as exc:
        run.summary.tally("attachments", "failed", what, f"not downloaded, left remote: {exc}")
        return
    run.media.register(item, obj)
    run.summary.tally("attachments", "updated" if mapping else "created")


def attachment_redirects(run: Importer) -> None:
    """An attachment's page goes to the post that shows it, or else to the file itself."""
    for item in run.export.items:
        if item.post_type != "attachment":
            continue
        page = run.pages.get(item.parent_id)
        _mapping, obj = run.mapped("attachment", item.post_id, item.guid)
        link = "" if page else (obj.file.url if obj is not None else "")
        if page is None and not link:
            run.summary.tally(
                "redirects", "skipped", run.label(item), "attachment page: no imported post or file to send it to"
            )
            continue
        for path in dict.fromkeys([path_of(item.link) if item.link else "", f"/?attachment_id={item.post_id}"]):
            if path:
                run.redirects.add(path, run.summary, page=page, link=link)
