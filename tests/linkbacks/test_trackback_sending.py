"""Sending trackbacks from "Send trackbacks to", and advertising each post's TrackBack URL."""

import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from discussion import publishing
from linkbacks import tasks
from linkbacks.models import OutgoingLinkback
from tests.builders import make_post
from tests.web import Route

pytestmark = pytest.mark.django_db
Status = OutgoingLinkback.Status
ACCEPTED = b'<?xml version="1.0" encoding="utf-8"?><response><error>0</error></response>'


def receiver(web, path, body=ACCEPTED, status=200, once=False):
    return web.raw(path, Route(status, body, [("Content-Type", "text/xml; charset=utf-8")], once=once))


@pytest.fixture
def publish(blog_index, django_capture_on_commit_callbacks):
    def publish(title="Tracking post", page=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            if page is None:
                return make_post(blog_index, title, body="<p>Some words about their posts.</p>", **fields)
            for name, value in fields.items():
                setattr(page, name, value)
            page.save_revision().publish()
            return page

    return publish


def test_each_url_in_send_trackbacks_to_gets_one_ping_with_the_specs_fields(web, publish):
    one, two = receiver(web, "/one/trackback/"), receiver(web, "/two/trackback/")
    post = publish(send_trackbacks_to=f"  {one}\n{two}   {one}\nnot-a-url")
    hits = [hit for hit in web.hits if hit.method == "POST"]
    assert [hit.path for hit in hits] == ["/one/trackback/", "/two/trackback/"]
    fields = parse_qs(hits[0].body.decode())
    assert fields == {
        "title": ["Tracking post"],
        "url": [post.full_url],
        "excerpt": ["Some words about their posts."],
        "blog_name": ["Test Blog"],
    }
    assert hits[0].headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    rows = OutgoingLinkback.objects.filter(page=post).order_by("target_url")
    assert [(row.target_url, row.kind, row.status) for row in rows] == [
        (one, "trackback", Status.SENT),
        (two, "trackback", Status.SENT),
    ]


def test_a_trackback_is_sent_once_even_when_the_post_changes(web, publish):
    target = receiver(web, "/one/trackback/")
    post = publish(send_trackbacks_to=target)
    publish(page=post, title="Tracking post, edited")
    assert len(web.hits_for("/one/trackback/", "POST")) == 1


def test_a_refusal_in_the_reply_is_recorded_as_failed_with_its_message(web, publish):
    refusal = b"<response><error>1</error><message>Sorry, trackbacks are closed.</message></response>"
    target = receiver(web, "/closed/trackback/", refusal)
    publish(send_trackbacks_to=target)
    row = OutgoingLinkback.objects.get(target_url=target)
    assert (row.status, row.answer) == (Status.FAILED, "Refused: Sorry, trackbacks are closed.")


def test_a_server_error_is_retried_and_the_retry_is_recorded(web, publish):
    target = receiver(web, "/busy/trackback/", b"busy", status=503, once=True)
    publish(send_trackbacks_to=target)
    row = OutgoingLinkback.objects.get(target_url=target)
    assert (row.status, row.attempts, row.answer) == (Status.RETRYING, 1, "HTTP 503")
    receiver(web, "/busy/trackback/")
    OutgoingLinkback.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert tasks.retry_due_linkbacks.call() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.kind) == (Status.SENT, 2, "trackback")
    assert len(web.hits_for("/busy/trackback/", "POST")) == 2


def test_a_quiet_publish_records_the_trackbacks_without_sending(web, blog_index, django_capture_on_commit_callbacks):
    target = receiver(web, "/old/trackback/")
    with publishing.quietly(), django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog_index, "Imported", send_trackbacks_to=target)
    assert web.hits == []
    row = OutgoingLinkback.objects.get(page=post)
    assert (row.kind, row.status) == ("trackback", Status.RECORDED)


def test_a_post_shows_its_trackback_url_and_the_rdf_block_wordpress_reads(client, post):
    html = client.get(post.url).content.decode()
    trackback_url = f"{post.full_url}trackback/"
    assert f"Trackback URL: <code>{trackback_url}</code>" in html
    comment = re.search(r"<!--\s*(<rdf:RDF.*?</rdf:RDF>)\s*-->", html, re.S)
    assert comment, "the RDF block sits inside an HTML comment"
    rdf = comment.group(1)
    assert f'rdf:about="{post.full_url}"' in rdf and f'trackback:ping="{trackback_url}"' in rdf
    assert 'xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/"' in rdf


def test_a_post_closed_to_linkbacks_advertises_no_trackback_url(client, blog_index):
    closed = make_post(blog_index, "Closed", accept_linkbacks=False)
    html = client.get(closed.url).content.decode()
    assert "Trackback URL" not in html and "trackback:ping" not in html


def test_the_advertised_url_takes_trackbacks(client, web, post):
    from discussion.models import Response
    from tests.linkbacks.conftest import linking_page

    html = client.get(post.url).content.decode()
    ping = re.search(r'trackback:ping="([^"]+)"', html).group(1)
    source = web.page("/alice/post", linking_page(post.full_url))
    body = f"url={source}&title=Hello&blog_name=Alice"
    answer = client.post(ping.removeprefix("http://testserver"), body, "application/x-www-form-urlencoded")
    assert b"<error>0</error>" in answer.content
    assert Response.objects.get(page=post).kind == "trackback"
