"""Periodic work runs from the queue: the schedule claims each slot once, and a worker runs it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Revision

from blog.models import BlogPage
from tests.builders import make_post
from tests.taskqueue import run_worker, use_database_queue
from worker import schedule
from worker.models import PeriodicSlot


@pytest.fixture
def queue(settings, monkeypatch):
    use_database_queue(settings, monkeypatch)


def schedule_post(blog_index, title: str) -> BlogPage:
    post = make_post(blog_index, title, live=False)
    post.go_live_at = timezone.now() + timedelta(hours=1)
    post.save_revision().publish()
    return post


def time_passes(post: BlogPage) -> None:
    """The hour goes by: the scheduled revision's go-live time is now in the past."""
    revision = Revision.page_revisions.get(object_id=str(post.pk), approved_go_live_at__isnull=False)
    past = timezone.now() - timedelta(seconds=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])


def test_the_scheduled_work_is_all_on_the_schedule():
    assert {
        "worker.tasks.publish_scheduled_pages",
        "discussion.tasks.recheck_responses",
        "linkbacks.tasks.retry_due_linkbacks",
        "discussion.tasks.purge_old_responses",
        "worker.tasks.prune_task_results",
    } <= set(schedule.registry)
    assert schedule.registry["worker.tasks.publish_scheduled_pages"].every == timedelta(minutes=1)


def test_a_due_scheduled_post_is_published_by_the_worker_without_cron(queue, blog_index, client):
    post = schedule_post(blog_index, "Tomorrow's news")
    assert not BlogPage.objects.get(pk=post.pk).live
    assert client.get(post.url).status_code == 404
    time_passes(post)

    assert "worker.tasks.publish_scheduled_pages" in schedule.enqueue_due()
    run_worker()

    assert BlogPage.objects.get(pk=post.pk).live
    assert client.get(BlogPage.objects.get(pk=post.pk).url).status_code == 200
    assert DBTaskResult.objects.get(task_path="worker.tasks.publish_scheduled_pages").status == "SUCCESSFUL"


def test_a_post_scheduled_for_later_stays_unpublished_when_the_worker_runs(queue, blog_index):
    post = schedule_post(blog_index, "Next week")
    schedule.enqueue_due()
    run_worker()
    assert not BlogPage.objects.get(pk=post.pk).live


def test_each_slot_is_enqueued_once_however_many_workers_ask(queue, db):
    now = timezone.now()
    first = schedule.enqueue_due(now)
    assert "worker.tasks.publish_scheduled_pages" in first
    assert schedule.enqueue_due(now) == []  # a second worker, the same instant
    assert schedule.enqueue_due(now + timedelta(seconds=59)) == []
    assert schedule.enqueue_due(now + timedelta(minutes=1)) == ["worker.tasks.publish_scheduled_pages"]
    queued = DBTaskResult.objects.filter(task_path="worker.tasks.publish_scheduled_pages")
    assert queued.count() == 2
    assert queued.filter(status=TaskResultStatus.READY).count() == 2


def test_a_worker_back_after_a_long_stop_runs_each_task_once(queue, db):
    now = timezone.now()
    schedule.enqueue_due(now)
    later = now + timedelta(days=3)
    always = {path for path, entry in schedule.registry.items() if entry.when is None}
    assert set(schedule.enqueue_due(later)) == always  # a task with a condition only when it holds
    assert PeriodicSlot.objects.get(task_path="worker.tasks.publish_scheduled_pages").next_run_at == later + timedelta(
        minutes=1
    )
