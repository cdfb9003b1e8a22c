"""Comment intake: stored first with its Akismet task (outbox), Akismet bounded per whole call.

A local HTTP server plays Akismet: one that answers at once, and one that trickles a byte every
0.2 s, which no per-read timeout ever stops.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import akismet
import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from discussion import akismet as discussion_akismet
from discussion import moderation, tasks
from discussion.models import Response
from tests.discussion.conftest import post_comment

pytestmark = pytest.mark.django_db
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FakeAkismet(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        server.requests.append(self.path)
        if server.mode == "trickle":
            reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nfalse"
            try:
                for byte in reply:
                    if server.stop.wait(0.2):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                server.finished.set()
            except OSError:  # the client hung up, as it should
                return
            return
        body = b"true" if server.mode == "spam" else b"false"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_akismet(settings, monkeypatch):
    """The real akismet.SyncClient over real sockets to a server on 127.0.0.1; `.mode` picks its behaviour."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAkismet)
    server.daemon_threads = True
    server.mode, server.requests = "ham", []
    server.stop, server.finished = threading.Event(), threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.AKISMET_API_URL = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(discussion_akismet, "client_class", akismet.SyncClient)
    monkeypatch.setattr(discussion_akismet, "transport", None)
    yield server
    server.stop.set()
    server.shutdown()
    server.server_close()


def ours():
    """The discussion's rows in the task table (Wagtail queues its reference-index updates there too)."""
    return DBTaskResult.objects.filter(task_path__startswith="discussion.")


def payload() -> dict:
    return {"user_ip": "198.51.100.1", "comment_content": "hello", "comment_type": "comment"}


def test_the_fake_answers_through_the_real_client(fake_akismet):
    assert discussion_akismet.check(payload())[0] == "ham"
    fake_akismet.mode = "spam"
    assert discussion_akismet.check(payload())[0] == "spam"
    assert fake_akismet.requests == ["/1.1/comment-check", "/1.1/comment-check"]


def test_akismet_timeout_bounds_the_whole_call_not_each_read(fake_akismet, settings):
    settings.AKISMET_TIMEOUT = 0.8  # each byte comes within 0.2 s, so a per-read timeout would never fire
    fake_akismet.mode = "trickle"
    verdict, note = discussion_akismet.check(payload())
    assert verdict == "error" and "timed out" in note
    assert not fake_akismet.finished.is_set(), "the call gave up before the trickling answer was complete"


def test_a_comment_is_stored_with_its_check_queued_when_akismet_is_slow(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    fake_akismet.mode = "trickle"
    reply = post_comment(client, post, content="Slow but safe")
    assert reply.status_code == 303
    response = Response.objects.get()
    assert response.status == "pending" and response.akismet_result == ""
    assert [e.action for e in response.history.all()] == ["status-pending"], "nothing recorded as an error"
    [queued] = ours()
    assert queued.task_path == "discussion.tasks.check_response" and queued.args_kwargs["args"] == [response.pk]
    assert "Slow but safe" in client.get(post.url).content.decode(), "the author sees it at once, held for them"
    assert "Slow but safe" not in client.__class__().get(post.url).content.decode()

    fake_akismet.mode = "ham"  # Akismet recovers; the worker runs the queued task
    assert tasks.check_response.call(*queued.args_kwargs["args"]) == "approved"
    response.refresh_from_db()
    assert response.status == "approved" and response.akismet_result == "ham"
    assert "Slow but safe" in client.__class__().get(post.url).content.decode(), "now everyone sees it"


def test_an_answer_within_the_budget_is_applied_in_the_request(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 2.0
    fake_akismet.mode = "spam"
    post_comment(client, post)
    response = Response.objects.get()
    assert response.status == "spam"
    assert [e.action for e in response.history.all()] == ["status-pending", "check-spam", "status-spam"]
    [queued] = ours()
    assert tasks.check_response.call(*queued.args_kwargs["args"]) == "nothing to do", "the worker finds it judged"
    assert fake_akismet.requests == ["/1.1/comment-check"]


def test_a_zero_budget_leaves_every_check_to_the_worker(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 0
    post_comment(client, post)
    assert Response.objects.get().status == "pending"
    assert fake_akismet.requests == []


def test_the_task_rolls_back_with_the_response(post, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 0
    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.submit(
            Response(page=post, author_name="A", author_email="a@example.com", content="gone"),
            request_context=moderation.RequestContext(ip="198.51.100.2"),
        )
        assert ours().count() == 1
        raise RuntimeError("the surrounding work failed")
    assert not Response.objects.exists() and not ours().exists()


def test_a_moderators_comment_queues_its_email_in_the_same_transaction(client, post, admin_user, settings):
    settings.TASKS = DB_QUEUE
    client.force_login(admin_user)
    post_comment(client, post)
    response = Response.objects.get()
    assert response.status == "approved"
    [queued] = ours()
    assert queued.task_path == "discussion.tasks.notify_new_response"
    assert queued.args_kwargs["args"] == [response.pk, admin_user.pk]


def test_a_verdict_is_applied_once_when_request_and_worker_both_ask(post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 0
    response = moderation.submit(
        Response(page=post, author_name="A", author_email="a@example.com", content="once"),
        request_context=moderation.RequestContext(ip="198.51.100.3"),
    )
    assert tasks.judge(response.pk, seconds=2, in_request=True) == "approved"
    assert tasks.check_response.call(response.pk) == "nothing to do"
    assert list(response.history.values_list("action", flat=True)) == ["status-pending", "check-ham", "status-approved"]
