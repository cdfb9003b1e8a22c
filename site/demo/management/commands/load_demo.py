from django.core.management.base import BaseCommand

from demo.content import load


class Command(BaseCommand):
    help = "Load the demo blog (idempotent: existing demo pages are left as they are)."

    def handle(self, *args, **options):
        counts = load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {counts['posts_created']} post(s) and {counts['responses_created']} response(s) "
                f"created, {counts['posts_total']} posts in total; the podcast is at /podcast/."
            )
        )
