"""Demo content: the seed post's pingback, as its blog showed it ("[…] words around the link […]")."""

from wagtail.models import Page

from discussion import text
from discussion.models import Response

SEED_KEY = "demo:seed-pingback:{index}"


def add_seed_pingbacks(post: Page, seed: dict) -> int:
    """Add the seed's pingbacks (``seed["responses"]`` of type pingback) to ``post``, approved, once.

    Idempotent: each is keyed by its position, so loading the demo again creates nothing. Returns the
    number created."""
    created = 0
    for index, item in enumerate(seed.get("responses", [])):
        if item.get("type") != "pingback":
            continue
        key = SEED_KEY.format(index=index)
        if Response.objects.filter(page=post, import_key=key).exists():
            continue
        title = item.get("source_title") or "A blog"
        Response.objects.create(
            page=post,
            kind=Response.Kind.PINGBACK,
            status=Response.Status.APPROVED,
            author_name=title[:200],
            author_url=item.get("source_url", ""),
            source_url=item.get("source_url", ""),
            source_title=title[:300],
            content=item["excerpt"],
            content_html=text.render(item["excerpt"]),
            import_key=key,
        )
        created += 1
    return created
