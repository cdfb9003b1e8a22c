"""Whole responses for anonymous readers, kept in Django's cache and served before Wagtail routes.

Placed first, after only the client-address and NUL checks: an entry keeps the headers the security
and CSP middleware gave it, so a hit costs the content version's read and the entry's (with Redis,
one `get_many`) and none of the security, CSP, static-file, session, CSRF, auth, message or Wagtail
work. Static files pass straight through to WhiteNoise. A reader with a session, a held comment or
a message is private: never served from or stored in the cache, and told so
(`Cache-Control: private`), so a proxy keeps it too.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from . import lifetime, sites, version

log = logging.getLogger(__name__)

READ_METHODS = ("GET", "HEAD")
STATUS_HEADER = "X-Page-Cache"  # hit or miss, for people and proxies looking at a shared response
EDGE_EXPIRES_HEADER = "X-Accel-Expires"
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# Beside the session and message cookies; discussion adds its held-comment cookie (see `private_cookie`).
_private_cookies: set[str] = {settings.SESSION_COOKIE_NAME, "messages"}
_private_prefixes: set[str] = {"/admin/", "/documents/"}


def private_cookie(name: str) -> None:
    """A cookie that makes its reader's pages their own (never shared, never cached)."""
    _private_cookies.add(name)


def private_cookies() -> frozenset[str]:
    return frozenset(_private_cookies)


def is_private(request: HttpRequest) -> bool:
    return (
        any(name in request.COOKIES for name in _private_cookies)
        or "HTTP_AUTHORIZATION" in request.META
        or request.path.startswith(tuple(_private_prefixes))
    )


def entry_key(request: HttpRequest) -> str:
    """The address as the reader asked for it (scheme, host, path and query), and whether they take gzip."""
    gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {gzip}"
    return "pagecache:page:" + hashlib.sha256(address.encode()).hexdigest()[:40]


def shareable(response: HttpResponse) -> bool:
    """A response anyone may be given: complete, 200, no cookie, varies on nothing but the encoding."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    directives = {d.strip().split("=")[0].lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    if directives & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= {"accept-encoding"}


def mark_shared(response: HttpResponse) -> None:
    """Shared caches (nginx, a CDN) may keep it briefly and revalidate; browsers always revalidate."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.PAGE_CACHE_S_MAXAGE,
            stale_while_revalidate=settings.PAGE_CACHE_STALE_WHILE_REVALIDATE,
        )


def edge_expiry(response: HttpResponse, until: float) -> HttpResponse:
    """Tell nginx when a shared page stops being fresh, as an absolute second (`X-Accel-Expires: @t`).

    nginx counts s-maxage on a clock of whole seconds and keeps a page to the end of the second after
    (up to 2 s for s-maxage=1); fresh while its clock reads at most t, the page is kept no longer than
    s-maxage, nor past the moment it stops being true. On a 304 too, which renews nginx's copy.
    nginx reads the header and does not pass it on.
    """
    if f"s-maxage={settings.PAGE_CACHE_S_MAXAGE}" not in response.get("Cache-Control", ""):
        return response  # a view that set its own lifetime for shared caches keeps it
    end = math.floor(time.time()) + settings.PAGE_CACHE_S_MAXAGE
    if until < end:
        end = math.ceil(until)
    response[EDGE_EXPIRES_HEADER] = f"@{end - 1}"
    return response


def clamp_last_modified(response: HttpResponse) -> None:
    """A date in the future (a post dated ahead) would make If-Modified-Since answer 304 to newer content."""
    stamp = parse_http_date_safe(response.get("Last-Modified", ""))
    if stamp is not None and stamp > time.time():
        response["Last-Modified"] = http_date()


