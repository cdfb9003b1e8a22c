"""A task left RUNNING by a killed worker is run again; a live worker's task is not touched."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from worker import recovery
from worker.tasks import prune_task_results


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def running_task(worker_id: str, claims: int = 1) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=prune_task_results.enqueue().id)
    for n in range(claims - 1):
        result.worker_ids.append(f"earlier-{n}")
    result.claim(worker_id)
    return result


def test_a_task_left_running_by_a_dead_worker_goes_back_to_the_queue(queue, db):
    now = timezone.now()
    recovery.beat("killed", now - recovery.STALE_AFTER - timedelta(seconds=1))
    orphan = running_task("killed")

    assert recovery.reclaim_orphans(now) == 1

    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()


def test_a_live_workers_running_task_is_left_alone(queue, db):
    now = timezone.now()
    recovery.beat("alive", now - timedelta(seconds=2))
    recovery.beat("killed", now - timedelta(minutes=5))
    busy = running_task("alive")

    assert recovery.reclaim_orphans(now) == 0
    busy.refresh_from_db()
    assert busy.status == TaskResultStatus.RUNNING


def test_a_task_claimed_by_a_worker_without_heartbeat_is_left_alone(queue, db):
    recovery.beat("killed", timezone.now() - timedelta(minutes=5))
    plain = running_task("plain-db-worker")
    assert recovery.reclaim_orphans() == 0
    plain.refresh_from_db()
    assert plain.status == TaskResultStatus.RUNNING


def test_a_task_that_took_down_three_workers_is_failed_not_retried(queue, db):
    recovery.beat("third", timezone.now() - timedelta(minutes=5))
    poison = running_task("third", claims=recovery.MAX_CLAIMS)
    assert recovery.reclaim_orphans() == 0
    poison.refresh_from_db()
    assert poison.status == TaskResultStatus.FAILED
    assert "3 workers died" in poison.traceback


def test_finished_results_are_pruned_after_their_keep(queue, db):
    old = timezone.now() - timedelta(days=8)
    done = DBTaskResult.objects.get(id=prune_task_results.enqueue().id)
    done.set_successful(0)
    failed = DBTaskResult.objects.get(id=prune_task_results.enqueue().id)
    failed.set_failed(RuntimeError("x"))
    DBTaskResult.objects.filter(pk__in=[done.pk, failed.pk]).update(finished_at=old)

    assert prune_task_results.call() == 1
    assert not DBTaskResult.objects.filter(pk=done.pk).exists()
    assert DBTaskResult.objects.filter(pk=failed.pk).exists()  # failures are kept a month
