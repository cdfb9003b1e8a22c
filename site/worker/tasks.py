"""Periodic housekeeping that belongs to no one app: Wagtail's scheduled publishing and the task table."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .schedule import periodic

KEEP_SUCCESSFUL = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)


@periodic(every=timedelta(minutes=1))
@task()
def publish_scheduled_pages() -> None:
    """Wagtail's `publish_scheduled`: pages and snippets whose go-live time has come go live, expired ones go."""
    call_command("publish_scheduled", verbosity=0)


@periodic(every=timedelta(hours=1))
@task()
def prune_task_results() -> int:
    """Results are kept for the admin and for debugging: successful ones a week, failed ones a month."""
    now = timezone.now()
    done = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCESSFUL)
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED)
    return done.delete()[0] + failed.delete()[0]
