"""Emails go through the queue: sent by the worker over real SMTP on loopback, retried with back-off
when the server refuses or hangs, and listed as failed in the admin when it never comes back."""

import socket
import socketserver
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from discussion import tasks
from discussion.models import Notification, Response
from tests.builders import make_author, make_post
from tests.discussion.conftest import make_response, post_comment

pytestmark = pytest.mark.django_db


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: greet, accept one or more messages, keep them."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.server.connections += 1
        if self.server.mode == "hang":
            self.server.release.wait(30)  # accepts, then never says a word
            return
        self.reply("220 localhost ESMTP test")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 localhost")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += self.rfile.readline()
                self.server.messages.append(data.decode())
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


@pytest.fixture
def smtp(settings):
    """A mail server on 127.0.0.1 (`.mode` "ok" or "hang"); settings point Django's SMTP backend at it."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.mode, server.messages, server.connections, server.release = "ok", [], 0, threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_TIMEOUT = 0.5
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def refusing_port(settings):
    """A loopback port with nobody listening: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 0.5
    return port


@pytest.fixture
def writer_post(blog_index):
    return make_post(blog_index, "Written", authors=[make_author("Wanda Writer", email="wanda@example.com")])


def make_due(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_an_email_is_sent_over_smtp_by_the_task(client, writer_post, smtp):
    post_comment(client, writer_post, content="Lovely words")
    [notification] = Notification.objects.all()
    assert notification.status == "sent" and notification.to == "wanda@example.com" and notification.attempts == 1
    [message] = smtp.messages
    assert "Lovely words" in message and "wanda@example.com" in message


def test_the_comment_post_never_talks_to_the_mail_server(client, writer_post, smtp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AKISMET_REQUEST_BUDGET = 2.0  # Akismet (the test client) answers ham within the request
    smtp.mode = "hang"
    assert post_comment(client, writer_post).status_code == 303
    assert Response.objects.get().status == "approved"
    [queued] = DBTaskResult.objects.filter(task_path="discussion.tasks.notify_new_response")
    tasks.notify_new_response.call(*queued.args_kwargs["args"])  # the worker builds the email…
    [notification] = Notification.objects.all()
    assert notification.status == "queued" and smtp.connections == 0
    [send] = DBTaskResult.objects.filter(task_path="discussion.tasks.send_notification")
    assert send.args_kwargs["args"] == [notification.pk], "…and queues its sending with it"


def test_a_hung_mail_server_times_out_and_the_email_waits_to_retry(client, writer_post, smtp):
    smtp.mode = "hang"
    before = timezone.now()
    post_comment(client, writer_post)
    [notification] = Notification.objects.all()
    assert notification.status == "retrying" and notification.attempts == 1
    assert "timed out" in notification.last_error
    assert timedelta(seconds=55) < notification.next_attempt_at - before < timedelta(seconds=65)
    assert tasks.send_notification.call(notification.pk) == "nothing to do", "not due yet"

    smtp.mode = "ok"
    make_due(notification)
    assert tasks.send_due_notifications.call() == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 2 and notification.last_error == ""
    assert len(smtp.messages) == 1


def test_a_refused_email_backs_off_then_fails_and_shows_in_the_admin(client, writer_post, refusing_port, admin_client):
    post_comment(client, writer_post)
    [notification] = Notification.objects.all()
    waits = []
    while notification.status == "retrying":
        waits.append(round((notification.next_attempt_at - timezone.now()).total_seconds() / 60))
        make_due(notification)
        tasks.send_notification.call(notification.pk)
        notification.refresh_from_db()
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert notification.status == "failed" and notification.attempts == 8
    assert "ConnectionRefusedError" in notification.last_error
    history = Response.objects.get().history.get(action="email-failed").note
    assert "wanda@example.com" in history and "8 attempt(s)" in history

    listing = admin_client.get("/admin/snippets/discussion/notification/?status=failed").content.decode()
    assert "New comment on “Written”" in listing and "Failed" in listing and "ConnectionRefusedError" in listing
    assert "Emails (1 failed)" in admin_client.get("/admin/").content.decode()
    inspect = admin_client.get(f"/admin/snippets/discussion/notification/inspect/{notification.pk}/")
    assert inspect.status_code == 200 and "wanda@example.com" in inspect.content.decode()


def test_a_send_whose_worker_died_is_sent_again_by_the_sweep(writer_post, smtp):
    response = make_response(writer_post)
    stuck = Notification.objects.create(
        response=response, purpose="authors", to="wanda@example.com", subject="Stuck", body="b", status="sending"
    )
    assert tasks.send_due_notifications.call() == 0, "a send in progress is left alone"
    Notification.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert tasks.send_due_notifications.call() == 1
    stuck.refresh_from_db()
    assert stuck.status == "sent" and len(smtp.messages) == 1


def test_emails_are_listed_for_moderators_only(client, writer_post, django_user_model):
    Notification.objects.create(purpose="authors", to="wanda@example.com", subject="Private", body="b")
    editor = django_user_model.objects.create_user("editor", "editor@example.com", "pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    reply = client.get("/admin/snippets/discussion/notification/")
    assert reply.status_code in (302, 403) and "Private" not in reply.content.decode()
