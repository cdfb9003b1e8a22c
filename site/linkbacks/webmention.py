"""Webmention (W3C): cheap checks in the request, verification in a background task.

A repeated webmention re-runs the whole intake on the response it created; a source that answers
410 or no longer links removes it, and so does a 404 confirmed by one retry some minutes later
(WordPress answers 404 for a trashed post). When the source has an h-entry, its author (name,
photo, url), its title and, for a short reply to the target, its content come from microformats;
otherwise the words around the link are shown, as for a pingback. mf2py only ever sees the bytes
we fetched (``doc=``), so it never fetches anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import mf2py
from django.db import transaction
from django.utils import timezone

from discussion import moderation
from discussion.models import Response
from safefetch import fetch

from . import excerpt, receiving
from .models import IncomingWebmention

CONFIRM_GONE_AFTER = timedelta(minutes=10)
CONTENT_MAX = 600  # a reply's h-entry content up to this length is shown as is; otherwise the excerpt


@dataclass(frozen=True)
class Authorship:
    name: str = ""
    url: str = ""
    photo: str = ""
    content: str = ""  # only for a short reply to the target; otherwise the excerpt around the link is shown
    title: str = ""  # the entry's own name (a WordPress post's entry-title), never a note's implied text
    site_name: str = ""  # a top-level h-card's name: the site's name, stripped from the end of <title>


def _first(properties: dict, name: str):
    values = properties.get(name) or []
    return values[0] if values else None


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("value") or ""
    return excerpt.collapse(str(value or ""))


def _entries(items: list[dict]):
    for item in items:
        if "h-entry" in item.get("type", []):
            yield item
        yield from _entries(item.get("children", []))


def _replies_to(properties: dict, target: str) -> bool:
    wanted = excerpt.canonical(target)
    for value in properties.get("in-reply-to") or []:
        url = value.get("properties", {}).get("url", [value.get("value")])[0] if isinstance(value, dict) else value
        if isinstance(url, str) and excerpt.canonical(url) == wanted:
            return True
    return False


def authorship(html: str, url: str, target: str) -> Authorship:
    """Author, title and (for a short reply to ``target``) content of the page's first h-entry.

    A WordPress post's ``hentry`` reads as an h-entry too; its whole text is not a comment, so
    content is kept only when the entry says it replies to the target (``in-reply-to``)."""
    try:
        parsed = mf2py.parse(doc=html, url=url, html_parser="lxml", metaformats=False)
    except Exception:  # microformats are a bonus; a page mf2py cannot read still verifies
        return Authorship()
    items = parsed.get("items", [])
    card = next((item for item in items if "h-card" in item.get("type", [])), None)
    site_name = _text(_first(card.get("properties", {}), "name")) if card else ""
    entry = next(_entries(items), None)
    if entry is None:
        return Authorship(site_name=site_name[:200])
    properties = entry.get("properties", {})
    author = _first(properties, "author")
    name = author_url = photo = ""
    if isinstance(author, dict):
        card = author.get("properties", {})
        name = _text(_first(card, "name"))
        author_url = _text(_first(card, "url")) or _text(author.get("value"))
        photo = _text(_first(card, "photo"))
    elif author:
        name = _text(author)
    content = _text(_first(properties, "content"))
    title = _text(_first(properties, "name"))
    if content and title and content.startswith(title.rstrip("…. ")):  # a note's name is its text
        title = ""
    reply = _replies_to(properties, target) and len(content) <= CONTENT_MAX
    return Authorship(
        name=name[:200],
        url=author_url if author_url.startswith(("http://", "https://")) else "",
        photo=photo if photo.startswith(("http://", "https://")) else "",
        content=content if reply else "",
        title=title[: excerpt.TITLE_MAX],
        site_name=site_name[:200],
    )


def accept(source: str, target: str, context: moderation.RequestContext) -> IncomingWebmention:
    """The synchronous checks (400 on failure), then a queued verification."""
    for name, url in (("source", source), ("target", target)):
        try:
            fetch.check_url(url)
        except fetch.InvalidURL:
            raise receiving.LinkbackError(f"The {name} {url!r} is not a valid http or https URL.") from None
    receiving.check_not_same(source, target)
    try:
        page = receiving.accepting_page(target)
    except receiving.LinkbackError as error:
        raise receiving.TargetRefused(error.message) from None
    receiving.throttle(context.ip, source)
    return IncomingWebmention.objects.create(
        source=source, target=target, page=page, ip_address=context.ip, user_agent=context.user_agent
    )


def verify(mention: IncomingWebmention) -> IncomingWebmention:
    """Fetch the source and register, update or remove the response; the outcome is on ``mention``."""
    page = mention.page.specific
    existing = (
        Response.objects.filter(page=page, source_url=mention.source, kind=Response.Kind.WEBMENTION)
        .exclude(status=Response.Status.TRASH)
        .first()
    )
    try:
        verified = receiving.verify(mention.source, mention.target, page=page)
    except receiving.NoLink as error:
        return _remove(mention, existing, error.message)
    except receiving.SourceMissing as error:
        if existing is not None and error.status == 410:
            return _remove(mention, existing, error.message)
        if existing is not None and error.status == 404:
            return _confirm_gone(mention, existing, error.message)
        return _finish(mention, IncomingWebmention.Status.REJECTED, error.message)
    except receiving.LinkbackError as error:
        return _finish(mention, IncomingWebmention.Status.REJECTED, error.message)

    who = authorship(verified.html, verified.final_url, mention.target)
    title = who.title or excerpt.page_title(excerpt.parse(verified.html), (who.site_name,)) or verified.title
    verified = replace(verified, title=title)
    mention.author_photo = who.photo
    context = moderation.RequestContext(ip=mention.ip_address, user_agent=mention.user_agent)
    if existing is not None:
        return _update(mention, existing, verified, who, context)

    response = receiving.new_response(
        Response.Kind.WEBMENTION, page, verified, author_name=who.name, content=who.content
    )
    if who.url:
        response.author_url = who.url[:500]
    response.author_photo = who.photo if len(who.photo) <= 2000 else ""
    try:
        response = receiving.submit(response, context)
    except receiving.LinkbackError as error:
        return _finish(mention, IncomingWebmention.Status.REJECTED, error.message)
    mention.response = response if response.pk else None
    return _finish(mention, IncomingWebmention.Status.ACCEPTED, f"Registered; the response is {response.status}.")


def _update(
    mention: IncomingWebmention,
    existing: Response,
    verified: receiving.Verified,
    who: Authorship,
    context: moderation.RequestContext,
) -> IncomingWebmention:
    """The source changed: the new words go through the whole intake again, so an approval given to
    other words is not kept for spam links or a new name sent later."""
    existing.author_name = (who.name or verified.title)[:200]
    existing.author_url = (who.url or verified.source_url)[:500]
    existing.author_photo = who.photo if len(who.photo) <= 2000 else ""
    existing.content = who.content or verified.excerpt
    existing.content_html = ""
    existing.source_title = verified.title[:300]
    try:
        moderation.resubmit(
            existing, request_context=context, action="webmention-updated", note=f"Re-verified {mention.source}."
        )
    except moderation.Rejected as rejected:
        return _finish(mention, IncomingWebmention.Status.REJECTED, rejected.message)
    mention.response = existing
    message = f"The source still links here; response updated and checked again: it is {existing.status}."
    return _finish(mention, IncomingWebmention.Status.UPDATED, message)


def _confirm_gone(mention: IncomingWebmention, existing: Response, reason: str) -> IncomingWebmention:
    """404 once: ask again after CONFIRM_GONE_AFTER (a page being moved, a server hiccup); 404 twice:
    the post was deleted (WordPress answers 404 for a trashed post, never 410), remove the response."""
    if mention.attempts >= 1:
        return _remove(mention, existing, f"{reason} Still missing on a second look, so it was deleted.")
    from . import tasks

    mention.attempts += 1
    mention.next_attempt_at = timezone.now() + CONFIRM_GONE_AFTER
    mention.message = f"{reason} Checking again after {mention.next_attempt_at:%H:%M} UTC before removing it."
    mention.save(update_fields=["attempts", "next_attempt_at", "message", "updated_at"])
    if tasks.verify_webmention.get_backend().supports_defer:
        tasks.verify_webmention.using(run_after=mention.next_attempt_at).enqueue(mention.pk)
    return mention


def _remove(mention: IncomingWebmention, existing: Response | None, reason: str) -> IncomingWebmention:
    if existing is None:
        return _finish(mention, IncomingWebmention.Status.REJECTED, reason)
    with transaction.atomic():
        IncomingWebmention.objects.filter(response=existing).update(response=None)
        existing.delete()
    mention.response = None
    return _finish(mention, IncomingWebmention.Status.DELETED, reason)


def _finish(mention: IncomingWebmention, status: str, message: str) -> IncomingWebmention:
    mention.status = status
    mention.message = message
    mention.save()
    return mention
