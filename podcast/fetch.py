"""Fetch what an import needs (the feed, chapters, transcripts, media) only from where it is safe to.

Everything goes through the linkbacks app's guard: http(s) only, public addresses unless
LINKBACK_ALLOWED_NETWORKS lets a network through, bounded redirects, size caps and deadlines.
Documents use its public `request()`. Media is too big to buffer and too slow for its 5-second
deadline, so `GuardedFetcher.media` streams to a temporary file through the same guarded transport
with a longer deadline; linkbacks has no public streaming call yet, so its two private names are
used here and nowhere else.
"""

import tempfile
from typing import Protocol

import httpx
from django.core.files import File

from linkbacks import fetch as guarded

MEDIA_DEADLINE_SECONDS = 30 * 60
MEDIA_TIMEOUT_SECONDS = 30.0


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
        try:
            guarded.check_url(url)
        except guarded.FetchError as error:
            raise FetchFailed(str(error)) from None
        target = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, closed here on failure)
        deadline = guarded._Deadline(MEDIA_DEADLINE_SECONDS)
        try:
            with (
                httpx.Client(
                    transport=guarded._GuardedTransport(deadline),
                    trust_env=False,
                    follow_redirects=True,
                    max_redirects=5,
                    timeout=httpx.Timeout(MEDIA_TIMEOUT_SECONDS),
                    headers={"Accept-Encoding": "identity", "User-Agent": "Backchannel-Import/1.0"},
                ) as client,
                client.stream("GET", url) as response,
            ):
                if not 200 <= response.status_code < 300:
                    raise FetchFailed(f"{url} answered with HTTP {response.status_code}.")
                written = 0
                for chunk in response.iter_bytes():
                    written += len(chunk)
                    if written > max_bytes:
                        raise FetchFailed(f"{url} is larger than {max_bytes:,} bytes.")
                    target.write(chunk)
        except FetchFailed:
            target.close()
            raise
        except (guarded.FetchError, httpx.HTTPError, guarded._DeadlineExceeded) as error:
            target.close()
            raise FetchFailed(f"Could not download {url}: {error or type(error).__name__}.") from None
        target.seek(0)
        return File(target)
