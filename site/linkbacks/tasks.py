"""Background work for linkbacks: verifying webmentions and sending ours.

Tasks take ids, re-read their rows and do nothing when the work is done, so retries and duplicate
enqueues are harmless (`task_worker` from the database queue; in-process in tests).
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from worker.schedule import periodic

from . import sending, webmention
from .models import IncomingWebmention, OutgoingLinkback

FIRST_RETRY = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=12)
MAX_ATTEMPTS = 6


@task()
def verify_webmention(mention_id: int) -> str:
    mention = IncomingWebmention.objects.filter(pk=mention_id).select_related("page").first()
    if mention is None or mention.status != IncomingWebmention.Status.QUEUED:
        return "nothing to do"
    if mention.next_attempt_at is not None and mention.next_attempt_at > timezone.now():
        return "not due yet"  # the second look at a source that answered 404
    return webmention.verify(mention).status


@task()
def send_page_linkbacks(page_id: int) -> int:
    """Find the links in a published page and queue one send per link that needs one."""
    return len([send_linkback.enqueue(pk) for pk in sending.plan(page_id)])


@task()
def send_linkback(outgoing_id: int) -> str:
    outgoing = OutgoingLinkback.objects.filter(pk=outgoing_id).select_related("page").first()
    if outgoing is None or outgoing.status not in (OutgoingLinkback.Status.QUEUED, OutgoingLinkback.Status.RETRYING):
        return "nothing to do"
    due = outgoing.next_attempt_at
    if outgoing.status == OutgoingLinkback.Status.RETRYING and due is not None and due > timezone.now():
        return "not due yet"  # a duplicate (the deferred task and the sweep): keep the back-off
    sending.send(outgoing)
    if outgoing.status == OutgoingLinkback.Status.RETRYING:
        schedule_retry(outgoing)
    return outgoing.status


def schedule_retry(outgoing: OutgoingLinkback) -> None:
    """Back off (doubling) and retry; give up after MAX_ATTEMPTS."""
    if outgoing.attempts >= MAX_ATTEMPTS:
        outgoing.status = OutgoingLinkback.Status.FAILED
        outgoing.next_attempt_at = None
        outgoing.save(update_fields=["status", "next_attempt_at", "updated_at"])
        return
    when = timezone.now() + min(FIRST_RETRY * 2 ** (outgoing.attempts - 1), LONGEST_WAIT)
    outgoing.next_attempt_at = when
    outgoing.save(update_fields=["next_attempt_at", "updated_at"])
    if send_linkback.get_backend().supports_defer:
        send_linkback.using(run_after=when).enqueue(outgoing.pk)


@periodic(every=timedelta(minutes=10))
@task()
def retry_due_linkbacks() -> int:
    """The workers' sweep: retry what is due, also when its deferred task was lost (or the backend cannot
    defer): outgoing linkbacks, and second looks at webmention sources that answered 404."""
    due = OutgoingLinkback.objects.filter(
        status=OutgoingLinkback.Status.RETRYING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    looks = IncomingWebmention.objects.filter(
        status=IncomingWebmention.Status.QUEUED, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return len([send_linkback.enqueue(pk) for pk in due]) + len([verify_webmention.enqueue(pk) for pk in looks])
