from urllib.parse import parse_qs

import httpx
import pytest

from podcast import websub
from tests.podcast.builders import make_episode

pytestmark = pytest.mark.django_db
HUBS = ["https://hub-one.example/", "https://hub-two.example/publish"]


class Hubs:
    """A MockTransport that records pings and answers with a status per hub."""

    def __init__(self, statuses: dict[str, int] | None = None):
        self.statuses = statuses or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.statuses.get(str(request.url), 204))

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def test_publish_posts_a_form_encoded_ping_to_every_hub():
    hubs = Hubs()
    accepted = websub.publish("https://testserver/show/feed/", HUBS, hubs.client())
    assert accepted == HUBS
    assert [str(r.url) for r in hubs.requests] == HUBS
    for request in hubs.requests:
        assert request.method == "POST"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert parse_qs(request.content.decode()) == {
            "hub.mode": ["publish"],
            "hub.url": ["https://testserver/show/feed/"],
        }


def test_a_failing_hub_is_named_and_the_others_still_get_pinged():
    hubs = Hubs({HUBS[0]: 500})
    with pytest.raises(websub.PingFailed, match=r"hub-one.example/: HTTP 500"):
        websub.publish("https://testserver/show/feed/", HUBS, hubs.client())
    assert len(hubs.requests) == 2


def test_publishing_an_episode_pings_the_configured_hubs_once(
    show, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PODCAST_WEBSUB_HUBS = HUBS[:1]
    hubs = Hubs()
    monkeypatch.setattr(websub, "make_client", hubs.client)
    with django_capture_on_commit_callbacks(execute=True):
        make_episode(show, "New one")
    assert len(hubs.requests) == 1
    assert parse_qs(hubs.requests[0].content.decode())["hub.url"] == ["http://testserver/show/feed/"]


def test_no_hubs_configured_means_no_ping(show, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.PODCAST_WEBSUB_HUBS = []
    hubs = Hubs()
    monkeypatch.setattr(websub, "make_client", hubs.client)
    with django_capture_on_commit_callbacks(execute=True):
        make_episode(show)
    assert hubs.requests == []
