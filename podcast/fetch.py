"""Fetch what an import needs (the feed, chapters, transcripts, media) only from where it is safe to.

Everything goes through the linkbacks app's guard: http(s) only, public addresses unless
LINKBACK_ALLOWED_NETWORKS lets a network through, bounded redirects, size caps and deadlines.
Documents use its `request()` as they are; media is too big to buffer and too slow for the
5-second deadline, so it streams into a temporary file with a longer deadline.
"""

import tempfile
from typing import Protocol

from django.core.files import File

from linkbacks import fetch as guarded

MEDIA_DEADLINE_SECONDS = 30 * 60


class FetchFailed(Exception):
    """A download that did not work; the message says which URL and why."""


class Fetcher(Protocol):
    def document(self, url: str, max_bytes: int) -> bytes: ...

    def media(self, url: str, max_bytes: int) -> File: ...


class GuardedFetcher:
    """The production fetcher: SSRF-safe, size-capped, time-bounded."""

    def document(self, url: str, max_bytes: int) -> bytes:
        try:
            fetched = guarded.request("GET", url, headers={"Accept": "*/*"}, max_bytes=max_bytes)
        except guarded.FetchError as error:
            raise FetchFailed(str(error)) from None
        if not 200 <= fetched.status < 300:
            raise FetchFailed(f"{url} answered with HTTP {fetched.status}.")
        return fetched.content

    def media(self, url: str, max_bytes: int) -> File:
        target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, closed here on failure)
        try:
            fetched = guarded.request(
                "GET",
                url,
                headers={"Accept": "*/*"},
                max_bytes=max_bytes,
                deadline_seconds=MEDIA_DEADLINE_SECONDS,
                sink=target,
            )
        except guarded.FetchError as error:
            target.close()
            raise FetchFailed(str(error)) from None
        if not 200 <= fetched.status < 300:
            target.close()
            raise FetchFailed(f"{url} answered with HTTP {fetched.status}.")
        target.seek(0)
        return File(target)
