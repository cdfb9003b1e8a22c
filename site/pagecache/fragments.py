"""Parts of a page built once per content version: a thread of responses, a feed, the site's root pages.

The cold render (PAGE_CACHE=off, or a reader with a session) uses these too; like the page cache they
are keyed by the content version, so they are never stale, only unused once the content changes.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from . import version

T = TypeVar("T")
_MISSING = object()


def cached(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """`build()`'s value for `parts` at the current content version, built at most once per version."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"pagecache:fragment:{name}:{version.current()}:{digest}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, settings.PAGE_CACHE_TIMEOUT)
    return value
