"""Background work for the discussion: Akismet checks, rechecks and reports, and emails.

Each task takes an id, re-reads the row and does nothing when the work is already done, so a
retry or a duplicate enqueue is harmless. Tasks are enqueued through `outbox`, in the transaction
of the rows they are about. `manage.py task_worker` runs them from the database queue (and the
@periodic ones on schedule); tests run them with the immediate backend, on commit.
"""

import smtplib
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from pagecache import version
from worker.schedule import periodic

from . import akismet, akismet_health, moderation, notifications, outbox, publishing
from .models import Notification, Response

Status = Response.Status
Sent = Notification.Status
FIRST_RETRY = timedelta(minutes=20)  # Akismet's plugin retries every 20 minutes…
LONGEST_WAIT = timedelta(hours=6)  # …we back off, doubling, up to six hours.
EMAIL_FIRST_RETRY = timedelta(minutes=1)  # a refused or hung mail server: 1, 2, 4… minutes, at most an hour,
EMAIL_LONGEST_WAIT = timedelta(hours=1)
EMAIL_ATTEMPTS = 8  # …about two hours in all, then the email is marked failed for the admin
EMAIL_STUCK = timedelta(minutes=10)  # a send whose worker died is tried again after this
IN_FLIGHT = timedelta(minutes=1)  # a check the catch-up queued is not queued again for this long
WAITING = "waiting for Akismet"  # the breaker is open: left for the probe's catch-up
JUDGED_ALREADY = "judged already"  # by whoever answered first (the POST or the worker)
LEFT_FOR_WORKER = "left for the worker"  # the POST's check did not get a verdict in time
NOT_ASKED = {"nothing to do", JUDGED_ALREADY, "gave up", WAITING}


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** min(attempts, 10)), LONGEST_WAIT)


def schedule_recheck(response: Response) -> None:
    """Plan the next Akismet check: a deferred task where the backend supports it, else `recheck_responses`."""
    when = timezone.now() + backoff(response.akismet_attempts)
    Response.objects.filter(pk=response.pk).update(akismet_next_check_at=when)
    moderation.record(response, "recheck-scheduled", f"Next Akismet check at {when:%Y-%m-%d %H:%M} UTC.")
    if check_response.get_backend().supports_defer:
        outbox.enqueue(check_response, response.pk, run_after=when)


@task()
def check_response(response_id: int) -> str:
    """Ask Akismet about a held response (first check, or again after it could not answer)."""
    return judge(response_id)


def judge(response_id: int, *, seconds: float | None = None, probe: bool = False) -> str:
    """Check a response that waits for Akismet and apply the verdict; give up after DISCUSSION_RECHECK_DAYS.

    Called by the task and the probe. Whoever answers first applies the verdict (this or the comment
    POST's `judge_posted`): the update that claims the row only matches the state read here. While
    the breaker is open (`akismet_health`) only the probe asks Akismet: the worker leaves the
    response due for the catch-up.
    """
    response = Response.objects.filter(pk=response_id).select_related("page").first()
    if response is None or response.status != Status.PENDING or response.akismet_next_check_at is None:
        return "nothing to do"
    if timezone.now() - response.created_at > timedelta(days=settings.DISCUSSION_RECHECK_DAYS):
        Response.objects.filter(pk=response_id).update(akismet_next_check_at=None)
        days = settings.DISCUSSION_RECHECK_DAYS
        moderation.record(response, "recheck-gave-up", f"Akismet could not check it within {days} days; left for you.")
        if response.akismet_result == akismet.Verdict.ERROR:  # the moderator email was held back until now
            outbox.enqueue(notify_moderators, response_id)
        return "gave up"
    if not probe and akismet_health.is_open():
        Response.objects.filter(pk=response_id, akismet_next_check_at=response.akismet_next_check_at).update(
            akismet_next_check_at=timezone.now()
        )
        return WAITING
    return _ask(response, seconds=seconds, probe=probe)


