"""An Akismet outage, against a local Akismet on loopback: after a few failures comment POSTs stop
asking it (the breaker every process shares), the worker's probe notices when it answers again,
and every response that waited is judged at once, with no new comment needed to start it."""

import akismet
import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from discussion import akismet as discussion_akismet
from discussion import akismet_health, tasks
from discussion.models import Response
from tests.discussion.conftest import post_comment
from tests.fakes import FakeAkismet, Faults
from tests.taskqueue import run_worker, use_database_queue
from worker import schedule

pytestmark = pytest.mark.django_db
PROBE = "discussion.tasks.probe_akismet"
PENDING = "wagtailsnippets_discussion_response:list"


@pytest.fixture
def local_akismet(settings, monkeypatch):
    """The real client, over the network, to a fake Akismet on 127.0.0.1 that we can break and heal."""
    server = FakeAkismet()
    settings.AKISMET_API_URL = server.url
    settings.AKISMET_TIMEOUT = 0.5
    settings.AKISMET_BREAKER_FAILURES = 3
    monkeypatch.setattr(discussion_akismet, "client_class", akismet.SyncClient)
    yield server
    server.stop()


@pytest.fixture
def queue(settings, monkeypatch):
    use_database_queue(settings, monkeypatch)


def comment(client, post, name: str, content: str = "Kind words."):
    """A comment from a reader of their own (address and email), so flood control lets each one in."""
    email = name.lower().replace(" ", ".") + "@example.com"
    return post_comment(client, post, author_name=name, author_email=email, content=content)


def calls(server: FakeAkismet) -> int:
    return sum(server.outcomes.values())


def pending_tab(admin_client) -> str:
    return admin_client.get(reverse(PENDING), {"status": "pending"}).content.decode()


def edit_page(admin_client, response: Response) -> str:
    return admin_client.get(reverse("wagtailsnippets_discussion_response:edit", args=[response.pk])).content.decode()


def test_after_three_failures_comment_posts_store_without_asking_akismet(
    client, post, local_akismet, queue, admin_client
):
    local_akismet.faults = Faults(fail=1.0)
    for n in range(3):
        assert comment(client, post, f"Early {n}", f"Early words {n}").status_code == 303
    assert calls(local_akismet) == 3, "each POST gave Akismet its budget"
    assert akismet_health.is_open()

    assert comment(client, post, "Late Lola", "Said during the outage").status_code == 303
    assert calls(local_akismet) == 3, "the breaker is open: the POST did not wait on Akismet"
    late = Response.objects.get(author_name="Late Lola")
    assert late.status == "pending" and late.akismet_result == ""
    assert "Said during the outage" in client.get(post.url).content.decode(), "its author sees it, held for them"

    run_worker()  # the queued first checks: the breaker is open, so they wait too
    assert calls(local_akismet) == 3
    assert "Late Lola" in pending_tab(admin_client)
    assert "Akismet: not yet checked" in edit_page(admin_client, late)


def test_the_probe_judges_every_waiting_response_once_akismet_answers_with_no_new_comment(
    client, post, local_akismet, queue, admin_client
):
    local_akismet.faults = Faults(fail=1.0)
    for n in range(6):
        comment(client, post, f"Waiting {n}", f"Waiting words {n}")
    run_worker()
    assert Response.objects.filter(status="pending").count() == 6
    assert schedule.enqueue_due() and PROBE in [r.task_path for r in DBTaskResult.objects.filter(status="READY")]
    run_worker()  # the probe asks once; Akismet still fails, so nothing changes
    assert akismet_health.is_open()
    assert Response.objects.filter(status="pending").count() == 6

    local_akismet.heal()
    DBTaskResult.objects.all().delete()
    schedule.registry[PROBE].task.enqueue()  # the probe's next turn (every 15 s while the breaker is open)
    run_worker()

    assert not akismet_health.is_open()
    assert set(Response.objects.values_list("status", "akismet_result")) == {("approved", "ham")}
    html = pending_tab(admin_client)
    assert not any(f"Waiting {n}" in html for n in range(6)), "nothing is left pending for the moderator"
    page = client.get(post.url).content.decode()
    assert all(f"Waiting words {n}" in page for n in range(6)), "every reader sees them"
    assert "Akismet: ham" in edit_page(admin_client, Response.objects.get(author_name="Waiting 0"))


def test_responses_backed_off_after_an_error_are_checked_as_soon_as_the_probe_gets_an_answer(
    client, post, local_akismet, queue
):
    local_akismet.faults = Faults(fail=1.0)
    comment(client, post, "Unlucky Una")
    run_worker()
    unlucky = Response.objects.get()
    assert unlucky.akismet_result == "error" and not akismet_health.is_open(), "one failure: no outage yet"
    local_akismet.heal()

    assert PROBE in schedule.enqueue_due(), "a response waits out a back-off: the probe runs, no comment needed"
    run_worker()
    unlucky.refresh_from_db()
    assert unlucky.status == "approved"
    assert not tasks.probe_due(), "nothing waits and Akismet answers: no probe"


def test_an_open_breaker_with_nothing_waiting_is_closed_by_a_key_check(client, post, local_akismet, queue):
    local_akismet.faults = Faults(fail=1.0)
    for _ in range(3):
        akismet_health.failed()
    assert akismet_health.is_open() and not Response.objects.exists()
    assert PROBE in schedule.enqueue_due()
    run_worker()
    assert not akismet_health.is_open(), "verify-key answered"
    local_akismet.heal()
    comment(client, post, "After Alba")
    assert Response.objects.get().status == "approved", "the POST asks Akismet again, within its budget"
