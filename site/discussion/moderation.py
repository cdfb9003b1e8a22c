"""The moderation pipeline every response goes through: comments from the form, and linkbacks.

Layers, in WordPress's order: page open? flood? duplicate? then blocked words and the honeypot
(spam), Akismet (spam / discard / error), then the hold rules (manual moderation, links, moderation
words, previously approved). Every step that decides something leaves a ResponseEvent.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import akismet, text
from .models import DiscussionMixin, DiscussionSettings, Response, ResponseEvent

logger = logging.getLogger(__name__)
Status = Response.Status
MODERATE_PERMISSION = "discussion.change_response"


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


class Rejected(Exception):
    """The response is refused outright (nothing is saved); status and message go back to the sender."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass
class Decision:
    status: str
    reason: str
    events: list[tuple[str, str]] = field(default_factory=list)


def submit(response: Response, *, request_context: RequestContext) -> Response:
    """Run an unsaved response through every layer, save it with its history, and return it.

    Used by the comment form and by the linkbacks receivers (pingback, trackback, webmention).
    The caller fills page, kind, author_*, content (and source_url/source_title for linkbacks);
    `content_html` is rendered from `content` when empty and sanitised otherwise.

    Raises Rejected before anything is saved: 400 a URL too long to store, 404 the page has no
    discussion, 403 closed or a reply to an unpublished response, 409 duplicate, 429 flood.
    Over-long names and titles are shortened to fit. Otherwise the response is saved as approved,
    pending or spam; if Akismet says "discard" and AKISMET_STRICT_DISCARD is on, it is returned
    unsaved (pk is None).
    Akismet failing or not configured never loses a response: it is kept pending and rechecked.
    """
    ctx = request_context
    page = response.page.specific
    response.ip_address = response.ip_address or ctx.ip
    response.user_agent = response.user_agent or ctx.user_agent
    response.referrer = response.referrer or ctx.referrer
    response.content_html = (
        text.sanitise(response.content_html) if response.content_html else text.render(response.content)
    )
    _fit(response)
    _gate(response, page, ctx)

    permalink = ctx.permalink or page.full_url or ""
    response.akismet_payload = akismet.payload_for(
        response, permalink=permalink, honeypot_field_name=ctx.honeypot_field_name
    )
    decision = _decide(response, ctx, page)
    if decision is None:
        logger.info("Discarded blatant spam on page %s from %s", page.pk, response.ip_address)
        return response
    response.status = decision.status
    with transaction.atomic():
        response.save()
        for action, note in decision.events:
            _record(response, action, note=note)
        _record(
            response,
            f"status-{decision.status}",
            status_to=decision.status,
            note=decision.reason,
            actor=ctx.user if ctx.is_moderator else None,
        )
    poster_id = ctx.user.pk if ctx.is_moderator else None
    transaction.on_commit(lambda: _after_save(response.pk, poster_id))
    return response


def _fit(response: Response) -> None:
    """Keep every row storable (PostgreSQL enforces max_length): shorten names, refuse huge URLs,
    drop a photo that is not an http(s) URL that fits (the Gravatar is shown instead)."""
    for name in ("author_name", "source_title"):
        limit = Response._meta.get_field(name).max_length
        value = text.clean_line(getattr(response, name))
        setattr(response, name, value if len(value) <= limit else value[: limit - 1] + "…")
    for name in ("author_url", "source_url", "author_email"):
        if len(getattr(response, name)) > Response._meta.get_field(name).max_length:
            raise Rejected(400, f"The {Response._meta.get_field(name).verbose_name} is too long.")
    if not response.author_name:
        response.author_name = "Anonymous"
    photo = text.http_url(response.author_photo.strip())
    response.author_photo = photo if len(photo) <= Response._meta.get_field("author_photo").max_length else ""


def _gate(response: Response, page, ctx: RequestContext) -> None:
    if not isinstance(page, DiscussionMixin):
        raise Rejected(404, "This page has no discussion.")
    if response.kind == Response.Kind.COMMENT:
        reason = page.comments_closed_reason()
        if reason:
            raise Rejected(403, reason)
    elif not page.linkbacks_open():
        raise Rejected(403, "Linkbacks are closed on this page.")
    if response.parent_id is not None:
        parent = response.parent
        if parent.page_id != response.page_id or parent.status != Status.APPROVED:
            raise Rejected(403, "You can only reply to a published response on this page.")
    existing = Response.objects.filter(page=response.page_id).exclude(status=Status.TRASH)
    if response.kind == Response.Kind.COMMENT:
        if not ctx.is_moderator:  # as in WordPress, moderators are exempt from flood control, not from duplicates
            _check_flood(response)
        duplicate = existing.filter(
            parent=response.parent_id,
            author_name=response.author_name,
            author_email__iexact=response.author_email,
            content=response.content,
        )
        if duplicate.exists():
            raise Rejected(409, "Duplicate comment: it looks as though you’ve already said that!")
    elif response.source_url and existing.filter(source_url=response.source_url).exists():
        raise Rejected(409, "A response from that URL is already registered for this page.")


