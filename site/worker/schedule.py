"""Periodic work from the task queue, not cron: rechecks, retries, scheduled publishing, purges.

Why a schedule table and not self-rescheduling tasks: a task that enqueues its own next run dies
with its chain when the worker running it is killed, and two workers seeding chains at start make
two. Here each worker's scheduler loop claims a due slot with one conditional UPDATE (`next_run_at
<= now` → `now + every`) and enqueues the task in the same transaction, so with any number of
workers each run is enqueued exactly once, a crash between claim and enqueue loses nothing (both
roll back), and a worker that was down for a day runs each task once on return, not once per
missed interval. The tasks themselves stay plain idempotent `@task` functions. A task with a `when`
condition is enqueued only while it holds (checked at each beat, so it runs as soon as it does).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from .models import PeriodicSlot


@dataclass(frozen=True)
class Periodic:
    task: Task
    every: timedelta
    when: Callable[[], bool] | None = None


registry: dict[str, Periodic] = {}


def periodic(*, every: timedelta, when: Callable[[], bool] | None = None):
    """Mark a `@task()` (write it above) to be enqueued by the workers once per `every`, and, given
    `when`, only while `when()` is true (a cheap check: each worker asks it at every beat)."""

    def register(task: Task) -> Task:
        registry[task.module_path] = Periodic(task, every, when)
        return task

    return register


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every periodic task whose slot is due; returns their paths. Safe to call from many workers."""
    now = now or timezone.now()
    enqueued = []
    for path, entry in registry.items():
        if entry.when is not None and not entry.when():
            continue
        PeriodicSlot.objects.get_or_create(task_path=path, defaults={"next_run_at": now})
        with transaction.atomic():
            claimed = PeriodicSlot.objects.filter(task_path=path, next_run_at__lte=now).update(
                next_run_at=now + entry.every
            )
            if claimed:
                entry.task.enqueue()
                enqueued.append(path)
    return enqueued
