"""Emails go through the queue: sent by the worker over real SMTP on loopback, retried with back-off
when the server refuses or hangs, and listed as failed in the admin when it never comes back."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from discussion import tasks
from discussion.models import Notification, Response
from tests.builders import make_author, make_post
from tests.discussion.conftest import make_response, post_comment
from tests.fakes import FakeSMTP

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """The shared fake mail server on 127.0.0.1 (`set("ok" | "hang" | "refuse")`); Django's SMTP backend uses it."""
    server = FakeSMTP()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 0.5
    yield server
    server.stop()


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
    assert b"Lovely words" in message and b"wanda@example.com" in message


def test_the_comment_post_never_talks_to_the_mail_server(client, writer_post, smtp, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AKISMET_REQUEST_BUDGET = 2.0  # Akismet (the test client) answers ham within the request
    smtp.set("hang")
    assert post_comment(client, writer_post).status_code == 303
    assert Response.objects.get().status == "approved"
    [queued] = DBTaskResult.objects.filter(task_path="discussion.tasks.notify_new_response")
    tasks.notify_new_response.call(*queued.args_kwargs["args"])  # the worker builds the email…
    [notification] = Notification.objects.all()
    assert notification.status == "queued" and notification.attempts == 0, "nobody tried to send it yet"
    [send] = DBTaskResult.objects.filter(task_path="discussion.tasks.send_notification")
    assert send.args_kwargs["args"] == [notification.pk], "…and queues its sending with it"


def test_a_hung_mail_server_times_out_and_the_email_waits_to_retry(client, writer_post, smtp):
    smtp.set("hang")
    before = timezone.now()
    post_comment(client, writer_post)
    [notification] = Notification.objects.all()
    assert notification.status == "retrying" and notification.attempts == 1
    assert "timed out" in notification.last_error
    assert timedelta(seconds=55) < notification.next_attempt_at - before < timedelta(seconds=65)
    assert tasks.send_notification.call(notification.pk) == "nothing to do", "not due yet"

    smtp.set("ok")
    make_due(notification)
    assert tasks.send_due_notifications.call() == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 2 and notification.last_error == ""
    assert len(smtp.messages) == 1


def test_a_refused_email_backs_off_then_fails_and_shows_in_the_admin(client, writer_post, smtp, admin_client):
    smtp.set("refuse")
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


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def failed_email(to: str, subject: str = "New comment on “Written”") -> Notification:
    return Notification.objects.create(
        purpose="authors",
        to=to,
        subject=subject,
        body="Lovely words",
        status="failed",
        attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )


FAILED_LISTING = "/admin/snippets/discussion/notification/?status=failed"


def send_again_url(notification: Notification) -> str:
    return reverse("wagtailsnippets_discussion_notification:send_again", args=[notification.pk])


def test_a_moderator_sends_a_failed_email_again_from_its_row(admin_client, smtp, db_queue):
    failed = failed_email("wanda@example.com")
    sent = Notification.objects.create(purpose="authors", to="sam@example.com", subject="Fine", body="b", status="sent")
    listing = admin_client.get("/admin/snippets/discussion/notification/").content.decode()
    assert send_again_url(failed) in listing and send_again_url(sent) not in listing, "only failed emails offer it"

    answer = admin_client.post(send_again_url(failed), {"next": FAILED_LISTING}, follow=True)
    assert answer.redirect_chain[-1][0] == FAILED_LISTING
    assert "1 email queued to be sent again." in answer.content.decode()
    failed.refresh_from_db()
    assert failed.status == "queued" and failed.attempts == 0, "a fresh set of tries"
    everything = admin_client.get("/admin/snippets/discussion/notification/?status=queued").content.decode()
    assert "wanda@example.com" in everything and "Queued" in everything
    assert "Emails (1 failed)" not in admin_client.get("/admin/").content.decode()

    [send] = DBTaskResult.objects.filter(task_path="discussion.tasks.send_notification")
    assert send.args_kwargs["args"] == [failed.pk], "through the same task as every email"
    assert tasks.send_notification.call(failed.pk) == "sent"
    assert len(smtp.messages) == 1 and b"Lovely words" in smtp.messages[0]


def test_send_again_in_bulk_requeues_the_failed_ones_and_leaves_the_rest(admin_client, smtp, db_queue):
    first, second = failed_email("a@example.com"), failed_email("b@example.com")
    sent = Notification.objects.create(purpose="authors", to="c@example.com", subject="Fine", body="b", status="sent")
    ids = "&".join(f"id={n.pk}" for n in (first, second, sent))
    url = reverse("wagtail_bulk_action", args=["discussion", "notification", "send-again"]) + f"?{ids}&next=/admin/"
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "Send these 3 email(s) again?" in confirm.content.decode()
    answer = admin_client.post(url, follow=True)
    assert "2 emails queued to be sent again. 1 had not failed" in answer.content.decode()
    assert dict(Notification.objects.values_list("to", "status")) == {
        "a@example.com": "queued",
        "b@example.com": "queued",
        "c@example.com": "sent",
    }
    assert DBTaskResult.objects.filter(task_path="discussion.tasks.send_notification").count() == 2


def test_only_moderators_may_send_an_email_again(client, django_user_model, db_queue):
    failed = failed_email("wanda@example.com")
    editor = django_user_model.objects.create_user("editor", "editor@example.com", "pw", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.post(send_again_url(failed)).status_code in (302, 403)  # Wagtail turns the refusal into a redirect
    bulk = reverse("wagtail_bulk_action", args=["discussion", "notification", "send-again"]) + f"?id={failed.pk}"
    assert client.post(bulk).status_code in (302, 403)
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert not DBTaskResult.objects.filter(task_path="discussion.tasks.send_notification").exists()
