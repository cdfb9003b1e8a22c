"""WebSub publish pings, sent through safefetch to hubs on a local web server."""

from urllib.parse import parse_qs

import pytest

from podcast import websub
from tests.podcast.builders import make_episode

pytestmark = pytest.mark.django_db
FEED = "https://testserver/show/feed/"


@pytest.fixture
def hubs(web):
    """Two hubs that accept pings (204), as URLs on the local web."""
    return [web.page("/hub-one/", "", status=204), web.page("/hub-two/publish", "", status=202)]


def test_publish_posts_a_form_encoded_ping_to_every_hub(web, hubs):
    assert websub.publish(FEED, hubs) == hubs
    assert [(hit.method, hit.path) for hit in web.hits] == [("POST", "/hub-one/"), ("POST", "/hub-two/publish")]
    for hit in web.hits:
        assert hit.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert hit.headers["User-Agent"].startswith("Backchannel-WebSub/1.0 (notifying a WebSub hub")
        assert parse_qs(hit.body.decode()) == {"hub.mode": ["publish"], "hub.url": [FEED]}


def test_a_failing_hub_is_named_and_the_others_still_get_pinged(web, hubs):
    web.page("/hub-one/", "oops", status=500)
    with pytest.raises(websub.PingFailed, match=r"hub-one/: HTTP 500"):
        websub.publish(FEED, hubs)
    assert len(web.hits) == 2


def test_a_hub_on_a_private_address_is_not_pinged(settings):
    settings.SAFEFETCH_ALLOWED_NETWORKS = []
    with pytest.raises(websub.PingFailed, match="not a public internet address"):
        websub.publish(FEED, ["http://10.0.0.7/hub"])


def test_publishing_an_episode_pings_the_configured_hubs_once(
    show, settings, web, hubs, django_capture_on_commit_callbacks
):
    settings.PODCAST_WEBSUB_HUBS = hubs[:1]
    with django_capture_on_commit_callbacks(execute=True):
        make_episode(show, "New one")
    assert len(web.hits) == 1
    assert parse_qs(web.hits[0].body.decode())["hub.url"] == ["http://testserver/show/feed/"]


def test_no_hubs_configured_means_no_ping(show, settings, web, hubs, django_capture_on_commit_callbacks):
    settings.PODCAST_WEBSUB_HUBS = []
    with django_capture_on_commit_callbacks(execute=True):
        make_episode(show)
    assert web.hits == []


def test_publishing_quietly_pings_no_hub(show, settings, web, hubs, django_capture_on_commit_callbacks):
    from discussion import publishing

    settings.PODCAST_WEBSUB_HUBS = hubs
    with publishing.quietly(), django_capture_on_commit_callbacks(execute=True):
        make_episode(show, "Imported")
    assert web.hits == []
