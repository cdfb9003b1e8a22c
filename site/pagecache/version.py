"""The content version: one value in a shared cache that every app process reads on each request.

Anything a reader could see changes it (signal_handlers.py), so a cached page or fragment stored
under an older version is never served again: invalidation by version, not by time. The value is a
random token rather than a counter, so two processes changing it at once need no atomic increment:
whichever write lands last, it differs from every version a stale render was stored under.
"""

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import router, transaction

log = logging.getLogger(__name__)

KEY = "pagecache:version"
# The version this request read, so its fragments cost no second lookup; a change in the request clears it.
_request_version: ContextVar[str | None] = ContextVar("pagecache_request_version", default=None)
# Set by `written_first`: the change's first write was made before its transaction began.
_written_first: ContextVar[bool] = ContextVar("pagecache_version_written_first", default=False)


def store():
    """Where the version lives: the shared page cache, or a cache all processes share when pages are per
    process (settings.PAGE_CACHE_VERSION_ALIAS)."""
    return caches[settings.PAGE_CACHE_VERSION_ALIAS]


def current() -> str:
    """The version now; created (atomically, with `add`) the first time, or after the cache lost it."""
    version = _request_version.get()
    if version is None:
        version = store().get(KEY) or _create()
    return version


def remember(version: str | None) -> None:
    """Pin the version for the rest of this request (the middleware read it with the page lookup)."""
    _request_version.set(version)


def _create() -> str:
    store().add(KEY, secrets.token_hex(8), None)
    return store().get(KEY) or secrets.token_hex(8)


def _set_new() -> None:
    try:
        store().set(KEY, secrets.token_hex(8), None)
    except Exception:  # the cache is down: what it held is unreachable too; say so loudly
        log.exception("Could not change the content version; cached pages may be stale.")


def _commits_with(connection) -> bool:
    """Whether the version is a row of this connection's database (the database cache), written in its
    transaction: other processes then see the new version and the change together, at the commit."""
    cache = store()
    return isinstance(cache, DatabaseCache) and router.db_for_write(cache.cache_model_class) == connection.alias


def bump() -> None:
    """Content changed: a new version now, and again once the transaction commits.

    Now, so this process (and a test, whose transaction never commits) sees the change at once; again
    after the commit, because another process may have read the new version and rendered from data
    that did not yet include the change. One post-commit change per transaction is enough, and none
    when the version commits with the change (a second write would take SQLite's lock once more).
    """
    _request_version.set(None)
    if not _written_first.get():
        _set_new()
    connection = transaction.get_connection()
    if (
        connection.in_atomic_block
        and not _commits_with(connection)
        and not any(item[1] is _after_commit for item in connection.run_on_commit)
    ):
        transaction.on_commit(_after_commit)


@contextmanager
def written_first() -> Iterator[None]:
    """Around a transaction about to change what readers see: its new version is written before the
    transaction begins rather than inside it, where a store outside the database (the file on SQLite)
    would hold the database's one write lock while it writes; the commit writes one again, as always."""
    if _commits_with(transaction.get_connection()):
        yield  # the version is a row of the transaction: written in it, seen with the change
        return
    _request_version.set(None)
    _set_new()
    token = _written_first.set(True)
    try:
        yield
    finally:
        _written_first.reset(token)


def _after_commit() -> None:
    _request_version.set(None)
    _set_new()
