"""What a guarded fetch can fail with.

``str()`` of each is the whole story (addresses, ports, the connection error), for logs, admins and
the person running an import. ``public()`` is what may be told to the stranger who gave us the URL:
every failure before a server answered in HTTP (a refused address, a name that does not resolve, a
closed port, a service that is not HTTP, a timeout) reads the same, "could not be fetched", so our
answers cannot be used to map our network or to scan someone's ports.
"""

from __future__ import annotations


class FetchError(Exception):
    """A fetch that failed."""

    opaque = False  # True: the detail says something about networks or ports; strangers get public()

    def __init__(self, message: str, *, opaque: bool | None = None):
        super().__init__(message)
        if opaque is not None:
            self.opaque = opaque

    def public(self, subject: str = "The page") -> str:
        """A message fit for whoever gave us the URL, e.g. ``public("The source")``."""
        return f"{subject} could not be fetched." if self.opaque else str(self)


class InvalidURL(FetchError):
    """Not an absolute http(s) URL we are willing to request."""


class BlockedAddress(FetchError):
    """The host resolves to an address outside the public internet (and outside the allowed networks)."""

    opaque = True


class Unreachable(FetchError):
    """No answer: the name does not resolve, or nothing accepts the connection."""

    opaque = True


class UpstreamError(FetchError):
    """The server answered badly or not at all: too slow, too big, too many redirects, not HTTP.

    Opaque unless the server had already answered in HTTP (a body too big or too slow, redirects)."""

    opaque = True


class BadStatus(UpstreamError):
    """The server answered with a status other than 2xx (``get()`` and ``post()`` require one)."""

    opaque = False

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class SourceMissing(BadStatus):
    """The server answered that the page does not exist (404, 410)."""


class NotHTML(FetchError):
    """The page is not HTML, so it cannot hold a link we can verify."""
