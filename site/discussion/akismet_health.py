"""Akismet's health, shared by every app process and worker: a circuit breaker in the `limits` cache.

While Akismet is down, asking it again in every comment POST only adds the request budget to each
POST, and each worker check waits AKISMET_TIMEOUT for nothing. After AKISMET_BREAKER_FAILURES
failed calls with no answer between them (counted across processes) the breaker opens: POSTs store
and enqueue without asking, and the worker's checks leave their responses waiting. The probe
(`tasks.probe_akismet`, every PROBE_EVERY while the breaker is open or responses wait for a
recheck) asks Akismet about one waiting response; the first answer from Akismet closes the breaker
and every waiting response is checked at once. An open breaker also closes by itself after
OPEN_AT_MOST, so a lost probe can never leave Akismet unasked for good.
"""

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches

from . import limits

OPEN = "akismet:breaker-open"
FAILURES = "akismet:failures"
FAILURE_WINDOW = 300  # seconds: failures further apart than this are not an outage
OPEN_AT_MOST = 600  # seconds
PROBE_EVERY = timedelta(seconds=15)


def _cache():
    return caches[limits.ALIAS]


def is_open() -> bool:
    """True while Akismet counts as down: callers other than the probe should not ask it."""
    return _cache().get(OPEN) is not None


def failed() -> bool:
    """Count one failed call; True when this one opened the breaker."""
    failures = limits.count(FAILURES, FAILURE_WINDOW)
    if failures < max(settings.AKISMET_BREAKER_FAILURES, 1):
        return False
    return _cache().add(OPEN, failures, timeout=OPEN_AT_MOST)


def answered() -> bool:
    """Akismet answered a call; True when that closes an open breaker (the backlog should drain now)."""
    cache = _cache()
    standing = cache.get_many([FAILURES, OPEN])
    if standing:  # one read when all is well; the writes only after failures
        cache.delete_many(list(standing))
    return OPEN in standing
