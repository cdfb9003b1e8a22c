"""``manage.py import_wordpress EXPORT.xml``: move a WordPress blog in, conversation and old links included."""

from django.core.management.base import BaseCommand, CommandError

from wordpress import wxr
from wordpress.authors import parse_author_map
from wordpress.importer import default_blog_index, import_wordpress


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0-1.2: Tools → Export in WordPress): authors, categories, tags, "
        "posts, pages, media, comments, pingbacks and trackbacks, with redirects from the old addresses. "
        "Running it again updates what changed and creates no duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file exported from WordPress.")
        parser.add_argument(
            "--into",
            metavar="BLOG_INDEX",
            help="Id or slug of the blog index (default: the only one; on a fresh site, one made at the site root).",
        )
        parser.add_argument(
            "--authors",
            metavar="MAP",
            action="append",
            help="Map WordPress logins to authors: 'login=Name' pairs (comma-separated, repeatable) or a file with "
            "one pair per line. Name is an existing author's slug or name, or the name of a new author.",
        )
        parser.add_argument(
            "--users",
            action="store_true",
            help="Also create a user for each WordPress login, without a password (they set one through "
            "'Forgot password'); existing usernames are left as they are.",
        )
        parser.add_argument("--no-media", action="store_true", help="Leave images and files on the old site.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change and write nothing.")

    def handle(self, *args, export, into, authors, users, no_media, dry_run, **options):
        try:
            author_map = parse_author_map(authors)
            index = default_blog_index(into)
        except (ValueError, LookupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        try:
            parsed = wxr.parse(export)
        except FileNotFoundError:
            raise CommandError(f"No such file: {export}") from None
        except wxr.WXRError as exc:
            raise CommandError(str(exc)) from None
        summary = import_wordpress(
            parsed,
            into=index,
            authors=author_map,
            fetch_media=not no_media,
            users=users,
            dry_run=dry_run,
            progress=options["verbosity"] > 0,
        )
        self.stdout.write(summary.table())
        if dry_run:
            self.stdout.write(self.style.WARNING("\nDry run: nothing was written."))
