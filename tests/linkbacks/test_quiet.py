"""Publishing quietly (imports, demo content) tells nobody, and records the links as already told."""

import pytest

from discussion import publishing
from linkbacks.models import OutgoingLinkback
from tests.builders import make_post
from tests.web import Route

pytestmark = pytest.mark.django_db
Status = OutgoingLinkback.Status


def webmention_target(web, path):
    web.raw("/webmention", Route(202, b"Accepted", [("Content-Type", "text/plain")]))
    return web.page(path, "<html><p>Their post</p></html>", headers=[("Link", '</webmention>; rel="webmention"')])


def test_a_quiet_publish_sends_nothing_and_records_each_link(web, blog_index, django_capture_on_commit_callbacks):
    target = webmention_target(web, "/old/post")
    with publishing.quietly(), django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog_index, "Imported", body=f'<p>Years ago I linked <a href="{target}">this</a>.</p>')
    assert web.hits == []
    row = OutgoingLinkback.objects.get(page=post)
    assert (row.target_url, row.status, row.sent_at) == (target, Status.RECORDED, None)


def test_a_later_edit_tells_only_the_links_that_are_new(web, blog_index, django_capture_on_commit_callbacks):
    old = webmention_target(web, "/old/post")
    new = webmention_target(web, "/new/post")
    with publishing.quietly(), django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog_index, "Imported", body=f'<p>Years ago: <a href="{old}">this</a>.</p>')
    with django_capture_on_commit_callbacks(execute=True):
        post.body = [("paragraph", f'<p>Years ago: <a href="{old}">this</a>. Today: <a href="{new}">that</a>.</p>')]
        post.save_revision().publish()
    sent = [hit.body.decode() for hit in web.hits_for("/webmention", "POST")]
    assert len(sent) == 1 and "new%2Fpost" in sent[0]
    assert OutgoingLinkback.objects.get(target_url=old).status == Status.RECORDED
    assert OutgoingLinkback.objects.get(target_url=new).status == Status.SENT


def test_unpublishing_quietly_tells_nobody(web, blog_index, django_capture_on_commit_callbacks):
    target = webmention_target(web, "/their/post")
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(blog_index, "Linking", body=f'<p><a href="{target}">this</a></p>')
    assert len(web.hits_for("/webmention", "POST")) == 1
    with publishing.quietly(), django_capture_on_commit_callbacks(execute=True):
        post.unpublish()
    assert len(web.hits_for("/webmention", "POST")) == 1
    assert OutgoingLinkback.objects.get().source_gone is False


def test_the_quiet_block_ends_with_the_with_statement(blog_index):
    with publishing.quietly():
        assert publishing.is_quiet()
    assert not publishing.is_quiet()
