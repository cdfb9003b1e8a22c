"""WordPress comments, pingbacks and trackbacks → ``discussion.Response`` rows, threaded as they were.

Responses are written with ``bulk_create``: no save() signals, so nothing is sent to Akismet or
mailed to anyone. Each one is keyed by ``import_key`` (site and comment id), so a second run
updates in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import URLValidator, validate_email, validate_ipv46_address
from django.utils import timezone
from wagtail.models import Page

from discussion.models import Response, ResponseEvent
from discussion.text import sanitise as sanitise_response_html

from .content import autop
from .summary import Summary
from .values import plain, short_key, valid
from .wxr import WPComment, WPItem

if TYPE_CHECKING:
    from .importer import Importer

# comment_approved: '1'/'0' in the database, 'approve'/'hold' in some plugins' exports
STATUS = {
    "1": Response.Status.APPROVED,
    "approve": Response.Status.APPROVED,
    "0": Response.Status.PENDING,
    "hold": Response.Status.PENDING,
    "spam": Response.Status.SPAM,
    "trash": Response.Status.TRASH,
    "post-trashed": Response.Status.TRASH,
}


def kind_of(comment: WPComment) -> Response.Kind:
    """comment_type: empty before WordPress 5.5, then ``comment``; pingback, trackback, webmention."""
    if comment.comment_type in Response.Kind.values:
        return Response.Kind(comment.comment_type)
    return Response.Kind.COMMENT


def summary_kind(comment: WPComment) -> str:
    return kind_of(comment).value + "s"


def import_key(run: Importer, comment: WPComment) -> str:
    return short_key(f"wordpress:{run.source}:{comment.comment_id}", 200)


def response_values(run: Importer, comment: WPComment, page: Page) -> dict:
    kind = kind_of(comment)
    email = valid(comment.author_email.strip(), validate_email)
    url = valid(comment.author_url.strip(), URLValidator(schemes=["http", "https"]))
    ip = valid(comment.author_ip.strip(), validate_ipv46_address)
    name = plain(comment.author)
    linkback = kind != Response.Kind.COMMENT
    return {
        "page_id": page.pk,
        "kind": kind.value,
        "status": STATUS.get(comment.approved, Response.Status.PENDING).value,
        "author_name": (name or ("Anonymous" if not linkback else url))[:200],
        "author_email": email[:254],
        "author_url": url[:500],
        "content": comment.content,
        "content_html": sanitise_response_html(autop(comment.content)),
        "source_url": url[:2000] if linkback else "",
        "source_title": name[:300] if linkback else "",
        "ip_address": ip or None,
        "created_at": run.when(comment.date, comment.date_gmt) or timezone.now(),
    }


def import_responses(run: Importer, item: WPItem, page: Page, part: Summary) -> None:
    """The item's responses, created or updated, then threaded by ``comment_parent``."""
    comments = []
    for comment in item.comments:
        if not comment.comment_id or comment.comment_id in run.seen_comments:
            part.tally(
                summary_kind(comment), "skipped", run.label(item), "comment id missing or used twice in the export"
            )
            continue
        run.seen_comments.add(comment.comment_id)
        comments.append(comment)
    if not comments:
        return
    keys = {c.comment_id: import_key(run, c) for c in comments}
    existing = {r.import_key: r for r in Response.objects.filter(import_key__in=keys.values())}
    created, changed = [], []
    for comment in comments:
        values = response_values(run, comment, page)
        label = values["kind"] + "s"
        response = existing.get(keys[comment.comment_id])
        if response is None:
            response = Response(import_key=keys[comment.comment_id], **values)
            created.append(response)
            part.tally(label, "created")
        elif any(getattr(response, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(response, k, v)
            changed.append(response)
            part.tally(label, "updated")
        else:
            part.tally(label, "unchanged")
        existing[response.import_key] = response
    Response.objects.bulk_create(created)
    if created:
        ResponseEvent.objects.bulk_create(
            ResponseEvent(
                response=r, action="imported", status_to=r.status, note=f"Imported from WordPress ({r.import_key})."
            )
            for r in created
        )
    threaded = thread(run, item, comments, keys, existing, part)
    Response.objects.bulk_update({r.pk: r for r in changed + threaded}.values(), [*values, "parent"])


def thread(
    run: Importer,
    item: WPItem,
    comments: list[WPComment],
    keys: dict[str, str],
    existing: dict[str, Response],
    part: Summary,
) -> list[Response]:
    """Set each response's parent; the ones whose parent changed are returned to be saved."""
    threaded = []
    parents = {c.comment_id: c.parent_id for c in comments}
    for comment in comments:
        response = existing[keys[comment.comment_id]]
        parent = existing.get(keys.get(comment.parent_id, "")) if comment.parent_id != "0" else None
        if comment.parent_id != "0" and parent is None:
            part.note(
                run.label(item),
                f"comment {comment.comment_id} replies to comment {comment.parent_id}, which is not in the export",
            )
        if parent is not None and in_cycle(comment.comment_id, parents):
            part.note(run.label(item), f"comment {comment.comment_id} is in a reply loop; shown at the top level")
            parent = None
        if response.parent_id != (parent.pk if parent else None):
            response.parent = parent
            threaded.append(response)
    return threaded


def in_cycle(comment_id: str, parents: dict[str, str]) -> bool:
    """A hostile export can make comments reply to each other in a loop, which no thread can show."""
    current = parents.get(comment_id)
    for _ in range(len(parents)):
        if current == comment_id:
            return True
        if current not in parents:
            return False
        current = parents[current]
    return current == comment_id
