"""Outgoing linkbacks on publish: discovery, one send per link, no re-send without a change, local pages."""

import xmlrpc.client
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from discussion.models import Response
from linkbacks import sending, tasks
from linkbacks.models import OutgoingLinkback
from tests.builders import make_post
from tests.web import Route

pytestmark = pytest.mark.django_db
Status = OutgoingLinkback.Status


@pytest.fixture
def publish(blog_index, django_capture_on_commit_callbacks):
    def publish(title="Linking post", body="", page=None):
        with django_capture_on_commit_callbacks(execute=True):
            if page is None:
                return make_post(blog_index, title, body=body)
            page.body = [("paragraph", body)]
            page.save_revision().publish()
            return page

    return publish


def webmention_target(web, path="/their/post"):
    web.raw("/their/webmention", Route(202, b"Accepted", [("Content-Type", "text/plain")]))
    return web.page(path, "<html><p>Their post</p></html>", headers=[("Link", '</their/webmention>; rel="webmention"')])


def test_publishing_a_post_sends_one_webmention_per_link(web, publish):
    target = webmention_target(web)
    post = publish(body=f'<p>I liked <a href="{target}">their post</a> and <a href="{target}#again">again</a>.</p>')
    hits = web.hits_for("/their/webmention", "POST")
    assert len(hits) == 1
    assert parse_qs(hits[0].body.decode()) == {"source": [post.full_url], "target": [target]}
    row = OutgoingLinkback.objects.get(page=post)
    assert (row.status, row.kind, row.endpoint) == (Status.SENT, "webmention", web.url("/their/webmention"))
    assert row.answer == "HTTP 202: Accepted" and row.sent_at is not None


def test_republishing_without_changes_sends_nothing_and_a_change_sends_again(web, publish):
    target = webmention_target(web)
    body = f'<p>I liked <a href="{target}">their post</a>.</p>'
    post = publish(body=body)
    publish(page=post, body=body)
    assert len(web.hits_for("/their/webmention", "POST")) == 1
    publish(page=post, body=body + "<p>An update.</p>")
    assert len(web.hits_for("/their/webmention", "POST")) == 2


def test_removed_link_is_sent_once_more_so_the_target_can_delete_it(web, publish):
    target = webmention_target(web)
    post = publish(body=f'<p>I liked <a href="{target}">their post</a>.</p>')
    publish(page=post, body="<p>Never mind.</p>")
    publish(page=post, body="<p>Never mind at all.</p>")
    assert len(web.hits_for("/their/webmention", "POST")) == 2
    assert OutgoingLinkback.objects.get().still_linked is False


def test_pingback_is_sent_through_xml_rpc_when_only_pingback_is_offered(web, publish):
    answer = xmlrpc.client.dumps(("Pingback registered.",), methodresponse=True).encode()
    web.raw("/xmlrpc.php", Route(200, answer, [("Content-Type", "text/xml")]))
    target = web.page(
        "/wp/post", "<html><head></head><p>WordPress</p></html>", headers=[("X-Pingback", web.url("/xmlrpc.php"))]
    )
    post = publish(body=f'<p>See <a href="{target}">this</a>.</p>')
    (hit,) = web.hits_for("/xmlrpc.php", "POST")
    assert xmlrpc.client.loads(hit.body) == ((post.full_url, target), "pingback.ping")
    row = OutgoingLinkback.objects.get()
    assert (row.status, row.kind, row.answer) == (Status.SENT, "pingback", "Pingback registered.")


def test_pingback_fault_48_counts_as_sent_and_other_faults_fail(web, publish):
    already = xmlrpc.client.dumps(xmlrpc.client.Fault(48, "Already registered"), methodresponse=True).encode()
    refused = xmlrpc.client.dumps(xmlrpc.client.Fault(17, "No link"), methodresponse=True).encode()
    web.raw("/a.php", Route(200, already, [("Content-Type", "text/xml")]))
    web.raw("/b.php", Route(200, refused, [("Content-Type", "text/xml")]))
    one = web.page("/one", '<link rel="pingback" href="/a.php">')
    two = web.page("/two", '<link rel="pingback" href="/b.php">')
    publish(body=f'<p><a href="{one}">one</a> <a href="{two}">two</a></p>')
    rows = {row.target_url: row for row in OutgoingLinkback.objects.all()}
    assert rows[one].status == Status.SENT and rows[one].answer.startswith("Fault 48")
    assert rows[two].status == Status.FAILED and rows[two].answer == "Fault 17: No link"


def test_link_to_our_own_post_is_registered_locally_without_http(web, blog_index, publish):
    other = make_post(blog_index, "Other post")
    post = publish(body=f'<p>As I wrote in <a href="{other.full_url}">my other post</a>, hello.</p>')
    stored = Response.objects.get(page=other)
    assert (stored.kind, stored.source_url, stored.author_name) == ("pingback", post.full_url, "Linking post")
    assert stored.content == "[…] As I wrote in my other post, hello. […]"
    assert OutgoingLinkback.objects.get().status == Status.LOCAL
    publish(page=post, body=f'<p>As I wrote in <a href="{other.full_url}">my other post</a>, hello!</p>')
    assert Response.objects.filter(page=other).count() == 1
    assert web.hits == []


