"""Tasks left RUNNING by a worker that died (`kill -9`, OOM, a lost machine) are run again.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a
killed worker's task would wait forever. Each of our workers records a heartbeat; a task whose
last claimant's heartbeat is older than `STALE_AFTER` goes back to READY for any worker to take.
Tasks here are idempotent (they re-read their rows), so running one twice is harmless; a task that
has already killed `MAX_CLAIMS` workers is marked FAILED rather than tried forever, and a task
claimed by a worker that never kept a heartbeat (a plain `db_worker`) is left alone.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

BEAT_EVERY = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=30)
MAX_CLAIMS = 3


def beat(worker_id: str, now: datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"last_seen": now or timezone.now()})


def reclaim_orphans(now: datetime | None = None) -> int:
    """Put the RUNNING tasks of dead workers back in the queue; returns how many."""
    now = now or timezone.now()
    dead = set(WorkerHeartbeat.objects.filter(last_seen__lt=now - STALE_AFTER).values_list("worker_id", flat=True))
    if not dead:
        return 0
    reclaimed = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING):
            if not result.worker_ids or result.worker_ids[-1] not in dead:
                continue
            if len(result.worker_ids) >= MAX_CLAIMS:
                result.set_failed(RuntimeError(f"{len(result.worker_ids)} workers died running this task."))
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            reclaimed += 1
        WorkerHeartbeat.objects.filter(worker_id__in=dead).delete()
    return reclaimed
