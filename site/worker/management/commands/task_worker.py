"""`manage.py task_worker`: django-tasks-db's `db_worker`, plus the periodic schedule and crash recovery.

A thread beside the worker loop, on its own database connection, beats the heartbeat, enqueues
the periodic tasks that are due (`worker.schedule`) and returns dead workers' tasks to the queue
(`worker.recovery`). Run one per machine or as many as the queue needs; all options are
db_worker's.
"""

import os
import threading

from django.db import DatabaseError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from worker import recovery, schedule


class Command(db_worker.Command):
    help = "Run the task worker: queued tasks, periodic tasks (no cron) and recovery of dead workers' tasks."

    def handle(self, *args, **options):
        reloader_parent = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloader_parent:
            stop = threading.Event()
            keeper = threading.Thread(target=self.keep, args=(options["worker_id"], stop), daemon=True)
            keeper.start()
        try:
            super().handle(*args, **options)
        finally:
            if not reloader_parent:
                stop.set()
                keeper.join(timeout=5)

    def keep(self, worker_id: str, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    recovery.beat(worker_id)
                    recovery.reclaim_orphans()
                    schedule.enqueue_due()
                except DatabaseError as error:  # a locked SQLite file, a database restart: next beat
                    db_worker.logger.warning("Worker housekeeping failed (%s); retrying.", error)
                    connection.close()
                stop.wait(recovery.BEAT_EVERY.total_seconds())
        finally:
            connection.close()