def judge_posted(response: Response, *, seconds: float, queued: str | None) -> str:
    """The comment POST's check of the response it has just stored (pending, never asked), as it is in
    memory: Akismet gets `seconds`, whole call. Late, failing or with the breaker open, the check is
    left to the queued task and nothing is recorded; a verdict in time withdraws that task (`queued`),
    sparing the worker a write, and is applied to `response` too."""
    if akismet_health.is_open():
        return LEFT_FOR_WORKER
    if not Response.objects.filter(pk=response.pk, akismet_result="", akismet_next_check_at__isnull=False).exists():
        return JUDGED_ALREADY  # by a worker that was quicker (or the immediate backend, on commit)
    return _ask(response, seconds=seconds, in_request=True, queued=queued)


def _ask(
    response: Response,
    *,
    seconds: float | None,
    in_request: bool = False,
    probe: bool = False,
    queued: str | None = None,
) -> str:
    again = bool(response.akismet_result)  # a first check has no result yet
    verdict, note = akismet.check(response.akismet_payload, recheck_reason="retry" if again else "", seconds=seconds)
    if verdict == akismet.Verdict.ERROR:
        akismet_health.failed()
        if in_request:
            return LEFT_FOR_WORKER
    elif verdict != akismet.Verdict.UNCONFIGURED and akismet_health.answered() and not probe:
        outbox.enqueue(catch_up)  # this answer ended an outage: everything waiting is checked now
    # What the verdict leads to is read before the write transaction: SQLite has one writer at a time.
    hold = moderation.hold_rules(response) if verdict == akismet.Verdict.HAM else None
    approves = hold is not None and hold[0] == Status.APPROVED  # readers will see it: a new content version
    with version.written_first() if approves else nullcontext(), transaction.atomic():
        claimed = Response.objects.filter(
            pk=response.pk,
            status=Status.PENDING,
            akismet_next_check_at=response.akismet_next_check_at,
            akismet_attempts=response.akismet_attempts,
        ).update(
            akismet_result=verdict,
            akismet_attempts=F("akismet_attempts") + (1 if again else 0),
            akismet_next_check_at=None,
            akismet_discard=verdict == akismet.Verdict.DISCARD,
        )
        if not claimed:
            return JUDGED_ALREADY
        outbox.withdraw(queued)
        response.akismet_result, response.akismet_next_check_at = verdict, None  # as the claim wrote them
        response.akismet_attempts += 1 if again else 0
        response.akismet_discard = verdict == akismet.Verdict.DISCARD
        moderation.record(response, f"{'recheck' if again else 'check'}-{verdict}", note)
        return _apply(response, verdict, note, hold)


def _apply(response: Response, verdict: str, note: str, hold: tuple[str, str] | None) -> str:
    if verdict in (akismet.Verdict.ERROR, akismet.Verdict.UNCONFIGURED):
        schedule_recheck(response)
        return "still unreachable"
    if verdict == akismet.Verdict.DISCARD and settings.AKISMET_STRICT_DISCARD:
        response.delete()
        return "discarded"
    if verdict in (akismet.Verdict.SPAM, akismet.Verdict.DISCARD):
        moderation.set_status(response, Status.SPAM, reason=note)
        return "spam"
    status, reason = hold
    if status == Status.APPROVED:
        moderation.set_status(response, status, reason=reason)
    else:
        moderation.record(response, "held", reason)
        outbox.enqueue(notify_moderators, response.pk)
    return status


def _waiting():
    """Responses that wait for Akismet and could be checked now: due, or backed off after an error."""
    waiting = Response.objects.filter(status=Status.PENDING, akismet_next_check_at__isnull=False)
    return waiting.filter(Q(akismet_next_check_at__lte=timezone.now()) | Q(akismet_result=akismet.Verdict.ERROR))


def probe_due() -> bool:
    """The probe's condition: the breaker is open, or responses wait that Akismet could check now."""
    return akismet.configured() and (akismet_health.is_open() or _waiting().exists())