def _check_flood(response: Response) -> None:
    since = timezone.now() - timedelta(seconds=settings.DISCUSSION_FLOOD_SECONDS)
    same_sender = Q(author_email__iexact=response.author_email) if response.author_email else Q(pk__in=[])
    if response.ip_address:
        same_sender |= Q(ip_address=response.ip_address)
    if Response.objects.filter(same_sender, kind=Response.Kind.COMMENT, created_at__gte=since).exists():
        raise Rejected(429, "You are posting comments too quickly. Please wait a few seconds and send again.")


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
    site = page.get_site()
    if site is None:
        return [], []
    options = DiscussionSettings.for_site(site)
    return DiscussionSettings.words(options.moderation_words), DiscussionSettings.words(options.blocked_words)


def _decide(response: Response, ctx: RequestContext, page) -> Decision | None:
    if ctx.is_moderator:
        return Decision(Status.APPROVED, f"Posted by moderator {ctx.user}.")
    moderation_words, blocked_words = _word_lists(page)
    blocked = _matches(blocked_words, response)
    if blocked:
        return Decision(Status.SPAM, f"Contains the blocked word “{blocked}”.", [("blocked-word", blocked)])
    if ctx.honeypot_tripped:
        return Decision(Status.SPAM, "The hidden honeypot field was filled in.", [("honeypot", "")])

    verdict, note = akismet.check(response.akismet_payload)
    response.akismet_result = verdict
    events = [(f"check-{verdict}", note)]
    if verdict == akismet.Verdict.DISCARD:
        if settings.AKISMET_STRICT_DISCARD:
            return None
        response.akismet_discard = True
        return Decision(Status.SPAM, note, events)
    if verdict == akismet.Verdict.SPAM:
        return Decision(Status.SPAM, note, events)
    if verdict == akismet.Verdict.ERROR or (
        verdict == akismet.Verdict.UNCONFIGURED and settings.DISCUSSION_HOLD_WITHOUT_AKISMET
    ):
        return Decision(Status.PENDING, "Held until Akismet can check it.", events)
    status, reason = hold_rules(response, moderation_words)
    return Decision(status, reason, events)


def hold_rules(response: Response, moderation_words: list[str] | None = None) -> tuple[str, str]:
    """WordPress's check_comment(): hold, or approve; for responses Akismet did not call spam."""
    if moderation_words is None:
        moderation_words = _word_lists(response.page)[0]
    if settings.DISCUSSION_MANUAL_MODERATION:
        return Status.PENDING, "Every response is held for moderation (manual moderation)."
    links = text.count_links(response.content_html)
    if response.kind == Response.Kind.COMMENT and links >= settings.DISCUSSION_LINKS_TO_HOLD:
        return Status.PENDING, f"Held: {links} links (the limit is {settings.DISCUSSION_LINKS_TO_HOLD})."
    word = _matches(moderation_words, response)
    if word:
        return Status.PENDING, f"Held: contains the moderation word “{word}”."
    if settings.DISCUSSION_PREVIOUSLY_APPROVED and not (
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


def _after_save(response_id: int, poster_id: int | None) -> None:
    from . import tasks

    response = Response.objects.filter(pk=response_id).first()
    if response is None:
        return
    if response.status == Status.APPROVED:
        tasks.notify_new_response.enqueue(response_id, poster_id)
    elif response.status == Status.PENDING:
        if response.akismet_result in (akismet.Verdict.ERROR, akismet.Verdict.UNCONFIGURED):
            tasks.schedule_recheck(response)
        if response.akismet_result != akismet.Verdict.ERROR:  # after an outage, the recheck sends it
            tasks.notify_moderators.enqueue(response_id)


def set_status(response: Response, status: str, *, actor=None, reason: str = "", report: bool = False) -> bool:
    """Move a response to another status, with a history entry and the follow-up work.

    `report=True` marks a person's decision (admin, bulk action, email link): moving into or out of
    spam then sends submit-spam / submit-ham to Akismet, as its plugin does. Rechecks, imports and
    other automatic changes leave it False. Returns False when the response already had that status.
    """
    old = response.status
    if old == status:
        return False
    response.status = status
    with transaction.atomic():
        response.save(update_fields=["status", "updated_at"])
        _record(response, f"status-{status}", status_from=old, status_to=status, note=reason, actor=actor)
    verdict = None
    if report and response.akismet_payload:
        if status == Status.SPAM and old in (Status.APPROVED, Status.PENDING):
            verdict = "spam"
        elif old == Status.SPAM and status in (Status.APPROVED, Status.PENDING):
            verdict = "ham"
    response_id = response.pk
    actor_id = getattr(actor, "pk", None)

    def follow_up():
        from . import tasks

        if verdict:
            tasks.report_to_akismet.enqueue(response_id, verdict)
        if status == Status.APPROVED:
            tasks.notify_new_response.enqueue(response_id, actor_id)

    transaction.on_commit(follow_up)
    return True


def status_before_spam(response: Response) -> str:
    """ "Not spam" puts a response back where it was before it was called spam (approved or pending)."""
    event = response.history.filter(status_to=Status.SPAM).exclude(status_from="").order_by("-at", "-id").first()
    return Status.APPROVED if event and event.status_from == Status.APPROVED else Status.PENDING
