"""Enqueue follow-up work so that it commits, or rolls back, with the rows it is about.

With the database task backend the task row is written in the caller's transaction: a process
killed after the commit loses nothing, and a rolled-back save leaves no stray task. A backend that
runs tasks at once (the immediate one, in tests) is called on commit instead, so the task sees the
committed rows, as a worker would.
"""

from datetime import datetime

from django.db import transaction
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def enqueue(task: Task, *args, run_after: datetime | None = None) -> str | None:
    """Queue `task`; the id of its row with the database backend (for `withdraw`), else None."""
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(*args).id
    transaction.on_commit(lambda: task.enqueue(*args))
    return None


def withdraw(result_id: str | None) -> None:
    """Take a queued task back, in the caller's transaction, when the work it would do is done.

    Only a row no worker has claimed goes; a task already running finds the work done, as it would
    anyway (every task here is harmless to repeat)."""
    if result_id is not None:
        # One DELETE: delete() would first read the row back for the site-wide post_delete receiver
        # (pagecache's), which ignores task rows; no other rows point at a task result.
        queued = DBTaskResult.objects.filter(id=result_id, status=TaskResultStatus.READY)
        queued._raw_delete(queued.db)
