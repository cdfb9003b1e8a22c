"""The public API: ``get()``/``post()`` (2xx or an error) and ``request()`` (any status), each guarded.

Every fetch of a URL that came from elsewhere (a linkback source or target, an import's feed and
media, a WebSub hub) goes through here: http(s) only, public addresses only unless
``SAFEFETCH_ALLOWED_NETWORKS`` lets a network through (checked on every redirect hop, see
``transport``), a per-operation timeout, an overall deadline that also bounds DNS lookups and
sources trickling bytes, a progress deadline (a body that stalls is dropped), a size cap, a
redirect cap and, where the caller asks, HTML only. Each caller names itself with a ``UserAgent``
so the site it fetches from can tell why we came.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

import httpx
from django.conf import settings

from .errors import (
    BadStatus,
    BlockedAddress,
    FetchError,
    InvalidURL,
    NotHTML,
    SourceMissing,
    Unreachable,
    UpstreamError,
)
from .transport import Deadline, DeadlineExceeded, GuardedTransport, Progress, Stalled

__all__ = [
    "BadStatus",
    "BlockedAddress",
    "FetchError",
    "Fetched",
    "InvalidURL",
    "NotHTML",
    "SourceMissing",
    "Unreachable",
    "UpstreamError",
    "UserAgent",
    "check_url",
    "decode_html",
    "get",
    "is_html",
    "limits",
    "post",
    "request",
]

HTML_TYPES = ("text/html", "application/xhtml+xml")
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
MAX_URL_LENGTH = 2000  # what the models store


@dataclass(frozen=True)
class UserAgent:
    """Who is fetching and why, sent as ``product (purpose; +SITE_URL)``."""

    product: str
    purpose: str

    def header(self) -> str:
        return f"{self.product} ({self.purpose}; +{getattr(settings, 'SITE_URL', '')})"


@dataclass(frozen=True)
class Fetched:
    """A response read within the limits: final URL after redirects, status, headers and body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def is_html(self) -> bool:
        return is_html(self.headers)

    @property
    def text(self) -> str:
        return decode_html(self.content, self.headers.get("content-type", ""))


def is_html(headers: httpx.Headers) -> bool:
    return headers.get("content-type", "").split(";")[0].strip().lower() in HTML_TYPES


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_html(content: bytes, content_type: str = "") -> str:
    """Decode by the header's charset, else a <meta charset> near the top, else UTF-8 (lenient)."""
    candidates = []
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if match:
        candidates.append(match.group(1))
    meta = _META_CHARSET.search(content[:2048])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    for charset in candidates:
        try:
            return content.decode(charset, errors="replace")
        except LookupError:
            continue
    return content.decode("utf-8", errors="replace")


# --- requests ------------------------------------------------------------------------------------


def limits() -> dict[str, float | int]:
    return {
        "timeout": float(getattr(settings, "SAFEFETCH_TIMEOUT", 3.0)),
        "deadline": float(getattr(settings, "SAFEFETCH_DEADLINE", 5.0)),
        "max_bytes": int(getattr(settings, "SAFEFETCH_MAX_BYTES", 1_000_000)),
        "max_redirects": int(getattr(settings, "SAFEFETCH_MAX_REDIRECTS", 5)),
        "stall_seconds": float(getattr(settings, "SAFEFETCH_STALL_SECONDS", 30.0)),
        "stall_bytes": int(getattr(settings, "SAFEFETCH_STALL_BYTES", 16_384)),
    }


