from django.core.management.base import BaseCommand

from discussion.tasks import recheck_responses


class Command(BaseCommand):
    help = (
        "Ask Akismet again about responses held because it could not answer, when their recheck is due. "
        "The task worker does it every 10 minutes; run it by hand to check now."
    )

    def handle(self, *args, **options):
        count = recheck_responses.call()
        self.stdout.write(f"Rechecked {count} response(s).")
