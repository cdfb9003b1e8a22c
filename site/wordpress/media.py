"""Download a WordPress attachment and keep it as a Wagtail image or document.

The export names the files by URL; fetching them goes through the linkbacks app's guarded
fetch (http/https only, public addresses unless LINKBACK_ALLOWED_NETWORKS allows more, size and
time limits), because an export file is input from elsewhere just like a pingback source.
"""

from __future__ import annotations

import posixpath
import re
from io import BytesIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from linkbacks import fetch

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
        response = fetch.request(
            "GET", url, headers={"Accept": "*/*"}, max_bytes=MAX_BYTES, deadline_seconds=DEADLINE_SECONDS
        )
    except fetch.FetchError as exc:
        raise MediaError(str(exc)) from None
    if not 200 <= response.status < 300:
        raise MediaError(f"{url} answered with HTTP {response.status}.")
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
