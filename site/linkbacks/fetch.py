"""Fetch other people's pages without letting them point us at our own network.

Every linkback makes us fetch a URL a stranger chose, so the guard sits below httpx, in the network
backend: each TCP connection (the first request and every redirect hop) resolves the host once,
refuses unless every address is public or inside ``settings.LINKBACK_ALLOWED_NETWORKS``, and then
connects to the vetted address, so DNS rebinding between check and connect is not possible. The
original host name still goes to TLS, so SNI and certificate checks are unchanged. Each fetch has a
per-operation timeout plus an overall deadline that also bounds DNS lookups and sources trickling
bytes slowly.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
import typing
from dataclasses import dataclass
from functools import lru_cache

import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

USER_AGENT = "Backchannel-Linkbacks/1.0 (verifying a pingback, trackback or webmention; +{site})"
HTML_TYPES = ("text/html", "application/xhtml+xml")
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
MAX_URL_LENGTH = 2000  # what the models store

# Ranges that ipaddress.is_global lets through but no web page should live in.
EXTRA_BLOCKED = tuple(
    ipaddress.ip_network(net)
    for net in ("100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")
)


class FetchError(Exception):
    """A fetch that failed; ``str()`` is a message fit to show the sender."""


class InvalidURL(FetchError):
    """Not an absolute http(s) URL we are willing to request."""


class BlockedAddress(FetchError):
    """The host resolves to an address outside the public internet (and outside the allowed networks)."""


class Unreachable(FetchError):
    """No answer: the name does not resolve, or nothing accepts the connection."""


class SourceMissing(FetchError):
    """The server answered that the page does not exist (404, 410)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class UpstreamError(FetchError):
    """The server answered, but badly: an error status, too slow, too big, too many redirects."""


class NotHTML(FetchError):
    """The page is not HTML, so it cannot hold a link we can verify."""


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


# --- the address policy ---------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _parse_networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in spec)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LINKBACK_ALLOWED_NETWORKS must be comma-separated CIDRs: {exc}") from None


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    spec = getattr(settings, "LINKBACK_ALLOWED_NETWORKS", ())
    if isinstance(spec, str):
        spec = spec.split(",")
    return _parse_networks(tuple(item.strip() for item in spec if item.strip()))


def is_allowed_address(address: str) -> bool:
    """Public unicast addresses, or any address inside an explicitly allowed network."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed_networks() if net.version == ip.version):
        return True
    return (
        ip.is_global
        and not ip.is_multicast
        and not any(ip in net for net in EXTRA_BLOCKED if net.version == ip.version)
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IPv4 and IPv6), in resolver order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def resolve_within(host: str, port: int, seconds: float) -> list[str]:
    """``resolve`` bounded in time: getaddrinfo has no timeout of its own and can hang far past the
    fetch's deadline, so it runs in a daemon thread that is abandoned (left to finish alone) when late."""
    outcome: dict[str, typing.Any] = {}

    def run() -> None:
        try:
            outcome["addresses"] = resolve(host, port)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"linkbacks-resolve-{host}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Unreachable(f"The host {host} could not be resolved within {seconds:.3g} seconds.")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["addresses"]


# --- the guarded transport ------------------------------------------------------------------------


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise _DeadlineExceeded(self.seconds)
        return left

    def clamp(self, timeout: float | None) -> float:
        left = self.remaining()
        return left if timeout is None else min(timeout, left)

    def passed(self) -> bool:
        return time.monotonic() >= self.ends