def test_target_without_endpoint_is_recorded(web, publish):
    target = web.page("/plain", "<html><p>No endpoints</p></html>")
    publish(body=f'<p><a href="{target}">plain</a></p>')
    row = OutgoingLinkback.objects.get()
    assert row.status == Status.NO_ENDPOINT and "advertises no webmention or pingback" in row.answer


def test_failing_endpoint_is_retried_later(web, publish):
    web.raw("/their/webmention", Route(503, b"busy", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>x</p>", headers=[("Link", "</their/webmention>; rel=webmention")])
    publish(body=f'<p><a href="{target}">x</a></p>')
    row = OutgoingLinkback.objects.get()
    assert row.status == Status.RETRYING and row.next_attempt_at is not None
    web.raw("/their/webmention", Route(202, b"ok", [("Content-Type", "text/plain")]))
    OutgoingLinkback.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    tasks.retry_due_linkbacks.enqueue()
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2


def test_private_target_is_never_contacted(publish):
    publish(body='<p><a href="http://10.0.0.1/admin">internal</a></p>')
    row = OutgoingLinkback.objects.get()
    assert row.status == Status.FAILED and "not a public internet address" in row.answer


def test_links_in_skips_self_home_pages_fragments_and_other_schemes():
    html = (
        '<a href="/post/#top">self</a><a href="https://a.test/">home</a><a href="https://a.test/p#x">p</a>'
        '<a href="https://a.test/p">again</a><a href="mailto:x@y.z">mail</a><a href="/other/">rel</a>'
        '<a href="https://a.test/?q=1">query</a>'
    )
    assert sending.links_in(html, "https://blog.test/post/") == [
        "https://a.test/p",
        "https://blog.test/other/",
        "https://a.test/?q=1",
    ]


def test_retry_command_sends_what_is_due(web, publish):
    from io import StringIO

    from django.core.management import call_command

    web.raw("/their/webmention", Route(500, b"down", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>x</p>", headers=[("Link", "</their/webmention>; rel=webmention")])
    publish(body=f'<p><a href="{target}">x</a></p>')
    web.raw("/their/webmention", Route(202, b"ok", [("Content-Type", "text/plain")]))
    OutgoingLinkback.objects.update(next_attempt_at=timezone.now())
    out = StringIO()
    call_command("retry_linkbacks", stdout=out)
    assert out.getvalue().strip() == "Retried 1 linkback(s)."
    assert OutgoingLinkback.objects.get().status == Status.SENT


def test_database_backend_schedules_the_retry_with_run_after(web, post, settings):
    """With django_tasks_db (production), a failed send is re-enqueued to run at next_attempt_at; no cron needed."""
    from django_tasks_db.models import DBTaskResult

    web.raw("/their/webmention", Route(503, b"busy", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>x</p>", headers=[("Link", "</their/webmention>; rel=webmention")])
    row = OutgoingLinkback.objects.create(page=post, target_url=target, content_hash="x")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    before = timezone.now()
    assert tasks.send_linkback.call(row.pk) == Status.RETRYING
    row.refresh_from_db()
    queued = DBTaskResult.objects.get(task_path="linkbacks.tasks.send_linkback")
    assert queued.args_kwargs == {"args": [row.pk], "kwargs": {}}
    assert queued.run_after == row.next_attempt_at >= before + tasks.FIRST_RETRY
    assert queued.status == "READY"


def test_backend_without_defer_leaves_the_retry_to_cron(web, post, settings, monkeypatch):
    web.raw("/their/webmention", Route(503, b"busy", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>x</p>", headers=[("Link", "</their/webmention>; rel=webmention")])
    row = OutgoingLinkback.objects.create(page=post, target_url=target, content_hash="x")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = tasks.send_linkback.get_backend()
    monkeypatch.setattr(backend, "supports_defer", False)
    tasks.send_linkback.call(row.pk)
    row.refresh_from_db()
    assert row.status == Status.RETRYING and row.next_attempt_at is not None
    assert [result for result in backend.results if result.task.name == "send_linkback"] == []
    assert tasks.retry_due_linkbacks.call() == 0  # not due yet


def test_publishing_an_episode_sends_for_the_links_in_its_show_notes(
    web, blog_index, django_capture_on_commit_callbacks
):
    from tests.podcast.builders import make_episode, make_show

    target = webmention_target(web)
    with django_capture_on_commit_callbacks(execute=True):
        show = make_show(blog_index)
        episode = make_episode(show, "Ep 1", body=[("paragraph", f'<p>We discussed <a href="{target}">this</a>.</p>')])
    hits = web.hits_for("/their/webmention", "POST")
    assert [parse_qs(hit.body.decode()) for hit in hits] == [{"source": [episode.full_url], "target": [target]}]
    assert OutgoingLinkback.objects.get(page=episode).status == Status.SENT


def test_a_duplicate_retry_before_it_is_due_sends_nothing(web, publish):
    """Deferred task and cron may both enqueue a retry; the early one must not shorten the back-off."""
    web.raw("/their/webmention", Route(503, b"busy", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>x</p>", headers=[("Link", "</their/webmention>; rel=webmention")])
    publish(body=f'<p><a href="{target}">x</a></p>')
    row = OutgoingLinkback.objects.get()
    assert row.status == Status.RETRYING and row.attempts == 1
    assert tasks.send_linkback.call(row.pk) == "not due yet"
    row.refresh_from_db()
    assert row.attempts == 1 and len(web.hits_for("/their/webmention", "POST")) == 1
