"""Fetchers for import tests: canned resources, or our own site through Django's test client."""

import io
from urllib.parse import urlsplit

from django.core.files import File

from podcast.fetch import FetchFailed


class DictFetcher:
    """Serves canned bytes by URL; anything else fails like a 404 would."""

    def __init__(self, resources: dict[str, bytes] | None = None):
        self.resources = dict(resources or {})
        self.requested: list[str] = []

    def document(self, url: str, max_bytes: int) -> bytes:
        self.requested.append(url)
        if url not in self.resources:
            raise FetchFailed(f"{url} answered with HTTP 404.")
        data = self.resources[url]
        if len(data) > max_bytes:
            raise FetchFailed(f"{url} is larger than {max_bytes:,} bytes.")
        return data

    def media(self, url: str, max_bytes: int) -> File:
        return File(io.BytesIO(self.document(url, max_bytes)))


class ClientFetcher(DictFetcher):
    """Fetches our own site's URLs through the test client, so an exported feed can be imported back."""

    def __init__(self, client, resources: dict[str, bytes] | None = None, hostname: str = "testserver"):
        super().__init__(resources)
        self.client, self.hostname = client, hostname

    def document(self, url: str, max_bytes: int) -> bytes:
        parts = urlsplit(url)
        if parts.hostname != self.hostname:
            return super().document(url, max_bytes)
        self.requested.append(url)
        response = self.client.get(
            parts.path + (f"?{parts.query}" if parts.query else ""),
            secure=parts.scheme == "https",
            headers={"Host": self.hostname},
        )
        if response.status_code != 200:
            raise FetchFailed(f"{url} answered with HTTP {response.status_code}.")
        return b"".join(response.streaming_content) if response.streaming else response.content
