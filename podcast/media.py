"""Serve uploaded media from local storage with HEAD, byte ranges, validators and exact types.

Apple's player probes with `Range: bytes=0-1` and refuses hosts that answer 200; Django's own
`static.serve` has no ranges and only runs in DEBUG. This view answers one byte range with 206,
an unsatisfiable one with 416, and a multi-range request with the whole file (200), which
RFC 9110 allows and every podcast client accepts; a multipart/byteranges body buys them nothing.
With S3-compatible storage the media URLs point at the storage and this view is not routed.
What a URL names, and who may read it, is decided on the normalised path (``media_access``).
"""

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, re_path
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

from . import media_access
from .audio import MEDIA_TYPES
from .transcripts import TRANSCRIPT_TYPES

CONTENT_TYPES = {**MEDIA_TYPES, **TRANSCRIPT_TYPES, ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
CHUNK_BYTES = 64 * 1024
MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The range starts beyond the end of the file: answer 416."""


def _digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` then refuses."""
    return text.isascii() and text.isdigit()


def parse_range(header: str, size: int) -> ByteRange | None:
    """The one byte range to send, or None for the whole file (no, invalid or multiple ranges)."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (_digits(first) or first == "") or not (_digits(last) or last == "") or first == last == "":
        return None
    if first == "":  # suffix: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def content_type_for(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def _read(path: str, byte_range: ByteRange):
    with open(path, "rb") as file:
        file.seek(byte_range.start)
        remaining = byte_range.length
        while remaining > 0:
            chunk = file.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def _range_applies(request, etag: str, mtime: float) -> bool:
    """If-Range: honour the range only while the file is still the one the client has part of."""
    if_range = request.headers.get("If-Range")
    if not if_range:
        return True
    if if_range.startswith('"'):
        return if_range == etag
    since = parse_http_date_safe(if_range)
    return since is not None and int(mtime) <= since


@require_safe
def serve_media(request, path: str) -> HttpResponse:
    resolved = media_access.resolve(path)
    if resolved is None:
        raise Http404("No such file.")
    full_path, name = resolved
    if media_access.is_document(name):
        raise Http404("Documents are served by Wagtail, which checks their privacy settings.")
    restrictions = media_access.restrictions(name)
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404("No such file.")
    try:
        stat = os.stat(full_path)
    except (OSError, ValueError):
        raise Http404("No such file.") from None
    if not os.path.isfile(full_path):
        raise Http404("No such file.")
    size = stat.st_size
    etag = f'"{stat.st_mtime_ns:x}-{size:x}"'
    content_type = content_type_for(full_path)

    response = get_conditional_response(request, etag=etag, last_modified=int(stat.st_mtime))
    if response is None:
        header = request.headers.get("Range", "")
        try:
            byte_range = parse_range(header, size) if header and _range_applies(request, etag, stat.st_mtime) else None
        except Unsatisfiable:
            message = f"The file is {size} bytes long; the requested range starts beyond its end."
            response = HttpResponse(message, status=416, content_type="text/plain; charset=utf-8")
            response["Content-Range"] = f"bytes */{size}"
        else:
            response = _file_response(request, full_path, size, byte_range, content_type)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stat.st_mtime)
    if restrictions:
        patch_cache_control(response, private=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _file_response(request, path: str, size: int, byte_range: ByteRange | None, content_type: str) -> HttpResponse:
    length = byte_range.length if byte_range else size
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type, status=206 if byte_range else 200)
    elif byte_range:
        response = StreamingHttpResponse(_read(path, byte_range), content_type=content_type, status=206)
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115 (closed by Django)
    if byte_range:
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    response["Content-Length"] = str(length)
    return response


def media_urlpatterns() -> list[URLPattern]:
    """The media route, when uploads live on this machine; S3-style storages serve their own URLs."""
    if not isinstance(default_storage, FileSystemStorage) or not settings.MEDIA_URL.startswith("/"):
        return []
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media")]
