"""What a guarded fetch can fail with; ``str()`` of each is a message fit to show whoever asked."""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that failed."""


class InvalidURL(FetchError):
    """Not an absolute http(s) URL we are willing to request."""


class BlockedAddress(FetchError):
    """The host resolves to an address outside the public internet (and outside the allowed networks)."""


class Unreachable(FetchError):
    """No answer: the name does not resolve, or nothing accepts the connection."""


class UpstreamError(FetchError):
    """The server answered, but badly: an error status, too slow, too big, too many redirects."""


class BadStatus(UpstreamError):
    """The server answered with a status other than 2xx (``get()`` and ``post()`` require one)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class SourceMissing(BadStatus):
    """The server answered that the page does not exist (404, 410)."""


class NotHTML(FetchError):
    """The page is not HTML, so it cannot hold a link we can verify."""
