"""Publishing a post with links queues the pings: the editor's request never waits for them."""

import pytest
from django_tasks_db.models import DBTaskResult

from linkbacks import tasks
from linkbacks.models import OutgoingLinkback
from tests.builders import make_post
from tests.web import Route

pytestmark = pytest.mark.django_db


def test_publish_queues_the_pings_and_the_worker_sends_them(web, blog_index, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    web.raw("/their/webmention", Route(202, b"Accepted", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>Theirs</p>", headers=[("Link", '</their/webmention>; rel="webmention"')])
    post = make_post(blog_index, "Linking post", body=f'<p>See <a href="{target}">their post</a>.</p>')
    assert web.hits == [], "publish() contacted nobody"
    [queued] = DBTaskResult.objects.filter(task_path="linkbacks.tasks.send_page_linkbacks")
    assert queued.args_kwargs["args"] == [post.pk]

    tasks.send_page_linkbacks.call(post.pk)  # the worker's turn (it queues one send per link)
    [send] = DBTaskResult.objects.filter(task_path="linkbacks.tasks.send_linkback")
    tasks.send_linkback.call(*send.args_kwargs["args"])
    assert len(web.hits_for("/their/webmention", "POST")) == 1
    assert OutgoingLinkback.objects.get(page=post).status == OutgoingLinkback.Status.SENT