@periodic(every=akismet_health.PROBE_EVERY, when=probe_due)
@task()
def probe_akismet() -> str:
    """Ask Akismet about the response that has waited longest (or verify the key when none waits);
    when it answers, close the breaker and check every waiting response at once (`catch_up`)."""
    if not akismet.configured():
        return "not configured"
    oldest = _waiting().order_by("created_at").values_list("pk", flat=True).first()
    outcome = judge(oldest, probe=True) if oldest is not None else WAITING
    if outcome == "still unreachable":
        return "Akismet is still down"
    if outcome in NOT_ASKED:
        if not akismet.answers():
            akismet_health.failed()
            return "Akismet is still down"
        akismet_health.answered()
    outbox.enqueue(catch_up)
    return "Akismet answers"


@task()
def catch_up() -> int:
    """Akismet answers again: every response waiting for it is checked now, not at its back-off time.

    Each one queued here is marked as in flight for IN_FLIGHT, so a later catch-up (the probe runs
    every 15 s) does not queue it twice while the first check waits in the queue."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            _waiting()
            .exclude(akismet_next_check_at__gt=now, akismet_next_check_at__lte=now + IN_FLIGHT)
            .values_list("pk", flat=True)
        )
        Response.objects.filter(pk__in=ids).update(akismet_next_check_at=now + IN_FLIGHT)
        for response_id in ids:
            outbox.enqueue(check_response, response_id)
    return len(ids)


@periodic(every=timedelta(minutes=10))
@task()
def recheck_responses() -> int:
    """Queue every Akismet check that is due: the workers' sweep, which also catches a check whose task was lost."""
    due = Response.objects.filter(status=Status.PENDING, akismet_next_check_at__lte=timezone.now())
    ids = list(due.order_by("akismet_next_check_at").values_list("pk", flat=True)[:500])
    for response_id in ids:
        outbox.enqueue(check_response, response_id)
    return len(ids)


@task()
def report_to_akismet(response_id: int, verdict: str) -> bool:
    """submit-spam / submit-ham after a moderator's decision, with the payload the check sent."""
    response = Response.objects.filter(pk=response_id).first()
    if response is None or not response.akismet_payload or not akismet.configured():
        return False
    try:
        akismet.report(response.akismet_payload, spam=verdict == "spam")
    except akismet.AkismetError as error:
        moderation.record(response, f"report-{verdict}-error", str(error)[:500])
        raise
    moderation.record(response, f"report-{verdict}", f"Reported to Akismet as {verdict}.")
    return True


@task()
def notify_new_response(response_id: int, moderator_id: int | None = None) -> int:
    """A response was approved: tell the post's authors, and the reader it replies to if they asked.

    `moderator_id` is the person who approved (or posted) it: as in WordPress, they are not told
    about what they just did themselves, even when they are the post's author.
    """
    response = Response.objects.filter(pk=response_id, status=Status.APPROVED).select_related("page").first()
    if response is None or response.author_notified:
        return 0
    moderator = get_user_model().objects.filter(pk=moderator_id).first() if moderator_id else None
    skip = {moderator.email.lower()} if moderator is not None and moderator.email else set()
    with transaction.atomic():  # the flag, the emails and their send tasks commit together
        Response.objects.filter(pk=response_id).update(author_notified=True)
        authors = notifications.new_response(response, skip=skip)
        if authors:
            moderation.record(response, "authors-notified", f"Emailed {authors} post author(s).")
        replied = notifications.reply(response, skip=skip)
        if replied:
            moderation.record(response, "reply-notified", "Emailed the author of the response it replies to.")
    return authors + replied


@task()
def notify_moderators(response_id: int) -> int:
    response = Response.objects.filter(pk=response_id, status=Status.PENDING).select_related("page").first()
    if response is None or publishing.is_quiet():  # run in-process inside an import: tell nobody
        return 0
    with transaction.atomic():
        sent = notifications.held(response)
        if sent:
            moderation.record(response, "moderators-notified", f"Emailed {sent} moderator(s).")
    return sent


