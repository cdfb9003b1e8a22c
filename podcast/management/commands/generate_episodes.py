"""`manage.py generate_episodes N`: fill a show with N episodes for benchmarks (`make bench`)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from blog.models import BlogIndexPage
from podcast.demo import load_demo_show
from podcast.models import EpisodePage, PodcastPage


class Command(BaseCommand):
    help = "Add N published episodes (remote media URLs, no files) to a show; the demo show by default."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--show", metavar="SLUG", help="Slug of the show; default: the demo show at /podcast/.")

    def handle(self, count, show=None, **options):
        if show:
            target = PodcastPage.objects.filter(slug=show).first()
            if target is None:
                raise CommandError(f"There is no show “{show}”.")
        else:
            index = BlogIndexPage.objects.first()
            if index is None:
                raise CommandError("Run load_demo first: there is no blog index to hold the show.")
            target = load_demo_show(index)
        existing = EpisodePage.objects.child_of(target).count()
        now = timezone.now()
        with transaction.atomic():
            for number in range(existing + 1, existing + count + 1):
                target.add_child(
                    instance=EpisodePage(
                        title=f"Generated episode {number}",
                        slug=f"generated-{number}",
                        live=True,
                        first_published_at=now,
                        last_published_at=now,
                        pub_date=now - timedelta(hours=number),
                        summary=f"Episode {number}, generated for benchmarks.",
                        body=[("paragraph", f"<p>Show notes for episode {number}.</p>")],
                        episode_number=number,
                        audio_url=f"{settings.SITE_URL}/media/generated/{number}.mp3",
                        audio_size=48_000_000,
                        audio_type="audio/mpeg",
                        duration=3000,
                    )
                )
        self.stdout.write(f"Added {count} episodes to “{target.title}” ({existing + count} in all).")