def check_url(url: str) -> httpx.URL:
    """Parse a URL a stranger gave us; only absolute http(s) URLs without credentials pass."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise InvalidURL(f"{url!r} is not a valid URL.") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidURL(f"{url!r} is not an absolute http or https URL.")
    if parsed.userinfo:
        raise InvalidURL(f"{url!r} contains a user name or password; such URLs are not fetched.")
    return parsed


def request(
    method: str,
    url: str,
    *,
    data: dict[str, str] | None = None,
    content: bytes | None = None,
    agent: UserAgent,
    headers: dict[str, str] | None = None,
    require_html: bool = False,
    read_non_html: bool = True,
    max_bytes: int | None = None,
    deadline_seconds: float | None = None,
    sink: typing.BinaryIO | None = None,
) -> Fetched:
    """One guarded HTTP exchange, any status returned (``get()`` and ``post()`` require a 2xx).

    ``require_html`` refuses a successful non-HTML answer; ``read_non_html=False`` skips such a body
    (discovery only needs the headers of a PDF or an image). Large downloads (imported media) pass a
    ``sink`` that receives the body instead of ``Fetched.content``, and a longer ``deadline_seconds``;
    every body must also keep coming (SAFEFETCH_STALL_BYTES in every SAFEFETCH_STALL_SECONDS)."""
    check_url(url)
    cfg = limits()
    cap = max_bytes if max_bytes is not None else cfg["max_bytes"]
    allowed_seconds = deadline_seconds or cfg["deadline"]
    deadline = Deadline(allowed_seconds)
    request_headers = {"User-Agent": agent.header(), "Accept": ACCEPT_HTML, "Accept-Encoding": "identity"}
    request_headers.update(headers or {})
    answered = False  # once the server has sent an HTTP answer, failures are no longer opaque
    try:
        with (
            httpx.Client(
                transport=GuardedTransport(deadline),
                trust_env=False,
                follow_redirects=True,
                max_redirects=cfg["max_redirects"],
                timeout=httpx.Timeout(cfg["timeout"]),
                headers=request_headers,
            ) as client,
            client.stream(method, url, data=data, content=content) as response,
        ):
            answered = True
            if require_html and 200 <= response.status_code < 300 and not is_html(response.headers):
                kind = response.headers.get("content-type") or "no content type"
                raise NotHTML(f"{response.url} is not an HTML page ({kind}).")
            body, size = bytearray(), 0
            progress = Progress(cfg["stall_bytes"], cfg["stall_seconds"])
            skip_body = not read_non_html and not is_html(response.headers)
            for chunk in () if skip_body else response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise UpstreamError(f"{response.url} is larger than {cap:,} bytes.", opaque=False)
                if sink is None:
                    body += chunk
                else:
                    sink.write(chunk)
                deadline.remaining()
                progress.add(len(chunk))
            return Fetched(
                url=str(response.url), status=response.status_code, headers=response.headers, content=bytes(body)
            )
    except Stalled as stall:
        message = (
            f"{url} stalled: it sent {stall.received:,} bytes, fewer than {cfg['stall_bytes']:,} bytes "
            f"in {cfg['stall_seconds']:g} seconds."
        )
        raise UpstreamError(message, opaque=False) from None
    except DeadlineExceeded:
        message = f"{url} took longer than {allowed_seconds:g} seconds to answer."
        raise UpstreamError(message, opaque=not answered) from None
    except httpx.TooManyRedirects:
        raise UpstreamError(f"{url} redirects more than {cfg['max_redirects']} times.", opaque=False) from None
    except httpx.ConnectTimeout:
        raise Unreachable(f"{url} did not accept a connection within {cfg['timeout']:g} seconds.") from None
    except httpx.TimeoutException:
        message = f"{url} stopped answering for more than {cfg['timeout']:g} seconds."
        raise UpstreamError(message, opaque=not answered) from None
    except httpx.UnsupportedProtocol:
        raise InvalidURL(f"{url} redirects to a URL that is not http or https.") from None
    except httpx.ConnectError as exc:
        raise Unreachable(f"Could not connect to {url} ({exc}).") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise UpstreamError(f"{url} gave an invalid HTTP answer ({exc}).", opaque=not answered) from None


def get(url: str, *, agent: UserAgent, **options: typing.Any) -> Fetched:
    """A guarded GET that must succeed: 404/410 raise ``SourceMissing``, any other non-2xx ``BadStatus``."""
    return _successful(url, request("GET", url, agent=agent, **options))


def post(url: str, *, agent: UserAgent, **options: typing.Any) -> Fetched:
    """A guarded POST (``data`` form-encoded, or raw ``content``) that must be answered with a 2xx."""
    return _successful(url, request("POST", url, agent=agent, **options))


def _successful(url: str, fetched: Fetched) -> Fetched:
    if fetched.status in (404, 410):
        raise SourceMissing(f"{url} answered with HTTP {fetched.status}: it does not exist.", fetched.status)
    if not 200 <= fetched.status < 300:
        raise BadStatus(f"{url} answered with HTTP {fetched.status}.", fetched.status)
    return fetched
