"""Telling the pages we link to: webmention where offered, else pingback; our own pages directly.

Each link in a published page gets one OutgoingLinkback row that records what was sent and the
answer. A link is sent again only when the page's text changed (a fingerprint of its body), and a
link that left the page is sent once more to webmention endpoints, so they can remove the mention.
So is every webmention of a page that is unpublished or deleted (the spec's "senders SHOULD re-send
on delete"): the receiver re-fetches our page, gets 410 Gone (``middleware.GoneMiddleware``) and
removes the mention. Rows outlive a deleted page, keeping its address for that answer.

The TrackBack URLs an author pastes into "Send trackbacks to" get rows of kind ``trackback``,
pinged once each (TrackBack has no update), with the same retries.
"""

from __future__ import annotations

import hashlib
import logging
import xmlrpc.client
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from discussion import moderation
from discussion.models import Response, has_discussion, takes_linkbacks
from safefetch import fetch

from . import discovery, excerpt, receiving, trackback
from .models import OutgoingLinkback

logger = logging.getLogger(__name__)
Status = OutgoingLinkback.Status
Kind = OutgoingLinkback.Kind
MAX_LINKS = 50
ANSWER_MAX = 1_000
ANSWER_BYTES = 64 * 1024
TRACKBACK_EXCERPT = 252
TRACKBACK_AGENT = fetch.UserAgent("Backchannel-Linkbacks/1.0", "sending a trackback")


def body_html(page: Page) -> str:
    """The HTML of the page's own content (StreamFields and rich text), without navigation or footer."""
    parts = []
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            parts.append(str(getattr(page, field.name).render_as_block()))
        elif isinstance(field, RichTextField):
            parts.append(expand_db_html(getattr(page, field.name) or ""))
    return "\n".join(parts)


def links_in(html: str, base_url: str) -> list[str]:
    """Absolute http(s) links, without fragments, in order, once each; links to the page itself and to
    bare home pages (nothing to mention) are skipped, as WordPress does."""
    found: dict[str, None] = {}
    own = excerpt.canonical(base_url) if base_url else ""
    for node in excerpt.parse(html).css("a[href]"):
        url = urljoin(base_url, (node.attributes.get("href") or "").strip())
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        url = urlunsplit(parts._replace(fragment=""))
        if excerpt.canonical(url) == own or (parts.path in ("", "/") and not parts.query):
            continue
        found.setdefault(url, None)
    return list(found)[:MAX_LINKS]


def fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def plan(page_id: int) -> list[int]:
    """Rows to send for a just-published page: new links, every link when the text changed, and removed
    links that a webmention endpoint was told about."""
    page = Page.objects.live().filter(pk=page_id).first()
    if page is None:
        return []
    page = page.specific
    html = body_html(page)
    source = page.full_url
    if not source:  # not under any site: there is no URL to tell anyone about
        return []
    links = links_in(html, source)
    digest = fingerprint(html)
    queued = []
    existing = {row.target_url: row for row in OutgoingLinkback.objects.filter(page=page)}
    for url in links:
        row = existing.get(url)
        if row is not None and row.status == Status.RECORDED:  # told by the old site, before an import
            if not row.still_linked:
                row.still_linked = True
                row.save(update_fields=["still_linked", "updated_at"])
            continue
        # Back after an unpublish: the targets were told the page is gone, so they are told again.
        if row is not None and row.content_hash == digest and row.still_linked and not row.source_gone:
            continue
        row = row or OutgoingLinkback(page=page, target_url=url)
        row.content_hash, row.still_linked, row.status, row.attempts = digest, True, Status.QUEUED, 0
        row.source_url, row.source_gone = source, False
        row.save()
        queued.append(row.pk)
    queued += _plan_trackbacks(page, source, digest, existing, links)
    for url, row in existing.items():
        if url not in links and row.still_linked and row.kind != Kind.TRACKBACK:
            row.still_linked = False
            resend = row.kind == Kind.WEBMENTION and row.status == Status.SENT
            row.status = Status.QUEUED if resend else row.status
            row.content_hash = digest
            row.save()
            if resend:
                queued.append(row.pk)
    OutgoingLinkback.objects.filter(page=page).exclude(source_url=source, source_gone=False).update(
        source_url=source, source_gone=False
    )
    return queued


