"""Comment intake: stored first with its Akismet task (outbox), Akismet bounded per whole call.

The shared fake Akismet on 127.0.0.1 answers at once, or trickles a byte every 0.3 s, which no
per-read timeout ever stops.
"""

import akismet
import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from discussion import akismet as discussion_akismet
from discussion import moderation, tasks
from discussion.models import Response
from tests.discussion.conftest import post_comment
from tests.fakes import SPAM_WORD, FakeAkismet, Faults

pytestmark = pytest.mark.django_db
DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def fake_akismet(settings, monkeypatch):
    """The real akismet.SyncClient over real sockets to the shared fake on 127.0.0.1 (`tests.fakes`)."""
    fake = FakeAkismet()
    settings.AKISMET_API_URL = fake.url
    monkeypatch.setattr(discussion_akismet, "client_class", akismet.SyncClient)
    monkeypatch.setattr(discussion_akismet, "transport", None)
    yield fake
    fake.stop()


TRICKLE = Faults(trickle=1.0, trickle_interval=0.3)  # "false" a byte every 0.3 s: 1.5 s in all


def ours():
    """The discussion's rows in the task table (Wagtail queues its reference-index updates there too)."""
    return DBTaskResult.objects.filter(task_path__startswith="discussion.")


def payload() -> dict:
    return {"user_ip": "198.51.100.1", "comment_content": "hello", "comment_type": "comment"}


def test_the_fake_answers_through_the_real_client(fake_akismet):
    assert discussion_akismet.check(payload())[0] == "ham"
    assert discussion_akismet.check({**payload(), "comment_content": SPAM_WORD})[0] == "spam"
    assert [check["comment_content"] for check in fake_akismet.checks] == ["hello", SPAM_WORD]


def test_akismet_timeout_bounds_the_whole_call_not_each_read(fake_akismet, settings):
    settings.AKISMET_TIMEOUT = 0.8  # each byte comes within 0.3 s, so a per-read timeout would never fire
    fake_akismet.faults = TRICKLE
    verdict, note = discussion_akismet.check(payload())
    assert verdict == "error" and "timed out" in note
    assert fake_akismet.outcomes == {"trickle": 1}


def test_a_comment_is_stored_with_its_check_queued_when_akismet_is_slow(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    fake_akismet.faults = TRICKLE
    reply = post_comment(client, post, content="Slow but safe")
    assert reply.status_code == 303
    response = Response.objects.get()
    assert response.status == "pending" and response.akismet_result == ""
    assert [e.action for e in response.history.all()] == ["status-pending"], "nothing recorded as an error"
    [queued] = ours()
    assert queued.task_path == "discussion.tasks.check_response" and queued.args_kwargs["args"] == [response.pk]
    assert "Slow but safe" in client.get(post.url).content.decode(), "the author sees it at once, held for them"
    assert "Slow but safe" not in client.__class__().get(post.url).content.decode()

    fake_akismet.heal()  # Akismet recovers; the worker runs the queued task
    assert tasks.check_response.call(*queued.args_kwargs["args"]) == "approved"
    response.refresh_from_db()
    assert response.status == "approved" and response.akismet_result == "ham"
    assert "Slow but safe" in client.__class__().get(post.url).content.decode(), "now everyone sees it"


def test_an_answer_within_the_budget_is_applied_in_the_request(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 2.0
    post_comment(client, post, content=f"Win big at {SPAM_WORD}")
    response = Response.objects.get()
    assert response.status == "spam"
    assert [e.action for e in response.history.all()] == ["status-pending", "check-spam", "status-spam"]
    assert not ours().exists(), "the queued check went with the verdict: the worker has nothing to do"
    assert len(fake_akismet.checks) == 1


def test_an_approving_verdict_in_the_request_leaves_only_the_new_response_email(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 2.0
    post_comment(client, post, content="Judged while the reader waits")
    response = Response.objects.get()
    assert response.status == "approved"
    assert [(t.task_path, t.args_kwargs["args"]) for t in DBTaskResult.objects.all()] == [
        ("discussion.tasks.notify_new_response", [response.pk, None])
    ], "no check left for the worker, and no reference-index task for a response"


def test_a_zero_budget_leaves_every_check_to_the_worker(client, post, fake_akismet, settings):
    settings.TASKS = DB_QUEUE
    settings.AKISMET_REQUEST_BUDGET = 0
    post_comment(client, post)
    assert Response.objects.get().status == "pending"
    assert fake_akismet.checks == []


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
    assert tasks.judge_posted(response, seconds=2, queued=None) == "approved"
    assert tasks.check_response.call(response.pk) == "nothing to do"
    assert list(response.history.values_list("action", flat=True)) == ["status-pending", "check-ham", "status-approved"]
