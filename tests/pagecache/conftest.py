import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache

from tests.builders import make_author, make_category, make_post


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """A throwaway redis-server on loopback (Debian's redis-server, installed by `make test` as root)."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server not installed: scripts/ensure-system-packages redis-server (make test does, as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    import redis

    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["locmem", "redis"])
def real_cache(request, settings):
    """Each test of invalidation runs against both caches the project supports."""
    if request.param == "redis":  # pages and their version in Redis
        url = request.getfixturevalue("redis_url")
        default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        settings.PAGE_CACHE_VERSION_ALIAS = "default"
    else:  # pages in each process's memory, the version in the shared limits table
        default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
        settings.PAGE_CACHE_VERSION_ALIAS = "limits"
    settings.CACHES = {**settings.CACHES, "default": default}
    cache.clear()
    yield request.param
    cache.clear()


@pytest.fixture
def busy_post(blog_index):
    return make_post(
        blog_index,
        "Cached post",
        intro="Kept whole.",
        authors=[make_author("Grace Author")],
        categories=[make_category("Essays")],
        tags=["caching"],
    )