def _plan_trackbacks(page: Page, source: str, digest: str, existing: dict, links: list[str]) -> list[int]:
    """Rows for the page's "Send trackbacks to" URLs: each is pinged once, as WordPress does (its
    ``pinged`` list); a URL that is also a link in the text gets its webmention or pingback instead."""
    queued = []
    for url in page.trackback_targets() if has_discussion(page) else []:
        if url in existing or url in links:
            continue
        row = OutgoingLinkback.objects.create(
            page=page, target_url=url, kind=Kind.TRACKBACK, endpoint=url, content_hash=digest, source_url=source
        )
        queued.append(row.pk)
    return queued


def trackback_excerpt(page: Page) -> str:
    """What a TrackBack ping says about the page: its search description, else the start of its text
    (252 characters, as WordPress sends)."""
    text = excerpt.collapse(page.search_description) or excerpt.collapse(excerpt.parse(body_html(page)).text() or "")
    return text if len(text) <= TRACKBACK_EXCERPT else text[: TRACKBACK_EXCERPT - 1].rsplit(" ", 1)[0] + "…"


def record_as_sent(page: Page) -> int:
    """Record every link now in ``page`` as already told, without sending anything; returns how many.

    For quiet publishing (``discussion.publishing.quietly``): an imported post's links were pinged
    from the old site long ago, so only links added by a later edit are sent. Links already sent
    from here keep their rows, with the current fingerprint so an unchanged page sends nothing again.
    """
    page = page.specific
    html = body_html(page)
    source = page.full_url or ""
    digest = fingerprint(html)
    existing = {row.target_url: row for row in OutgoingLinkback.objects.filter(page=page)}
    trackbacks = page.trackback_targets() if has_discussion(page) else []
    links = list(dict.fromkeys(links_in(html, source) + trackbacks))
    for url in links:
        row = existing.get(url) or OutgoingLinkback(
            page=page,
            target_url=url,
            status=Status.RECORDED,
            kind=Kind.TRACKBACK if url in trackbacks else Kind.NONE,
            answer="Not sent: published quietly (an import).",
        )
        row.content_hash, row.still_linked, row.source_url, row.source_gone = digest, True, source, False
        row.save()
    return len(links)


def plan_gone(page: Page) -> list[int]:
    """Rows to send because ``page`` is being unpublished or deleted: each webmention it sent.

    Runs inside the unpublish or delete (the page still has its URL); sends not made yet are dropped,
    since there is nothing left to mention."""
    source = page.full_url or ""
    rows = OutgoingLinkback.objects.filter(page=page)
    if not source or not rows.exists():
        return []
    rows.update(source_url=source, source_gone=True)
    # Any target that ever accepted a webmention from this page may hold a mention, even one whose
    # later update (or removal notice) is still pending.
    queued = list(rows.filter(kind=Kind.WEBMENTION, sent_at__isnull=False).values_list("pk", flat=True))
    rows.filter(pk__in=queued).update(status=Status.QUEUED, attempts=0, next_attempt_at=None)
    rows.exclude(pk__in=queued).filter(status__in=[Status.QUEUED, Status.RETRYING]).update(
        status=Status.FAILED, next_attempt_at=None, answer="Not sent: the page was unpublished first."
    )
    return queued


def send(outgoing: OutgoingLinkback) -> OutgoingLinkback:
    """One attempt; the outcome (status, kind, endpoint, answer) is saved on the row."""
    source = outgoing.source_url or (outgoing.page.full_url if outgoing.page else "") or ""
    outgoing.attempts += 1
    if outgoing.source_gone:  # only webmention can say "gone"; the row was a sent webmention
        return _send_remote(outgoing, source)
    if outgoing.page is None:
        return _done(outgoing, Status.FAILED, outgoing.kind, outgoing.endpoint, "Not sent: the page was deleted.")
    page = outgoing.page.specific
    if outgoing.kind == Kind.TRACKBACK:
        return _send_trackback(outgoing, page, source)
    try:
        target_page = receiving.find_page(outgoing.target_url)
    except receiving.TargetMissing as error:
        return _done(outgoing, Status.NO_ENDPOINT, Kind.NONE, "", error.message)
    except receiving.TargetRefused:
        return _send_remote(outgoing, source)
    return _register_locally(outgoing, page, target_page, source)


