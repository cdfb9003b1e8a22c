"""Rate limits and flood control, counted in the `limits` cache that every app process shares.

A per-process counter lets N workers accept N times the limit, so the counts live in the cache
alias `limits` (Redis in production; on one machine, by default, a table in the database, see
`config.caches`). Keys are normalised first, or one sender gets a fresh budget per spelling:
`127.0.0.1`, `::ffff:127.0.0.1`, `127.000.000.001`, `0x7f.1` and `2130706433` are one address; an
IPv6 sender counts per /64 (one customer's allocation); host names are compared after IDNA,
lower-casing and dropping the port and a trailing dot, and a host written as an IP is that IP.
`slot()` is a counting semaphore there too: at most N holders at once across every process.
"""

import hashlib
import ipaddress
import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, router

ALIAS = "limits"
IPV6_PREFIX = 64
_SAFE_KEY = re.compile(r"^[a-z0-9._-]{1,200}$")
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


def _cache():
    return caches[ALIAS]


def in_database() -> bool:
    """Whether the counts are a table in the default database (no Redis): a claim made in a transaction
    there commits or rolls back with it."""
    cache = _cache()
    return isinstance(cache, DatabaseCache) and router.db_for_write(cache.cache_model_class) == DEFAULT_DB_ALIAS


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip("[]").split("%")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        if not _LEGACY_IPV4.match(text):
            return None
        try:  # what getaddrinfo() would connect to: 127.1, 0x7f.0.0.1, 0177.0.0.1, 2130706433…
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    if ip.version == 6 and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def client_key(address: str | None) -> str:
    """The sender's address as one key: IPv4 exact, IPv6 by its /64; anything unparseable is `unknown`."""
    ip = _ip(address or "")
    if ip is None:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def host_key(url_or_host: str) -> str:
    """A URL's host (or a bare host) as one key: IDNA, case, trailing dot, port and IP spellings folded."""
    text = url_or_host.strip()
    if "/" in text:
        try:
            text = urlsplit(text).netloc
        except ValueError:
            return "invalid"
    text = text.rpartition("@")[2]
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    text = text.rstrip(".").lower()
    ip = _ip(text)
    if ip is not None:
        return client_key(str(ip))
    try:
        key = text.encode("idna").decode("ascii")
    except UnicodeError:
        key = text
    if _SAFE_KEY.match(key):
        return key
    return "hashed:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def claim(key: str, seconds: int, holder: str | int = 1) -> bool:
    """True for the first caller within `seconds` (atomic: the cache's add()); 0 seconds means no limit.
    The claim remembers its `holder`, for `held_by()`."""
    if seconds <= 0:
        return True
    return _cache().add(key, holder, timeout=seconds)


def held_by(key: str, holder: str) -> bool:
    """Whether the standing claim on `key` was made by `holder`."""
    return bool(holder) and _cache().get(key) == holder


def release(key: str) -> None:
    _cache().delete(key)


def count(key: str, window: int) -> int:
    """This attempt's number within the current `window` seconds (add() starts it, incr() counts)."""
    cache = _cache()
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this attempt starts a new window
        cache.add(key, 0, timeout=window)
        return cache.incr(key)


@contextmanager
def slot(name: str, capacity: int, seconds: int) -> Iterator[bool]:
    """One of `capacity` places for work that runs at the same time in any process; yields whether
    one was free (0 capacity: no cap, always True). Each place is a key claimed with add() that
    expires after `seconds`, so a process killed while holding one frees it then; it is released
    on exit only while it is still this holder's."""
    if capacity <= 0:
        yield True
        return
    cache, holder = _cache(), uuid.uuid4().hex
    taken = next((key for n in range(capacity) if cache.add(key := f"{name}:{n}", holder, timeout=seconds)), None)
    try:
        yield taken is not None
    finally:
        if taken is not None and cache.get(taken) == holder:
            cache.delete(taken)
