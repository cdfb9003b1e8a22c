from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from blog.models import BlogPage
from demo.content import blog_index

PARAGRAPH = (
    "<p>Generated for load testing: a paragraph long enough to look like a real post, with a "
    '<a href="https://example.org/">link</a>, some <em>emphasis</em> and a few more words to read.</p>'
)


class Command(BaseCommand):
    help = "Create N published posts of generated content (for benchmarks), with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)

    def handle(self, *args, count, **options):
        index = blog_index()
        start = BlogPage.objects.count()
        now = timezone.now()
        for n in tqdm(range(count), desc="posts", unit="post", disable=None):
            with transaction.atomic():
                post = BlogPage(
                    title=f"Generated post {start + n + 1}",
                    date=now - timedelta(hours=n),
                    intro="A generated post.",
                    body=[("paragraph", PARAGRAPH)] * 4,
                    live=True,
                )
                index.add_child(instance=post)
                post.tags.set(["generated", f"batch-{n // 100}"])
        self.stdout.write(self.style.SUCCESS(f"Created {count} posts; {BlogPage.objects.count()} in total."))
