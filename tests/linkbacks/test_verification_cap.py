"""At most LINKBACK_CONCURRENT_VERIFICATIONS pingback / trackback sources are fetched at once across
every app process; past that the sender is told to try again later, in its protocol's terms, and
nothing is stored. The places live in the shared `limits` cache and free themselves when a process
holding one dies."""

import time
import xmlrpc.client
from contextlib import ExitStack

import pytest

from discussion import limits
from discussion.models import Response
from linkbacks import receiving
from tests.linkbacks.conftest import linking_page
from tests.linkbacks.test_trackback import reply, trackback

pytestmark = pytest.mark.django_db


def others_verifying(stack: ExitStack, count: int, seconds: int = 60) -> None:
    """`count` verifications in flight elsewhere: places held in the shared cache, as another process would."""
    for _ in range(count):
        assert stack.enter_context(limits.slot(receiving.VERIFYING_SLOTS, count, seconds))


def test_a_pingback_past_the_cap_hears_busy_and_nothing_is_stored(rpc, web, post, settings):
    settings.LINKBACK_CONCURRENT_VERIFICATIONS = 2
    source = web.page("/alice/post", linking_page(post.full_url))
    with ExitStack() as stack:
        others_verifying(stack, 2)
        with pytest.raises(xmlrpc.client.Fault) as caught:
            rpc.pingback.ping(source, post.full_url)
        assert caught.value.faultCode == 0
        assert "busy" in caught.value.faultString and "send it again" in caught.value.faultString
        assert web.hits_for("/alice/post") == [], "the source was not fetched"
        assert not Response.objects.exists()
    assert "registered" in rpc.pingback.ping(source, post.full_url), "a place is free again: the resend goes in"
    assert Response.objects.get().source_url == source


def test_a_trackback_past_the_cap_answers_error_1_with_http_200(client, web, post, settings):
    settings.LINKBACK_CONCURRENT_VERIFICATIONS = 1
    source = web.page("/bob/post", linking_page(post.full_url))
    with ExitStack() as stack:
        others_verifying(stack, 1)
        answer = trackback(client, post, url=source, title="Busy day")
        assert answer.status_code == 200
        assert reply(answer) == ("1", receiving.BUSY)
        assert not Response.objects.exists()
    assert reply(trackback(client, post, url=source, title="Busy day")) == ("0", "")


def test_each_verification_holds_a_place_only_while_it_fetches(rpc, web, post, settings):
    settings.LINKBACK_CONCURRENT_VERIFICATIONS = 1
    for n in range(3):  # one place is enough for senders one after another
        source = web.page(f"/carol/{n}", linking_page(post.full_url))
        assert "registered" in rpc.pingback.ping(source, post.full_url)
    assert Response.objects.count() == 3


def test_no_cap_when_set_to_zero(rpc, web, post, settings):
    settings.LINKBACK_CONCURRENT_VERIFICATIONS = 0
    source = web.page("/dave/post", linking_page(post.full_url))
    with ExitStack() as stack:
        others_verifying(stack, 4)
        assert "registered" in rpc.pingback.ping(source, post.full_url)


def test_a_place_held_by_a_killed_process_frees_itself():
    killed = limits.slot("test:places", 1, seconds=1)
    assert killed.__enter__(), "taken, and never given back: its process died"
    with limits.slot("test:places", 1, seconds=1) as free:
        assert not free
    deadline = time.monotonic() + 5
    while True:
        with limits.slot("test:places", 1, seconds=1) as free:
            if free:
                break
        assert time.monotonic() < deadline, "the dead holder's place never expired"
        time.sleep(0.1)
