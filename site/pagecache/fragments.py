"""Parts of a page built once per content version: a thread of responses, a feed, the site's root pages.

The cold render (PAGE_CACHE=off, or a reader with a session) uses these too; like the page cache they
are keyed by the content version, so they are never stale, only unused once the content changes.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from . import version

T = TypeVar("T")
_MISSING = object()
KEPT_HEADERS = {"content-type", "last-modified", "content-language"}


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _key(name: str, parts: tuple) -> str:
    return f"pagecache:fragment:{name}:{version.current()}:{_digest(repr(parts))}"


def cached(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """`build()`'s value for `parts` at the current content version, built at most once per version."""
    key = _key(name, parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, settings.PAGE_CACHE_TIMEOUT)
    return value


def get(name: str, parts: tuple):
    """What is kept for `parts` at the current content version, or None."""
    return cache.get(_key(name, parts))


def seed(name: str, parts: tuple, value) -> None:
    """Keep a value another query learnt on the way, so `cached(name, parts, …)` need not build it."""
    cache.set(_key(name, parts), value, settings.PAGE_CACHE_TIMEOUT)


def versioned_view(name: str) -> Callable:
    """Decorate a view (a feed) whose 200 answers depend only on its address and the content: each is
    built once per content version, then served from the cache, with or without the page cache."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            key = f"pagecache:view:{name}:{version.current()}:" + _digest(request.build_absolute_uri())
            kept = cache.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                kept = (response.content, [(k, v) for k, v in response.items() if k.lower() in KEPT_HEADERS])
                cache.set(key, kept, settings.PAGE_CACHE_TIMEOUT)
            content, headers = kept
            response = HttpResponse(content)
            for header, value in headers:
                response[header] = value
            return response

        return wrapper

    return decorate
