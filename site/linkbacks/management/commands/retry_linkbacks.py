from django.core.management.base import BaseCommand
from django_tasks import TaskResultStatus

from linkbacks.tasks import retry_due_linkbacks


class Command(BaseCommand):
    help = "Retry outgoing linkbacks whose next attempt is due (the task worker does it every 10 minutes)."

    def handle(self, *args, **options):
        result = retry_due_linkbacks.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Retried {result.return_value} linkback(s).")
        else:
            self.stdout.write(f"Retry task {result.id} is {result.status.lower()}.")
