"""Webmention (W3C): cheap checks in the request, verification in a background task.

A repeated webmention updates the response it created; a source that answers 410 or no longer
links removes it. When the source has an h-entry, its author (name, photo, url) and, for short
posts such as replies, its content come from microformats; mf2py only ever sees the bytes we
fetched (``doc=``), so it never fetches anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import mf2py
from django.db import transaction

from discussion import moderation, text
from discussion.models import Response
from safefetch import fetch

from . import excerpt, receiving
from .models import IncomingWebmention

CONTENT_MAX = 600  # an h-entry's content up to this length is shown as is (a reply); longer: the excerpt


@dataclass(frozen=True)
class Authorship:
    name: str = ""
    url: str = ""
    photo: str = ""
    content: str = ""


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


def authorship(html: str, url: str) -> Authorship:
    """Author and content of the page's first h-entry; empty when it has none."""
    try:
        parsed = mf2py.parse(doc=html, url=url, html_parser="lxml", metaformats=False)
    except Exception:  # microformats are a bonus; a page mf2py cannot read still verifies
        return Authorship()
    entry = next(_entries(parsed.get("items", [])), None)
    if entry is None:
        return Authorship()
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
    return Authorship(
        name=name[:200],
        url=author_url if author_url.startswith(("http://", "https://")) else "",
        photo=photo if photo.startswith(("http://", "https://")) else "",
        content=content if len(content) <= CONTENT_MAX else "",
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
        verified = receiving.verify(mention.source, mention.target)
    except receiving.NoLink as error:
        return _remove(mention, existing, error.message)
    except receiving.SourceMissing as error:
        if existing is not None and "HTTP 410" in error.message:
            return _remove(mention, existing, error.message)
        return _finish(mention, IncomingWebmention.Status.REJECTED, error.message)
    except receiving.LinkbackError as error:
        return _finish(mention, IncomingWebmention.Status.REJECTED, error.message)

    who = authorship(verified.html, verified.final_url)
    mention.author_photo = who.photo
    if existing is not None:
        existing.author_name = (who.name or verified.title)[:200]
        existing.author_url = (who.url or verified.source_url)[:500]
        existing.author_photo = who.photo if len(who.photo) <= 2000 else ""
        existing.content = who.content or verified.excerpt
        existing.content_html = text.render(existing.content)
        existing.source_title = verified.title[:300]
        existing.save()
        moderation.record(existing, "webmention-updated", f"Re-verified {mention.source}.")
        mention.response = existing
        return _finish(mention, IncomingWebmention.Status.UPDATED, "The source still links here; response updated.")

    response = receiving.new_response(
        Response.Kind.WEBMENTION, page, verified, author_name=who.name, content=who.content
    )
    if who.url:
        response.author_url = who.url[:500]
    response.author_photo = who.photo if len(who.photo) <= 2000 else ""
    context = moderation.RequestContext(ip=mention.ip_address, user_agent=mention.user_agent)
    try:
        response = receiving.submit(response, context)
    except receiving.LinkbackError as error:
        return _finish(mention, IncomingWebmention.Status.REJECTED, error.message)
    mention.response = response if response.pk else None
    return _finish(mention, IncomingWebmention.Status.ACCEPTED, f"Registered; the response is {response.status}.")


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
