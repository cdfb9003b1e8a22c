"""The database task queue as production runs it, inside a test: tasks wait in their table until
`run_worker()` runs one real db_worker pass over them in this process."""

from django_tasks_db.management.commands.db_worker import Worker

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def use_database_queue(settings, monkeypatch) -> None:
    settings.TASKS = DATABASE_QUEUE
    # The worker drops connections it finds outside autocommit; the test's own transaction is one.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    """One db_worker pass over everything queued."""
    options = {"queue_names": ["default"], "interval": 0, "backend_name": "default", "startup_delay": False}
    Worker(batch=True, max_tasks=None, worker_id="test", excluded_queue_names=[], **options).run()