def _register_locally(outgoing: OutgoingLinkback, page: Page, target_page: Page, source: str) -> OutgoingLinkback:
    """A link to one of our pages becomes a pingback response directly, with no HTTP round trip."""
    if not outgoing.still_linked:
        return _done(outgoing, Status.LOCAL, Kind.LOCAL, "", "The link was removed; local responses stay.")
    if not takes_linkbacks(target_page) or not target_page.linkbacks_open():
        return _done(outgoing, Status.NO_ENDPOINT, Kind.LOCAL, "", "That page of ours does not take linkbacks.")
    found = excerpt.extract(body_html(page), outgoing.target_url, source)
    if found is None:
        return _done(outgoing, Status.NO_ENDPOINT, Kind.LOCAL, "", "The link is no longer in the page.")
    verified = receiving.Verified(source, source, "", page.title, found.text)
    response = receiving.new_response(Response.Kind.PINGBACK, target_page, verified)
    revision = page.latest_revision
    context = moderation.RequestContext(user=getattr(revision, "user", None), permalink=target_page.full_url or "")
    try:
        receiving.submit(response, context)
    except receiving.AlreadyRegistered:
        return _done(outgoing, Status.LOCAL, Kind.LOCAL, "", "Already registered on that page.")
    except receiving.LinkbackError as error:
        return _done(outgoing, Status.NO_ENDPOINT, Kind.LOCAL, "", error.message)
    return _done(outgoing, Status.LOCAL, Kind.LOCAL, "", f"Registered as a {response.status} pingback.")


def _send_remote(outgoing: OutgoingLinkback, source: str) -> OutgoingLinkback:
    try:
        endpoint = discovery.discover(outgoing.target_url)
    except (fetch.Unreachable, fetch.UpstreamError) as error:
        return _done(outgoing, Status.RETRYING, Kind.NONE, "", str(error))
    except fetch.FetchError as error:
        return _done(outgoing, Status.FAILED, Kind.NONE, "", str(error))
    if endpoint is None:
        return _done(outgoing, Status.NO_ENDPOINT, Kind.NONE, "", "The page advertises no webmention or pingback.")
    if outgoing.source_gone and endpoint.kind != discovery.WEBMENTION:
        return _done(outgoing, Status.NO_ENDPOINT, endpoint.kind, "", "No webmention endpoint to tell it is gone.")
    try:
        if endpoint.kind == discovery.WEBMENTION:
            return _send_webmention(outgoing, endpoint.url, source)
        return _send_pingback(outgoing, endpoint.url, source)
    except (fetch.Unreachable, fetch.UpstreamError) as error:
        return _done(outgoing, Status.RETRYING, endpoint.kind, endpoint.url, str(error))
    except fetch.FetchError as error:
        return _done(outgoing, Status.FAILED, endpoint.kind, endpoint.url, str(error))


def _send_webmention(outgoing: OutgoingLinkback, endpoint: str, source: str) -> OutgoingLinkback:
    answer = fetch.request(
        "POST",
        endpoint,
        data={"source": source, "target": outgoing.target_url},
        agent=discovery.AGENT,
        headers={"Accept": "*/*"},
        max_bytes=ANSWER_BYTES,
    )
    text = f"HTTP {answer.status}: {answer.content.decode('utf-8', 'replace')}".strip()
    if 200 <= answer.status < 300:
        status = Status.SENT
    elif answer.status == 429 or answer.status >= 500:
        status = Status.RETRYING
    else:
        status = Status.FAILED
    return _done(outgoing, status, Kind.WEBMENTION, endpoint, text)


