"""The cache named by CACHE_URL really works (Redis in the PostgreSQL + Redis CI pass)."""

import os

from django.core.cache import cache


def test_configured_cache_round_trips_values(settings):
    cache.set("backchannel-probe", {"n": 1}, 30)
    assert cache.get("backchannel-probe") == {"n": 1}
    cache.delete("backchannel-probe")
    if os.environ.get("CACHE_URL", "").startswith("redis://"):
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
