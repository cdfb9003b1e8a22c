"""What the workers share besides the task table: when each periodic task is next due, and which
workers are alive (so a task left running by a killed worker can be run again)."""

from django.db import models


class PeriodicSlot(models.Model):
    """One row per periodic task. A worker claims a slot with a conditional UPDATE, so however many
    workers run, each slot is enqueued once."""

    task_path = models.CharField(max_length=255, primary_key=True)
    next_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task_path} at {self.next_run_at:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id
