"""The `limits` table's add(): one statement that is first come, yet takes over an expired entry."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from config import caches as backends


@pytest.fixture
def table_cache(settings, db):
    """A DatabaseCache on its own table, in the test's database (the PostgreSQL pass keeps limits in Redis)."""
    probe = {"BACKEND": "config.caches.DatabaseCache", "LOCATION": "cache_probe", "OPTIONS": {"MAX_ENTRIES": 5}}
    settings.CACHES = {**settings.CACHES, "probe": probe}
    call_command("createcachetable", verbosity=0)
    return caches["probe"]


def rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cache_probe")
        return cursor.fetchone()[0]


def test_add_is_first_come_and_keeps_the_first_value(table_cache):
    assert table_cache.add("flood:a", "first", 30) is True
    assert table_cache.add("flood:a", "second", 30) is False
    assert table_cache.get("flood:a") == "first"
    assert table_cache.add("forever", {"n": 1}, None) is True
    assert table_cache.get("forever") == {"n": 1}


def test_add_takes_over_an_expired_entry(table_cache):
    assert table_cache.add("flood:b", "old", -5) is True  # stored already expired
    assert table_cache.add("flood:b", "new", 30) is True
    assert table_cache.get("flood:b") == "new"
    assert rows() == 1


def test_every_hundredth_add_sweeps_the_expired_and_culls_past_the_maximum(table_cache):
    for n in range(backends.CULL_EVERY - 1):
        table_cache.add(f"gone:{n}", n, -5)
    assert rows() == backends.CULL_EVERY - 1  # adds do not count the table each time
    table_cache.add("kept", 1, 30)
    assert rows() <= 5
    assert table_cache.get("kept") == 1
