"""Demo content: the seed post's reader comment (by "Mezzo"), approved, as its blog showed it."""

from wagtail.models import Page

from .models import Response

SEED_KEY = "demo:seed-comment:{index}"


def add_seed_comments(post: Page, seed: dict) -> int:
    """Add the seed's comments (``seed["responses"]`` of type comment) to ``post``, approved, once.

    Idempotent (keyed by position). The email only feeds the Gravatar-style avatar hash; it is never shown.
    Returns the number created."""
    created = 0
    for index, item in enumerate(seed.get("responses", [])):
        if item.get("type") != "comment":
            continue
        key = SEED_KEY.format(index=index)
        if Response.objects.filter(page=post, import_key=key).exists():
            continue
        name = item.get("author") or "A reader"
        Response.objects.create(
            page=post,
            kind=Response.Kind.COMMENT,
            status=Response.Status.APPROVED,
            author_name=name[:200],
            author_email=item.get("email") or f"{name.lower().replace(' ', '.')}@example.com",
            content=item["text"],
            import_key=key,
        )
        created += 1
    return created
