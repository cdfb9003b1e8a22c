from django.core.management.base import BaseCommand

from discussion.tasks import purge_old_responses


class Command(BaseCommand):
    help = "Delete spam older than 15 days and trash older than 30, and forget old Akismet payloads (run daily)."

    def handle(self, *args, **options):
        counts = purge_old_responses.call()
        self.stdout.write(
            f"Deleted {counts['spam']} spam and {counts['trash']} trashed; {counts['payloads']} payloads."
        )
