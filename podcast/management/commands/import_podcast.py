"""`manage.py import_podcast FEED_URL_OR_FILE`: bring an existing podcast into a show."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from podcast.feedxml import FeedError
from podcast.fetch import FetchFailed
from podcast.importer import import_source
from podcast.models import PodcastPage


class Command(BaseCommand):
    help = (
        "Import a podcast from its RSS feed (an http(s) URL or a file): show details, episodes, media, "
        "transcripts and chapters. Re-running updates; episodes are matched by guid."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FEED_URL_OR_FILE")
        parser.add_argument("--into", metavar="SHOW", help="Slug or id of an existing show to import into.")
        parser.add_argument("--no-media", action="store_true", help="Keep remote media URLs; download nothing.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check the feed; change nothing.")
        parser.add_argument(
            "--i-own-this-feed",
            action="store_true",
            dest="owner_confirmed",
            help="Import a feed marked podcast:locked yes; only if it is yours.",
        )

    def handle(self, source, into=None, no_media=False, dry_run=False, owner_confirmed=False, **options):
        show = self._show(into) if into else None
        try:
            report = import_source(
                source,
                into=show,
                media=not no_media,
                dry_run=dry_run,
                owner_confirmed=owner_confirmed,
                progress=lambda episodes: tqdm(episodes, desc="Episodes", unit="episode"),
            )
        except (FeedError, FetchFailed) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} episode(s) could not be imported; the others were.")

    @staticmethod
    def _show(value: str) -> PodcastPage:
        shows = PodcastPage.objects.filter(pk=int(value)) if value.isdigit() else PodcastPage.objects.filter(slug=value)
        show = shows.first()
        if show is None:
            raise CommandError(f"There is no show “{value}”; give the slug or id of an existing show.")
        return show
