"""The interop suite's two sides: one real WordPress for the session (`peer.WordPress`) and a real
Backchannel server it can reach (pytest-django's live server on 127.0.0.1, its Wagtail site and
SITE_URL at that address so pingback targets resolve). Skipped, with the reason, on a machine that
cannot run the peer; under CI=true that is a failure instead."""

import os

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser
from wagtail.models import Site

from blog.models import BlogIndexPage
from tests.builders import make_post, wagtail_root
from tests.interop.peer import WordPress, missing

# WordPress must reach our pages at the address they are published under: 127.0.0.1, not "localhost".
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture(scope="session")
def wordpress():
    reason = missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the interop suite, but {reason}.")
        pytest.skip(f"the interop suite against a real WordPress cannot run here: {reason}")
    peer = WordPress.start()
    yield peer
    peer.stop()


class Backchannel:
    """Our site on the live server: a blog index at its root, posts published as an editor would."""

    def __init__(self, url: str, index: BlogIndexPage):
        self.url = url
        self.index = index

    def post(self, title: str, body: str, **fields):
        return make_post(self.index, title, body=body, **fields)


@pytest.fixture
def backchannel(live_server, settings):
    """Linkbacks shown once verified (no Akismet key on this site, and its owner chose not to hold them)."""
    assert live_server.url.startswith("http://127.0.0.1:"), live_server.url
    host, port = live_server.url.removeprefix("http://").split(":")
    settings.SITE_URL = live_server.url
    settings.DISCUSSION_HOLD_WITHOUT_AKISMET = False
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    index = wagtail_root().add_child(instance=BlogIndexPage(title="Backchannel Blog", slug="backchannel-blog"))
    Site.objects.all().delete()
    Site.objects.create(hostname=host, port=int(port), root_page=index, is_default_site=True, site_name=index.title)
    return Backchannel(live_server.url, index)


def responses_on(url: str, kind: str) -> list:
    """The responses of ``kind`` a reader sees on our page."""
    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200
    return LexborHTMLParser(answer.text).css(f"li.response-{kind}")
