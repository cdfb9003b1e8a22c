import os

import pytest
from django.core.cache import cache, caches
from hypothesis import settings as hypothesis_settings

from config.caches import DatabaseCache
from tests.builders import make_author, make_blog_index, make_post
from tests.web import Web

pytest_plugins = ["tests.browser"]

# Hostile-input tests assert what is answered, never how fast: a deadline would fail them on a busy machine.
hypothesis_settings.register_profile("backchannel", deadline=None)
hypothesis_settings.load_profile("backchannel")

# The production topology's scenarios run under `make test-production`, which starts PostgreSQL and
# Redis and sets BACKCHANNEL_TOPOLOGY; the normal run leaves them out.
collect_ignore = [] if os.environ.get("BACKCHANNEL_TOPOLOGY") else ["production"]
# The interop suite against a real WordPress runs under `make test-interop` (BACKCHANNEL_INTEROP set).
if not os.environ.get("BACKCHANNEL_INTEROP"):
    collect_ignore.append("interop")


@pytest.fixture(autouse=True)
def fresh_limits(request, django_db_blocker):
    """Each test starts with no rate-limit counts or flood claims. The database cache rolls back with
    the test; Redis (the PostgreSQL run), locmem and the tables a transactional test leaves need clearing."""
    limits = caches["limits"]
    in_database = isinstance(limits, DatabaseCache)
    if not in_database:
        limits.clear()
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not in_database:
        limits.clear()
    elif transactional:
        with django_db_blocker.unblock():
            limits.clear()


@pytest.fixture
def web():
    """A tiny web on 127.0.0.1 (pages, redirects, slow and huge answers), stopped after the test."""
    with Web() as server:
        yield server


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page, fragment, rate limit or used token from another."""
    cache.clear()


@pytest.fixture
def blog_index(db):
    return make_blog_index()


@pytest.fixture
def author(db):
    return make_author()


@pytest.fixture
def post(blog_index, author):
    return make_post(blog_index, "Hello world", intro="A first post.", authors=[author], tags=["greeting"])
