"""Linkback rate limits hold however the sender spells its address or the source's host."""

import pytest

from linkbacks import receiving
from tests.discussion.test_limits import LOOPBACK_SPELLINGS

pytestmark = pytest.mark.django_db
SEVEN = LOOPBACK_SPELLINGS[:7]


def test_seven_spellings_of_one_client_share_its_budget(settings):
    settings.LINKBACK_RATE_PER_IP = "7/60"
    settings.LINKBACK_RATE_PER_SOURCE_HOST = "100/60"
    for n, spelling in enumerate(SEVEN):
        receiving.throttle(spelling, f"https://source-{n}.example/post")
    with pytest.raises(receiving.RateLimited, match="from your address"):
        receiving.throttle("::ffff:127.0.0.1", "https://yet-another.example/post")


def test_seven_spellings_of_one_source_host_share_its_budget(settings):
    settings.LINKBACK_RATE_PER_IP = "100/60"
    settings.LINKBACK_RATE_PER_SOURCE_HOST = "7/60"
    for n, spelling in enumerate(SEVEN):
        host = f"[{spelling}]" if ":" in spelling and not spelling.startswith("[") else spelling
        receiving.throttle(f"198.51.100.{n}", f"http://{host}:80{n}/post-{n}")
    with pytest.raises(receiving.RateLimited, match="from that source's site"):
        receiving.throttle("198.51.100.99", "http://127.0.0.1./another")


def test_a_different_client_and_host_keep_their_own_budgets(settings):
    settings.LINKBACK_RATE_PER_IP = "1/60"
    settings.LINKBACK_RATE_PER_SOURCE_HOST = "1/60"
    receiving.throttle("203.0.113.1", "https://a.example/")
    receiving.throttle("203.0.113.2", "https://b.example/")
    with pytest.raises(receiving.RateLimited):
        receiving.throttle("203.0.113.1", "https://c.example/")
