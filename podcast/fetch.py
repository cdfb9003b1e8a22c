"""Fetch what an import needs (the feed, chapters, transcripts, media) only from where it is safe to.

Everything goes through safefetch: http(s) only, public addresses unless SAFEFETCH_ALLOWED_NETWORKS
lets a network through, bounded redirects, size caps and deadlines. Documents are read whole; media
is too big to buffer and too slow for the 5-second deadline, so it streams into a temporary file
with a longer deadline.
"""

import tempfile
from typing import Protocol

from django.core.files import File

from safefetch import fetch

AGENT = fetch.UserAgent("Backchannel-Podcast-Import/1.0", "importing a podcast feed and its media")
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
            return fetch.get(url, agent=AGENT, headers={"Accept": "*/*"}, max_bytes=max_bytes).content
        except fetch.FetchError as error:
            raise FetchFailed(str(error)) from None

    def media(self, url: str, max_bytes: int) -> File:
        target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, closed here on failure)
        try:
            fetch.get(
                url,
                agent=AGENT,
                headers={"Accept": "*/*"},
                max_bytes=max_bytes,
                deadline_seconds=MEDIA_DEADLINE_SECONDS,
                sink=target,
            )
        except fetch.FetchError as error:
            target.close()
            raise FetchFailed(str(error)) from None
        target.seek(0)
        return File(target)
