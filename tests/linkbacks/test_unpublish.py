"""Unpublishing or deleting a post tells its webmention targets again, and its address then answers 410."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from linkbacks.models import OutgoingLinkback
from tests.builders import make_post
from tests.web import Route

pytestmark = pytest.mark.django_db
Status = OutgoingLinkback.Status
GONE = "linkbacks.middleware.GoneMiddleware"


@pytest.fixture(autouse=True)
def gone_middleware(settings):
    """As the integrator wires it: just before Wagtail's RedirectMiddleware."""
    middleware = [name for name in settings.MIDDLEWARE if name != GONE]
    middleware.insert(middleware.index("wagtail.contrib.redirects.middleware.RedirectMiddleware"), GONE)
    settings.MIDDLEWARE = middleware


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def linking_post(web, blog_index, on_commit):
    web.raw("/their/webmention", Route(202, b"Accepted", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>Theirs</p>", headers=[("Link", "</their/webmention>; rel=webmention")])
    with on_commit():
        post = make_post(blog_index, "Linking post", body=f'<p>I liked <a href="{target}">their post</a>.</p>')
    assert len(web.hits_for("/their/webmention", "POST")) == 1
    return post


def sent(web) -> list[dict]:
    return [parse_qs(hit.body.decode()) for hit in web.hits_for("/their/webmention", "POST")]


def test_unpublishing_resends_the_webmention_and_the_page_answers_410(client, web, linking_post, on_commit):
    url = linking_post.full_url
    with on_commit():
        linking_post.unpublish()
    assert sent(web)[1] == {"source": [url], "target": [web.url("/their/post")]}
    row = OutgoingLinkback.objects.get()
    assert row.source_gone and row.status == Status.SENT and row.source_url == url
    response = client.get(linking_post.url)
    assert response.status_code == 410 and b"This page was removed" in response.content


def test_deleting_resends_and_keeps_the_record_for_the_410(client, admin_client, web, linking_post, on_commit):
    url, path = linking_post.full_url, linking_post.url
    with on_commit():
        linking_post.delete()
    assert len(sent(web)) == 2 and sent(web)[1]["source"] == [url]
    row = OutgoingLinkback.objects.get()
    assert row.page is None and row.source_gone and row.status == Status.SENT
    assert client.get(path).status_code == 410
    listing = admin_client.get(reverse("outgoing_linkbacks:index"))
    assert listing.status_code == 200 and url in listing.content.decode()


def test_unpublished_page_that_is_published_again_tells_the_targets_again(client, web, linking_post, on_commit):
    with on_commit():
        linking_post.unpublish()
    with on_commit():
        linking_post.save_revision().publish()
    assert len(sent(web)) == 3
    assert not OutgoingLinkback.objects.get().source_gone
    assert client.get(linking_post.url).status_code == 200


def test_pingback_only_targets_and_unsent_links_are_not_told(web, blog_index, on_commit):
    web.raw("/xmlrpc", Route(200, b"", [("Content-Type", "text/xml")]))
    target = web.page("/pb", "<p>x</p>", headers=[("X-Pingback", web.url("/xmlrpc"))])
    web.raw("/busy/webmention", Route(503, b"busy", [("Content-Type", "text/plain")]))
    busy = web.page("/busy", "<p>x</p>", headers=[("Link", "</busy/webmention>; rel=webmention")])
    with on_commit():
        post = make_post(blog_index, "P", body=f'<p><a href="{target}">a</a> <a href="{busy}">b</a></p>')
    calls = len(web.hits)
    with on_commit():
        post.unpublish()
    assert len(web.hits) == calls
    unsent = OutgoingLinkback.objects.get(target_url=busy)
    assert unsent.status == Status.FAILED and "unpublished first" in unsent.answer
    assert OutgoingLinkback.objects.get(target_url=target).source_gone


def test_a_404_elsewhere_stays_404_and_a_live_page_is_untouched(client, linking_post):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get(linking_post.url).status_code == 200


def test_a_pending_update_is_replaced_by_the_gone_notice(web, linking_post, on_commit):
    """A target that accepted the first webmention is told once more even while an update is failing."""
    web.raw("/their/webmention", Route(503, b"busy", [("Content-Type", "text/plain")]))
    with on_commit():
        linking_post.body = [("paragraph", f'<p>Edited: <a href="{web.url("/their/post")}">theirs</a>.</p>')]
        linking_post.save_revision().publish()
    assert OutgoingLinkback.objects.get().status == Status.RETRYING
    web.raw("/their/webmention", Route(202, b"Accepted", [("Content-Type", "text/plain")]))
    with on_commit():
        linking_post.unpublish()
    row = OutgoingLinkback.objects.get()
    assert row.status == Status.SENT and row.source_gone and len(sent(web)) == 3


def test_retry_of_a_page_deleted_without_notice_fails_cleanly(web, post):
    """Deleted while sending was paused (an import): a due retry records why, instead of crashing the worker."""
    from linkbacks import tasks

    row = OutgoingLinkback.objects.create(page=post, target_url=web.url("/x"), content_hash="x", status=Status.RETRYING)
    OutgoingLinkback.objects.filter(pk=row.pk).update(page=None)
    assert tasks.send_linkback.call(row.pk) == Status.FAILED
    row.refresh_from_db()
    assert row.answer == "Not sent: the page was deleted." and web.hits == []


def test_a_redirect_set_for_the_old_address_wins_over_410(client, linking_post, on_commit):
    from wagtail.contrib.redirects.models import Redirect

    with on_commit():
        linking_post.unpublish()
    Redirect.objects.create(old_path=Redirect.normalise_path(linking_post.url), redirect_link="https://example.org/new")
    assert client.get(linking_post.url).status_code == 301