def _send_pingback(outgoing: OutgoingLinkback, endpoint: str, source: str) -> OutgoingLinkback:
    call = xmlrpc.client.dumps((source, outgoing.target_url), "pingback.ping").encode("utf-8")
    answer = fetch.request(
        "POST",
        endpoint,
        content=call,
        agent=discovery.AGENT,
        headers={"Content-Type": "text/xml", "Accept": "text/xml"},
        max_bytes=ANSWER_BYTES,
    )
    if answer.status != 200:
        status = Status.RETRYING if answer.status == 429 or answer.status >= 500 else Status.FAILED
        return _done(outgoing, status, Kind.PINGBACK, endpoint, f"HTTP {answer.status}")
    try:
        (result,), _ = xmlrpc.client.loads(answer.content)
    except xmlrpc.client.Fault as error:
        if error.faultCode == 0x30:  # already registered: done, as WordPress counts it
            return _done(outgoing, Status.SENT, Kind.PINGBACK, endpoint, f"Fault 48: {error.faultString}")
        retry = error.faultCode in (0x10, 0x32)
        return _done(
            outgoing,
            Status.RETRYING if retry else Status.FAILED,
            Kind.PINGBACK,
            endpoint,
            f"Fault {error.faultCode}: {error.faultString}",
        )
    except Exception as error:  # any unreadable answer
        return _done(outgoing, Status.FAILED, Kind.PINGBACK, endpoint, f"Unreadable XML-RPC answer ({error}).")
    return _done(outgoing, Status.SENT, Kind.PINGBACK, endpoint, str(result))


def _send_trackback(outgoing: OutgoingLinkback, page: Page, source: str) -> OutgoingLinkback:
    """POST the spec's form (title, url, excerpt, blog_name) and read its ``<error>`` reply; unlike
    WordPress, which marks any answer as pinged, a refusal is recorded as failed with its message."""
    site = page.get_site()
    fields = {
        "title": page.title,
        "url": source,
        "excerpt": trackback_excerpt(page),
        "blog_name": site.site_name if site is not None and site.site_name else settings.WAGTAIL_SITE_NAME,
    }
    try:
        answer = fetch.request(
            "POST",
            outgoing.target_url,
            data=fields,
            agent=TRACKBACK_AGENT,
            headers={"Accept": "text/xml, application/xml;q=0.9, */*;q=0.1"},
            max_bytes=ANSWER_BYTES,
        )
    except (fetch.Unreachable, fetch.UpstreamError) as error:
        return _done(outgoing, Status.RETRYING, Kind.TRACKBACK, outgoing.target_url, str(error))
    except fetch.FetchError as error:
        return _done(outgoing, Status.FAILED, Kind.TRACKBACK, outgoing.target_url, str(error))
    if answer.status == 429 or answer.status >= 500:
        return _done(outgoing, Status.RETRYING, Kind.TRACKBACK, outgoing.target_url, f"HTTP {answer.status}")
    if answer.status != 200:
        return _done(outgoing, Status.FAILED, Kind.TRACKBACK, outgoing.target_url, f"HTTP {answer.status}")
    refused, message = trackback.read_reply(answer.content)
    if refused:
        return _done(outgoing, Status.FAILED, Kind.TRACKBACK, outgoing.target_url, f"Refused: {message}")
    return _done(outgoing, Status.SENT, Kind.TRACKBACK, outgoing.target_url, message or "Trackback accepted.")


def _done(outgoing: OutgoingLinkback, status: str, kind: str, endpoint: str, answer: str) -> OutgoingLinkback:
    outgoing.status, outgoing.kind, outgoing.endpoint = status, kind, endpoint
    outgoing.answer = answer[:ANSWER_MAX]
    if status in (Status.SENT, Status.LOCAL):
        outgoing.sent_at = timezone.now()
    outgoing.save()
    if status in (Status.SENT, Status.LOCAL, Status.FAILED, Status.NO_ENDPOINT):
        logger.info("Linkback %s from page %s to %s: %s", status, outgoing.page_id, outgoing.target_url, answer)
    return outgoing
