"""The moderation pipeline every response goes through: comments from the form, and linkbacks.

Layers, in WordPress's order: page open? flood? duplicate? then blocked words and the honeypot
(spam), Akismet (spam / discard / error), then the hold rules (manual moderation, links, moderation
words, previously approved). Every step that decides something leaves a ResponseEvent.

Nothing waits on the network before the save. A response Akismet must judge is stored pending
(its author sees it, held for them) together with the task that asks Akismet (`outbox`), so a
killed process loses neither; the request then gives Akismet AKISMET_REQUEST_BUDGET seconds, whole
call, and applies an answer that comes in time. Otherwise the worker judges it seconds later.
Flood control is a claim in the shared `limits` cache; duplicates are refused by a unique
constraint on the response's fingerprint, so concurrent copies cannot both land.
"""

import enum
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from pagecache import fragments

from . import akismet, limits, options, outbox, publishing, text
from .models import DiscussionSettings, Response, ResponseEvent, has_discussion, takes_linkbacks

logger = logging.getLogger(__name__)
Status = Response.Status
MODERATE_PERMISSION = "discussion.change_response"
SWEEP_GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class RequestContext:
    """What the request that brought a response tells us about its sender."""

    ip: str | None = None
    user_agent: str = ""
    referrer: str = ""
    permalink: str = ""
    user: object | None = None
    honeypot_tripped: bool = False
    honeypot_field_name: str = ""

    @classmethod
    def from_request(cls, request, *, permalink: str = "", **extra) -> "RequestContext":
        return cls(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:1000],
            referrer=request.META.get("HTTP_REFERER", "")[:2000],
            permalink=permalink,
            user=getattr(request, "user", None),
            **extra,
        )

    @property
    def is_moderator(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.has_perm(MODERATE_PERMISSION))


class Refusal(enum.StrEnum):
    """Why a response is refused; each protocol answers it in its own terms (``http_status`` for the form)."""

    INVALID = "invalid"  # a field cannot be stored as sent
    NO_DISCUSSION = "no-discussion"  # the page takes no responses of this kind
    CLOSED = "closed"  # it does, but not now (closed, old, a reply to an unpublished response)
    DUPLICATE = "duplicate"
    FLOOD = "flood"

    @property
    def http_status(self) -> int:
        return {"invalid": 400, "no-discussion": 404, "closed": 403, "duplicate": 409, "flood": 429}[self.value]