@task()
def send_notification(notification_id: int) -> str:
    """Send one queued email (EMAIL_TIMEOUT bounds the SMTP conversation); retry with back-off, then fail.

    The conditional update claims the row, so two workers never send the same email."""
    now = timezone.now()
    claimable = Notification.objects.filter(pk=notification_id, status__in=[Sent.QUEUED, Sent.RETRYING])
    if not claimable.exclude(next_attempt_at__gt=now).update(status=Sent.SENDING, updated_at=now):
        return "nothing to do"
    notification = Notification.objects.select_related("response").get(pk=notification_id)
    message = EmailMessage(notification.subject, notification.body, to=[notification.to], headers=notification.headers)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        return _email_failed(notification, f"{type(error).__name__}: {error}", retry=True)
    except ValueError as error:  # a header Django refuses: sending again cannot help
        return _email_failed(notification, f"{type(error).__name__}: {error}", retry=False)
    notification.status, notification.sent_at, notification.last_error = Sent.SENT, timezone.now(), ""
    notification.attempts += 1
    notification.save(update_fields=["status", "sent_at", "last_error", "attempts", "updated_at"])
    return Sent.SENT


def _email_failed(notification: Notification, error: str, *, retry: bool) -> str:
    notification.attempts += 1
    notification.last_error = error[:2000]
    if retry and notification.attempts < EMAIL_ATTEMPTS:
        wait = min(EMAIL_FIRST_RETRY * 2 ** (notification.attempts - 1), EMAIL_LONGEST_WAIT)
        notification.status, notification.next_attempt_at = Sent.RETRYING, timezone.now() + wait
    else:
        notification.status, notification.next_attempt_at = Sent.FAILED, None
    with transaction.atomic():
        notification.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "updated_at"])
        if notification.status == Sent.RETRYING:
            outbox.enqueue(send_notification, notification.pk, run_after=notification.next_attempt_at)
        elif notification.response is not None:
            tries = notification.attempts
            note = f"Email to {notification.to} failed after {tries} attempt(s): {notification.last_error}"
            moderation.record(notification.response, "email-failed", note)
    return notification.status


@periodic(every=timedelta(minutes=5))
@task()
def send_due_notifications() -> int:
    """Queue the emails whose retry is due, and those whose sending worker died (the sweep behind the tasks)."""
    now = timezone.now()
    Notification.objects.filter(status=Sent.SENDING, updated_at__lt=now - EMAIL_STUCK).update(status=Sent.RETRYING)
    due = Notification.objects.filter(status__in=[Sent.QUEUED, Sent.RETRYING]).exclude(next_attempt_at__gt=now)
    ids = list(due.values_list("pk", flat=True)[:500])
    for notification_id in ids:
        outbox.enqueue(send_notification, notification_id)
    return len(ids)


@periodic(every=timedelta(days=1))
@task()
def purge_old_responses() -> dict:
    """Akismet's daily cleanup: spam older than 15 days and trash older than 30 go; the Akismet payload
    (IP, user agent, referrer) of anything older than 15 days is forgotten unless it is still pending."""
    now = timezone.now()
    spam_before = now - timedelta(days=settings.DISCUSSION_RECHECK_DAYS)
    spam, _ = Response.objects.filter(status=Status.SPAM, updated_at__lt=spam_before).delete()
    trash, _ = Response.objects.filter(status=Status.TRASH, updated_at__lt=now - timedelta(days=30)).delete()
    forgotten = (
        Response.objects.filter(created_at__lt=spam_before)
        .exclude(status=Status.PENDING)
        .exclude(akismet_payload={})
        .update(akismet_payload={})
    )
    return {"spam": spam, "trash": trash, "payloads": forgotten}
