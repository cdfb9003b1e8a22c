"""Emails about responses: to post authors, to moderators, and to readers who asked for replies.

Nothing here talks to the mail server: each message becomes a `Notification` row and a
`send_notification` task in one transaction (`outbox`), and the worker sends it with EMAIL_TIMEOUT,
retrying with back-off; the functions return how many messages they queued.
"""

from collections.abc import Collection

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from . import moderation_links, outbox, tokens
from .models import Notification, Response, has_discussion


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def subject_line(text: str) -> str:
    """Names and titles come from strangers (linkback titles too): one line, so no header injection."""
    return " ".join(f"[{settings.WAGTAIL_SITE_NAME}] {text}".split())[:200]


def queue(response: Response, purpose: str, messages: list[tuple[str, str, str]], headers: dict | None = None) -> int:
    """Store (subject, body, address) messages and queue their sending, all in one transaction."""
    from . import tasks

    with transaction.atomic():
        for subject, body, address in messages:
            notification = Notification.objects.create(
                response=response, purpose=purpose, to=address, subject=subject, body=body, headers=headers or {}
            )
            outbox.enqueue(tasks.send_notification, notification.pk)
    return len(messages)


def send_again(notification_ids: Collection[int]) -> int:
    """A moderator's "Send again": failed emails go back in the queue with a fresh set of tries, through
    the same send task; returns how many were requeued (emails that did not fail are left alone)."""
    from . import tasks

    with transaction.atomic():
        failed = Notification.objects.select_for_update().filter(
            pk__in=notification_ids, status=Notification.Status.FAILED
        )
        ids = list(failed.values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.QUEUED, attempts=0, next_attempt_at=None
        )
        for notification_id in ids:
            outbox.enqueue(tasks.send_notification, notification_id)
    return len(ids)


def response_link(response: Response) -> str:
    return (response.page.full_url or site_url(response.page.url or "/")) + f"#{response.anchor}"


def _describe(response: Response) -> str:
    lines = [f"{response.get_kind_display()} by {response.author_name}"]
    if response.author_url or response.source_url:
        lines.append(f"Website: {response.author_url or response.source_url}")
    lines += ["", response.content, ""]
    return "\n".join(lines)


def post_author_emails(page) -> list[str]:
    """Whom the page type names (``DiscussionMixin.discussion_recipients()``): a post's authors, else its owner."""
    page = page.specific
    return page.discussion_recipients() if has_discussion(page) else []


def new_response(response: Response, skip: Collection[str] = ()) -> int:
    """To the post's authors, except whoever wrote the response and the lower-cased addresses in `skip`."""
    skip = {*skip, response.author_email.lower()}
    recipients = [e for e in post_author_emails(response.page) if e.lower() not in skip]
    if not recipients:
        return 0
    subject = subject_line(f"New {response.get_kind_display().lower()} on “{response.page.title}”")
    body = f"{_describe(response)}\nSee it in context: {response_link(response)}\n"
    return queue(response, "authors", [(subject, body, r) for r in recipients])


def moderators() -> list:
    """Active accounts that may moderate and have an email address, one per address."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="change_response")
            | Q(groups__permissions__codename="change_response")
        )
        .distinct()
        .order_by("pk")
    )
    by_address = {}
    for user in users:
        by_address.setdefault(user.email.lower(), user)
    return sorted(by_address.values(), key=lambda user: user.email.lower())


def held(response: Response) -> int:
    """Each moderator gets approve / spam links that act as them only (``moderation_links``); with no
    moderator account, ``ADMINS`` are told where the queue is, with no links that act on their own."""
    accounts = moderators()
    recipients = [(user.email, user) for user in accounts] or [(email, None) for _name, email in settings.ADMINS]
    if not recipients:
        return 0
    pending = Response.objects.filter(status=Response.Status.PENDING).count()
    subject = subject_line(f"Please moderate: “{response.page.title}”")
    days = settings.DISCUSSION_MODERATION_LINK_DAYS

    def links(moderator) -> str:
        if moderator is None:
            return f"Moderate it in the admin: {site_url(reverse('wagtailsnippets_discussion_response:list'))}\n"
        link = {
            action: site_url(reverse("discussion:moderate", args=[moderation_links.token(response, action, moderator)]))
            for action in moderation_links.ACTIONS
        }
        return (
            f"Approve it: {link['approve']}\nSpam it: {link['spam']}\n"
            f"(These links act as you only, work once, and expire in {days} days.)\n"
        )

    def body(moderator) -> str:
        return (
            f"A new {response.get_kind_display().lower()} on “{response.page.title}” is waiting for your approval.\n"
            f"{response_link(response)}\n\n{_describe(response)}\n{links(moderator)}\n"
            f"Currently {pending} response(s) are waiting for approval.\n"
        )

    return queue(response, "moderators", [(subject, body(user), address) for address, user in recipients])


def reply(response: Response, skip: Collection[str] = ()) -> int:
    parent = response.parent
    if (
        parent is None
        or not parent.notify_replies
        or not parent.author_email
        or parent.author_email.lower() in {*skip, response.author_email.lower()}
    ):
        return 0
    unsubscribe = site_url(reverse("discussion:action", args=[tokens.action_token(parent.pk, "unsubscribe")]))
    subject = subject_line(f"{response.author_name} replied to you on “{response.page.title}”")
    body = (
        f"{_describe(response)}\nRead and reply: {response_link(response)}\n\n"
        f"Stop these emails with one click: {unsubscribe}\n"
    )
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return queue(response, "reply", [(subject, body, parent.author_email)], headers)