class Rejected(Exception):
    """The response is refused outright (nothing is saved); its kind and message go back to the sender."""

    def __init__(self, kind: Refusal, message: str, field: str | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field = field

    @property
    def http_status(self) -> int:
        return self.kind.http_status


@dataclass
class Decision:
    status: str
    reason: str
    events: list[tuple[str, str]] = field(default_factory=list)
    ask_akismet: bool = False


DUPLICATE = "Duplicate comment: it looks as though you’ve already said that!"
DUPLICATE_SOURCE = "A response from that URL is already registered for this page."
FLOOD = "You are posting comments too quickly. Please wait a few seconds and send again."


def _duplicate(response: Response) -> Rejected:
    return Rejected(Refusal.DUPLICATE, DUPLICATE if response.kind == Response.Kind.COMMENT else DUPLICATE_SOURCE)


def submit(
    response: Response, *, request_context: RequestContext, before_save: Callable[[], list[str]] | None = None
) -> Response:
    """Run an unsaved response through every layer, save it with its history, and return it.

    Used by the comment form and by the linkbacks receivers (pingback, trackback, webmention).
    The caller fills page, kind, author_*, content (and source_url/source_title for linkbacks);
    `content_html` is rendered from `content` when empty and sanitised otherwise.

    Raises Rejected before anything is saved, with its Refusal: INVALID a URL too long to store,
    NO_DISCUSSION the page takes no such response, CLOSED closed or a reply to an unpublished
    response, DUPLICATE, FLOOD.
    Over-long names and titles are shortened to fit. Otherwise the response is saved as approved,
    pending or spam, and `response` is updated in place with what Akismet said within the budget;
    if Akismet says "discard" and AKISMET_STRICT_DISCARD is on, the row is gone (pk is None).
    Akismet failing or not configured never loses a response: it is kept pending and rechecked.
    `before_save` runs first in the save's transaction (the comment form marks its token used there)
    and returns the limits keys it claimed, released if the save fails where the limits are not rows
    of the transaction; what it raises goes back to the caller, with nothing saved.
    """
    from . import tasks

    ctx = request_context
    page = response.page.specific
    response.ip_address = response.ip_address or ctx.ip
    response.user_agent = response.user_agent or ctx.user_agent
    response.referrer = response.referrer or ctx.referrer
    response.content_html = (
        text.sanitise(response.content_html) if response.content_html else text.render(response.content)
    )
    _fit(response)
    _gate(response, page)
    permalink = ctx.permalink or page.full_url or ""
    response.akismet_payload = akismet.payload_for(
        response, permalink=permalink, honeypot_field_name=ctx.honeypot_field_name
    )
    decision = _decide(response, ctx, page)
    response.status = decision.status
    response.fingerprint = fingerprint(response)
    response.author_notified = response.author_notified or publishing.is_quiet()  # stored quietly: no author email
    if decision.ask_akismet:  # the queued task checks it at once; the sweep only if that task was lost
        response.akismet_next_check_at = timezone.now() + SWEEP_GRACE
    poster_id = ctx.user.pk if ctx.is_moderator else None
    if _duplicates(response).exists():  # before flood control, as in WordPress: a double click hears "duplicate"
        raise _duplicate(response)
    claimed: list[str] = []  # limits keys before_save claimed
    flood_keys: list[str] = []
    try:
        # With the limits in the database, the claims are rows of this transaction: one write lock
        # for the claims and the response, and a refusal or a rollback leaves no claim behind.
        with transaction.atomic():
            if before_save is not None:
                claimed = before_save()
            flood_keys += [] if ctx.is_moderator else _claim_flood(response)  # moderators are exempt, as in WordPress
            _save_unique(response)
            for action, note in decision.events:
                _record(response, action, note=note)
            _record(
                response,
                f"status-{decision.status}",
                status_to=decision.status,
                note=decision.reason,
                actor=ctx.user if ctx.is_moderator else None,
            )
            queued_check = _follow_up(response, poster_id, decision)
    except BaseException:
        if not limits.in_database():  # there they rolled back with the response
            for key in claimed + flood_keys:
                limits.release(key)
        raise
    if decision.ask_akismet:
        outcome = tasks.LEFT_FOR_WORKER
        if settings.AKISMET_REQUEST_BUDGET > 0:
            outcome = tasks.judge_posted(response, seconds=settings.AKISMET_REQUEST_BUDGET, queued=queued_check)
        if outcome in (tasks.LEFT_FOR_WORKER, tasks.JUDGED_ALREADY):
            _refresh(response)  # the worker may have been quicker
    return response


def resubmit(response: Response, *, request_context: RequestContext, action: str, note: str = "") -> Response:
    """Run a stored response whose words changed (a resent webmention) through the intake again, as a
    new submission would: the page still open, blocked words, Akismet, the hold rules.

    An approved response that no longer passes goes back to pending (or to spam); one in spam stays
    there whatever the new words say. The history gets ``action`` (with ``note``), the checks and
    the change of status. Raises Rejected, changing nothing, when the page no longer takes it."""
    ctx = request_context
    page = response.page.specific
    response.content_html = (
        text.sanitise(response.content_html) if response.content_html else text.render(response.content)
    )
    _fit(response)
    _gate(response, page)
    response.akismet_payload = akismet.payload_for(response, permalink=ctx.permalink or page.full_url or "")
    response.akismet_result, response.akismet_attempts, response.akismet_discard = "", 0, False  # new words
    decision = _decide(response, ctx, page)
    old = response.status
    if old == Status.SPAM:
        decision = Decision(Status.SPAM, "Was spam before the change; stays spam.", decision.events)
    response.status = decision.status
    response.fingerprint = fingerprint(response)
    response.akismet_next_check_at = timezone.now() + SWEEP_GRACE if decision.ask_akismet else None
    with transaction.atomic():
        response.save()
        _record(response, action, note=note)
        for event, event_note in decision.events:
            _record(response, event, note=event_note)
        if decision.status != old:
            _record(
                response, f"status-{decision.status}", status_from=old, status_to=decision.status, note=decision.reason
            )
        _follow_up(response, None, decision)
    _refresh(response)
    return response


def fingerprint(response: Response) -> str:
    """Same page, same parent, same author, same words (or, for a linkback, the same source URL)."""
    if response.kind == Response.Kind.COMMENT:
        parts = ["comment", str(response.parent_id or ""), response.author_name, response.author_email.lower()]
        parts.append(response.content)
    else:
        parts = ["source", response.source_url]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest() if parts[-1] else ""


def _duplicates(response: Response):
    existing = Response.objects.filter(page=response.page_id).exclude(status=Status.TRASH)
    if response.kind == Response.Kind.COMMENT:
        return existing.filter(
            parent=response.parent_id,
            author_name=response.author_name,
            author_email__iexact=response.author_email,
            content=response.content,
        )
    if not response.source_url:
        return existing.none()
    return existing.filter(source_url=response.source_url)


def _save_unique(response: Response) -> None:
    """Save; when a concurrent copy committed first, the constraint refuses this one (409)."""
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        response.pk = None
        if response.fingerprint and _duplicates(response).exists():
            raise _duplicate(response) from None
        raise


def _claim_flood(response: Response) -> list[str]:
    """One comment per sender (address, and email) every DISCUSSION_FLOOD_SECONDS, across processes.

    The same comment again is not a flood: it meets the duplicate rule, or is stored if its first copy
    never was (a proxy resending after the app died mid-request). Returns the keys this call claimed."""
    seconds = options.current().flood_seconds
    if response.kind != Response.Kind.COMMENT or seconds <= 0:
        return []
    keys = [f"flood:ip:{limits.client_key(response.ip_address)}"] if response.ip_address else []
    if response.author_email:
        keys.append(f"flood:email:{response.author_email.strip().lower()}")
    claimed = []
    for key in keys:
        if limits.claim(key, seconds, holder=response.fingerprint):
            claimed.append(key)
        elif not limits.held_by(key, response.fingerprint):
            for done in claimed:
                limits.release(done)
            raise Rejected(Refusal.FLOOD, FLOOD)
    return claimed


def _refresh(response: Response) -> None:
    """What the request hands back reflects a verdict applied meanwhile (or a discarded row)."""
    fresh = Response.objects.filter(pk=response.pk).values("status", "akismet_result", "akismet_discard").first()
    if fresh is None:
        response.pk = None
        return
    for name, value in fresh.items():
        setattr(response, name, value)


def _fit(response: Response) -> None:
    """Keep every row storable (PostgreSQL enforces max_length): shorten names, refuse huge URLs,
    drop a photo that is not an http(s) URL that fits (the Gravatar is shown instead)."""
    for name in ("author_name", "source_title"):
        limit = Response._meta.get_field(name).max_length
        value = text.clean_line(getattr(response, name))
        setattr(response, name, value if len(value) <= limit else value[: limit - 1] + "…")
    for name in ("author_url", "source_url", "author_email"):
        if len(getattr(response, name)) > Response._meta.get_field(name).max_length:
            raise Rejected(Refusal.INVALID, f"The {Response._meta.get_field(name).verbose_name} is too long.")
    if not response.author_name:
        response.author_name = "Anonymous"
    photo = text.http_url(response.author_photo.strip())
    response.author_photo = photo if len(photo) <= Response._meta.get_field("author_photo").max_length else ""


def _gate(response: Response, page) -> None:
    if not has_discussion(page):
        raise Rejected(Refusal.NO_DISCUSSION, "This page has no discussion.")
    if response.kind == Response.Kind.COMMENT:
        reason = page.comments_closed_reason()
        if reason:
            raise Rejected(Refusal.CLOSED, reason)
    elif not takes_linkbacks(page):
        raise Rejected(Refusal.NO_DISCUSSION, "This page does not take linkbacks.")
    elif not page.linkbacks_open():
        raise Rejected(Refusal.CLOSED, "Linkbacks are closed on this page.")
    if response.parent_id is not None:
        parent = response.parent
        if parent.page_id != response.page_id or parent.status != Status.APPROVED:
            raise Rejected(Refusal.CLOSED, "You can only reply to a published response on this page.")


def _matches(words: list[str], response: Response) -> str:
    haystack = "\n".join(
        [
            response.author_name,
            response.author_email,
            response.author_url,
            response.source_url,
            response.content,
            str(response.ip_address or ""),
            response.user_agent,
        ]
    ).casefold()
    return next((word for word in words if word.casefold() in haystack), "")


def _word_lists(page) -> tuple[list[str], list[str]]:
    """The page's site's moderation and blocked words, read once per content version (saving them
    changes it): the comment POST asks twice, before its save and for Akismet's verdict."""
    parts = page.get_url_parts()  # the site from Wagtail's cached root paths, not a query
    if parts is None:
        return [], []
    return fragments.cached("discussion-words", (parts[0],), lambda: _read_word_lists(parts[0]))


def _read_word_lists(site_id: int) -> tuple[list[str], list[str]]:
    stored = DiscussionSettings.objects.filter(site=site_id).first()  # no row: no words
    if stored is None:
        return [], []
    return DiscussionSettings.words(stored.moderation_words), DiscussionSettings.words(stored.blocked_words)


def _decide(response: Response, ctx: RequestContext, page) -> Decision:
    if ctx.is_moderator:
        return Decision(Status.APPROVED, f"Posted by moderator {ctx.user}.")
    moderation_words, blocked_words = _word_lists(page)
    blocked = _matches(blocked_words, response)
    if blocked:
        return Decision(Status.SPAM, f"Contains the blocked word “{blocked}”.", [("blocked-word", blocked)])
    if ctx.honeypot_tripped:
        return Decision(Status.SPAM, "The hidden honeypot field was filled in.", [("honeypot", "")])

    if akismet.configured():
        return Decision(Status.PENDING, "Waiting for Akismet's check.", ask_akismet=True)
    verdict, note = akismet.check(response.akismet_payload)  # UNCONFIGURED: no network
    response.akismet_result = verdict
    events = [(f"check-{verdict}", note)]
    if options.current().hold_without_akismet:
        return Decision(Status.PENDING, "Held until Akismet can check it.", events)
    status, reason = hold_rules(response, moderation_words)
    return Decision(status, reason, events)


def hold_rules(response: Response, moderation_words: list[str] | None = None) -> tuple[str, str]:
    """WordPress's check_comment(): hold, or approve; for responses Akismet did not call spam."""
    if moderation_words is None:
        moderation_words = _word_lists(response.page)[0]
    if options.current().manual_moderation:
        return Status.PENDING, "Every response is held for moderation (manual moderation)."
    links = text.count_links(response.content_html)
    limit = options.current().links_to_hold
    if response.kind == Response.Kind.COMMENT and links >= limit:
        return Status.PENDING, f"Held: {links} links (the limit is {limit})."
    word = _matches(moderation_words, response)
    if word:
        return Status.PENDING, f"Held: contains the moderation word “{word}”."
    if options.current().previously_approved and not (
        response.author_email
        and Response.objects.filter(
            author_email__iexact=response.author_email, author_name=response.author_name, status=Status.APPROVED
        ).exists()
    ):
        return Status.PENDING, "Held: first response from this author."
    return Status.APPROVED, "Passed every check."


def _record(
    response: Response, action: str, *, note: str = "", status_from: str = "", status_to: str = "", actor=None
) -> ResponseEvent:
    return ResponseEvent.objects.create(
        response=response,
        action=action,
        note=note[:2000],
        status_from=status_from,
        status_to=status_to,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def record(response: Response, action: str, note: str = "", actor=None) -> ResponseEvent:
    """Add a history entry that is not a change of status (a check, a report, an email)."""
    return _record(response, action, note=note, actor=actor)


def _follow_up(response: Response, poster_id: int | None, decision: Decision) -> str | None:
    """Queue what the saved response needs, in its transaction: Akismet, a recheck, the emails.
    Returns the queued Akismet check's row, which a verdict given in the request withdraws."""
    from . import tasks

    notify = not publishing.is_quiet()
    if decision.ask_akismet:
        return outbox.enqueue(tasks.check_response, response.pk)
    elif response.status == Status.APPROVED and notify:
        outbox.enqueue(tasks.notify_new_response, response.pk, poster_id)
    elif response.status == Status.PENDING:
        if response.akismet_result == akismet.Verdict.UNCONFIGURED:
            tasks.schedule_recheck(response)
        if notify:
            outbox.enqueue(tasks.notify_moderators, response.pk)
    return None


def set_status(response: Response, status: str, *, actor=None, reason: str = "", report: bool = False) -> bool:
    """Move a response to another status, with a history entry and the follow-up work.

    `report=True` marks a person's decision (admin, bulk action, email link): moving into or out of
    spam then sends submit-spam / submit-ham to Akismet, as its plugin does. Rechecks, imports and
    other automatic changes leave it False. Returns False when the response already had that status.
    """
    old = response.status
    if old == status:
        return False
    from . import tasks

    response.status = status
    fields = ["status", "updated_at"]
    if old == Status.TRASH and response.fingerprint and _duplicates(response).exclude(pk=response.pk).exists():
        response.fingerprint = ""  # restored beside a copy posted meanwhile: both stay, as the moderator asked
        fields.append("fingerprint")
    verdict = None
    if report and response.akismet_payload:
        if status == Status.SPAM and old in (Status.APPROVED, Status.PENDING):
            verdict = "spam"
        elif old == Status.SPAM and status in (Status.APPROVED, Status.PENDING):
            verdict = "ham"
    with transaction.atomic():
        response.save(update_fields=fields)
        _record(response, f"status-{status}", status_from=old, status_to=status, note=reason, actor=actor)
        if verdict:
            outbox.enqueue(tasks.report_to_akismet, response.pk, verdict)
        if status == Status.APPROVED and not publishing.is_quiet():
            outbox.enqueue(tasks.notify_new_response, response.pk, getattr(actor, "pk", None))
    return True


def status_before_spam(response: Response) -> str:
    """ "Not spam" puts a response back where it was before it was called spam (approved or pending)."""
    event = response.history.filter(status_to=Status.SPAM).exclude(status_from="").order_by("-at", "-id").first()
    return Status.APPROVED if event and event.status_from == Status.APPROVED else Status.PENDING


def reply_as_moderator(parent: Response, user, text_: str) -> Response:
    """A moderator answers from the queue, as WordPress's "Approve and reply": the reply is theirs,
    approved at once (no intake checks, no Akismet), and a held parent is approved with it."""
    with transaction.atomic():
        if parent.status == Status.PENDING:
            set_status(parent, Status.APPROVED, actor=user, reason="Approved by replying from the queue.", report=True)
        reply = Response.objects.create(
            page=parent.page,
            parent=parent,
            kind=Response.Kind.COMMENT,
            status=Status.APPROVED,
            author_name=user.get_full_name() or user.get_username(),
            author_email=user.email,
            content=text_,
        )
        _record(reply, "posted", status_to=Status.APPROVED, note="Reply from the moderation queue.", actor=user)
        from . import tasks

        outbox.enqueue(tasks.notify_new_response, reply.pk, user.pk)
    return reply
