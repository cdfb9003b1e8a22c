"""The 200-response thread `make bench` serves: approved, threaded, one in 25 a pingback.

``add_responses`` saves each response the way moderation does (one row at a time, signals and
all), so the page's caches see the thread as a reader's comments would leave it.
"""

import random

from wagtail.models import Page

from discussion import text
from discussion.models import Response


def add_responses(page: Page, count: int = 200, seed: int = 1) -> None:
    """`count` approved responses on `page`, 70% of them replies, one in 25 a pingback."""
    rng = random.Random(seed)
    created: list[Response] = []
    for n in range(count):
        parent = rng.choice(created) if created and rng.random() < 0.7 else None
        content = f"Response {n}: thanks, see https://example.com/{n}"
        response = Response(
            page=page,
            parent=parent,
            status=Response.Status.APPROVED,
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.com",
            content=content,
            content_html=text.render(content),
            kind=Response.Kind.PINGBACK if n % 25 == 0 else Response.Kind.COMMENT,
        )
        response.save()
        created.append(response)
