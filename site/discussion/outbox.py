"""Enqueue follow-up work so that it commits, or rolls back, with the rows it is about.

With the database task backend the task row is written in the caller's transaction: a process
killed after the commit loses nothing, and a rolled-back save leaves no stray task. A backend that
runs tasks at once (the immediate one, in tests) is called on commit instead, so the task sees the
committed rows, as a worker would.
"""

from datetime import datetime

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue(task: Task, *args, run_after: datetime | None = None) -> None:
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