class _DeadlineExceeded(Exception):
    pass


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write also respects the fetch's overall deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline):
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self.inner.read(max_bytes, timeout=self.deadline.clamp(timeout))
        except httpcore.ReadTimeout:
            if self.deadline.passed():
                raise _DeadlineExceeded(self.deadline.seconds) from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self.inner.write(buffer, timeout=self.deadline.clamp(timeout))
        except httpcore.WriteTimeout:
            if self.deadline.passed():
                raise _DeadlineExceeded(self.deadline.seconds) from None
            raise

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        inner = self.inner.start_tls(ssl_context, server_hostname, timeout=self.deadline.clamp(timeout))
        return _DeadlineStream(inner, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolve once, refuse unless every address is allowed, then dial the vetted address itself."""

    def __init__(self, deadline: _Deadline):
        self.inner = httpcore.SyncBackend()
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = resolve_within(host, port, self.deadline.clamp(timeout))
        except (socket.gaierror, UnicodeError) as exc:
            raise Unreachable(f"The host {host} could not be found ({exc}).") from None
        blocked = [address for address in addresses if not is_allowed_address(address)]
        if blocked or not addresses:
            raise BlockedAddress(
                f"The host {host} resolves to {', '.join(blocked) or 'nothing'}, which is not a public internet "
                "address; linkbacks are only fetched from public addresses."
            )
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self.inner.connect_tcp(
                    address,
                    port,
                    timeout=self.deadline.clamp(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream, self.deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise Unreachable(f"Could not connect to {host}:{port} ({error or 'no address'}).")

    def connect_unix_socket(self, *args, **kwargs):
        raise BlockedAddress("Unix sockets are never fetched.")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, deadline: _Deadline):
        super().__init__(retries=0, http2=False)
        # httpx exposes no public hook for the network backend; pinned httpx 0.28 / httpcore 1.0.
        self._pool._network_backend = _GuardedBackend(deadline)


# --- public API -----------------------------------------------------------------------------------


def limits() -> dict[str, float | int]:
    return {
        "timeout": float(getattr(settings, "LINKBACK_FETCH_TIMEOUT", 3.0)),
        "deadline": float(getattr(settings, "LINKBACK_FETCH_DEADLINE", 5.0)),
        "max_bytes": int(getattr(settings, "LINKBACK_FETCH_MAX_BYTES", 1_000_000)),
        "max_redirects": int(getattr(settings, "LINKBACK_FETCH_MAX_REDIRECTS", 5)),
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
    headers: dict[str, str] | None = None,
    require_html: bool = False,
    read_non_html: bool = True,
    max_bytes: int | None = None,
    deadline_seconds: float | None = None,
    sink: typing.BinaryIO | None = None,
) -> Fetched:
    """One guarded HTTP exchange, any status returned (``fetch_html`` is for a source that must exist).

    ``require_html`` refuses a successful non-HTML answer; ``read_non_html=False`` skips such a body
    (discovery only needs the headers of a PDF or an image). Large downloads (imported media) pass a
    ``sink`` that receives the body instead of ``Fetched.content``, and a longer ``deadline_seconds``."""
    check_url(url)
    cfg = limits()
    cap = max_bytes if max_bytes is not None else cfg["max_bytes"]
    allowed_seconds = deadline_seconds or cfg["deadline"]
    deadline = _Deadline(allowed_seconds)
    site = getattr(settings, "SITE_URL", "")
    request_headers = {"User-Agent": USER_AGENT.format(site=site), "Accept": ACCEPT_HTML, "Accept-Encoding": "identity"}
    request_headers.update(headers or {})
    try:
        with (
            httpx.Client(
                transport=_GuardedTransport(deadline),
                trust_env=False,
                follow_redirects=True,
                max_redirects=cfg["max_redirects"],
                timeout=httpx.Timeout(cfg["timeout"]),
                headers=request_headers,
            ) as client,
            client.stream(method, url, data=data, content=content) as response,
        ):
            if require_html and 200 <= response.status_code < 300 and not is_html(response.headers):
                kind = response.headers.get("content-type") or "no content type"
                raise NotHTML(f"{response.url} is not an HTML page ({kind}).")
            body, size = bytearray(), 0
            skip_body = not read_non_html and not is_html(response.headers)
            for chunk in () if skip_body else response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise UpstreamError(f"{response.url} is larger than {cap:,} bytes.")
                if sink is None:
                    body += chunk
                else:
                    sink.write(chunk)
                deadline.remaining()
            return Fetched(
                url=str(response.url), status=response.status_code, headers=response.headers, content=bytes(body)
            )
    except _DeadlineExceeded:
        raise UpstreamError(f"{url} took longer than {allowed_seconds:g} seconds to answer.") from None
    except httpx.TooManyRedirects:
        raise UpstreamError(f"{url} redirects more than {cfg['max_redirects']} times.") from None
    except httpx.ConnectTimeout:
        raise Unreachable(f"{url} did not accept a connection within {cfg['timeout']:g} seconds.") from None
    except httpx.TimeoutException:
        raise UpstreamError(f"{url} stopped answering for more than {cfg['timeout']:g} seconds.") from None
    except httpx.UnsupportedProtocol:
        raise InvalidURL(f"{url} redirects to a URL that is not http or https.") from None
    except httpx.ConnectError as exc:
        raise Unreachable(f"Could not connect to {url} ({exc}).") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise UpstreamError(f"{url} gave an invalid HTTP answer ({exc}).") from None


def fetch_html(url: str) -> Fetched:
    """GET a source page that must exist and be HTML; failures raise a typed ``FetchError``."""
    page = request("GET", url, require_html=True)
    if page.status in (404, 410):
        raise SourceMissing(f"{url} does not exist (HTTP {page.status}).", page.status)
    if not 200 <= page.status < 300:
        raise UpstreamError(f"{url} answered with HTTP {page.status}.")
    return page