def page_etag(current: str, key: str, request: HttpRequest) -> str:
    """A shared page's validator: its address, the content version and the moment it stops being
    true. Not a hash of the body, which differs on every render (the form's time token): a browser
    or proxy holding the page of this version may keep it, whichever render it got."""
    state = f"{current} {key} {lifetime.valid_until(request)}"
    return 'W/"' + hashlib.sha256(state.encode()).hexdigest()[:32] + '"'


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """304 to If-None-Match or If-Modified-Since, as Django's ConditionalGetMiddleware (which this replaces)."""
    needs_etag = not (
        response.has_header("ETag") or response.streaming or "no-store" in response.get("Cache-Control", "")
    )
    if request.method == "GET" and needs_etag:
        set_response_etag(response)
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def lookup(key: str) -> tuple[str, tuple | None]:
    """The content version now, and the entry stored at `key` if it was stored under it and still holds."""
    if not settings.PAGE_CACHE:
        found = {}
    elif settings.PAGE_CACHE_VERSION_ALIAS == "default":
        found = cache.get_many([version.KEY, key])  # one round trip for both
    else:
        found = {key: cache.get(key), version.KEY: version.store().get(version.KEY)}
    current = found.get(version.KEY) or version.current()
    entry = found.get(key)
    if entry is not None and entry[0] == current and entry[1] > time.time():
        return current, entry
    return current, None


def hit(request: HttpRequest, entry: tuple) -> HttpResponse:
    """A stored page as this request should get it: whole, without a body for HEAD, or 304."""
    _, until, status, headers, body = entry
    response = HttpResponse(b"" if request.method == "HEAD" else body, status=status)
    for name, value in headers:
        response[name] = value
    response[STATUS_HEADER] = "hit"
    return edge_expiry(conditional(request, response), until)


def shared_hit(request: HttpRequest) -> HttpResponse | None:
    """The answer from the cache for a request anyone may share, or None when Django must answer it."""
    if not settings.PAGE_CACHE or request.method not in READ_METHODS:
        return None
    if request.path_info.startswith(settings.STATIC_URL) or is_private(request):
        return None
    try:
        entry = lookup(entry_key(request))[1]
    except Exception:  # a host Django will refuse, a cache that is down: the middleware says which
        return None
    return None if entry is None else hit(request, entry)


class PageCacheMiddleware:
    """In MIDDLEWARE in place of ConditionalGetMiddleware, which it does the work of, further out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in READ_METHODS or request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if is_private(request):
            sites.prime(request)
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            clamp_last_modified(response)
            return conditional(request, response)
        try:
            key = entry_key(request)
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400 further in
        try:
            return self.serve(request, key)
        finally:
            version.remember(None)

    def serve(self, request: HttpRequest, key: str) -> HttpResponse:
        try:
            current, entry = lookup(key)
        except Exception:
            log.exception("The page cache could not be read; serving without it.")
            return conditional(request, self.get_response(request))
        if entry is not None:
            return hit(request, entry)
        version.remember(current)
        store = settings.PAGE_CACHE and request.method == "GET"  # a HEAD's body is not the page's
        # What is stored must be the whole page, so the request's conditions are answered here, after.
        conditions = {name: request.META.pop(name) for name in CONDITIONAL_HEADERS if store and name in request.META}
        sites.prime(request)
        response = self.get_response(request)
        request.META.update(conditions)
        clamp_last_modified(response)
        if shareable(response):
            mark_shared(response)
            if not response.has_header("ETag"):
                response["ETag"] = page_etag(current, key, request)
            if store:
                self.store(request, key, current, response)
                response[STATUS_HEADER] = "miss"
            return edge_expiry(conditional(request, response), lifetime.valid_until(request))
        return conditional(request, response)

    @staticmethod
    def store(request: HttpRequest, key: str, current: str, response: HttpResponse) -> None:
        until = min(time.time() + settings.PAGE_CACHE_TIMEOUT, lifetime.valid_until(request))
        if until - time.time() < 1:
            return
        headers = list(response.items())
        try:
            cache.set(key, (current, until, response.status_code, headers, response.content), int(until - time.time()))
        except Exception:
            log.exception("The page cache could not store %s.", request.path)
