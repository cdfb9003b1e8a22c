"""Signed values the discussion hands out: the form's time token, the reader's pending-comment
cookie, and the links in moderation and reply emails. All use django.core.signing, so they expire
on their own; a form token's use is remembered in the limits cache until it would have expired.

A moderation link is signed for one moderator account and one state of the response
(``moderation_links`` checks both when it is used); an unsubscribe link for one response.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches

FORM_SALT = "discussion.form"
PENDING_SALT = "discussion.pending"
ACTION_SALT = "discussion.action"
MODERATION_SALT = "discussion.moderation"
PENDING_COOKIE = "discussion_pending"
# A reader may take this long to write, after the page (and its token) left every cache.
FORM_WRITING_TIME = 24 * 3600
PENDING_MAX_AGE = 30 * 24 * 3600
ACTION_MAX_AGE = 30 * 24 * 3600


class TokenError(Exception):
    """The token is missing, forged, expired or too fresh; the message is for the reader."""


def form_token(page_id: int, issued_at: float | None = None) -> str:
    """Issued with the form; a bot that posts faster than a person can type is refused."""
    return signing.dumps({"p": page_id, "t": issued_at if issued_at is not None else time.time()}, salt=FORM_SALT)


def form_max_age() -> int:
    """A token in a cached page stays good while the page can be served, from the app's cache or a
    proxy in front (settings PAGE_CACHE_*), and for a day of writing after that."""
    cached_for = settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_S_MAXAGE + settings.PAGE_CACHE_STALE_WHILE_REVALIDATE
    return cached_for + FORM_WRITING_TIME


def check_form_token(token: str, page_id: int) -> None:
    """Valid, for this page, not too fresh and not expired; `use_form_token` then marks its use."""
    try:
        data = signing.loads(token, salt=FORM_SALT, max_age=form_max_age())
    except signing.SignatureExpired:
        raise TokenError("This form has expired. Please send your comment again.") from None
    except signing.BadSignature:
        raise TokenError("This form could not be verified. Please reload the page and send again.") from None
    if data.get("p") != page_id:
        raise TokenError("This form belongs to another page. Please reload the page and send again.")
    age = time.time() - float(data.get("t", 0))
    if age > form_max_age():
        raise TokenError("This form has expired. Please send your comment again.")
    if age < settings.DISCUSSION_MIN_SUBMIT_SECONDS:
        raise TokenError("That was very quick. Please take a moment, then send your comment again.")


def use_form_token(token: str, client: str = "", submission: str = "") -> list[str]:
    """Not used before by this client for another comment; remembered as used by it from now on.

    One token is shared by everyone who gets the same cached page, so "used" is per client address:
    a replay from the same address with other words is refused, and the page sent back with the
    refusal carries a fresh token, so a person only has to press the button again. The same
    ``submission`` (a comment's fingerprint) sent again passes: a double click, or a proxy resending
    after the app died mid-request, then meets the duplicate rule, or is stored if the first copy
    never was. Called in the comment's save transaction: with the limits in the database, a comment
    refused or rolled back leaves its token unused; elsewhere the caller releases the keys returned
    (the mark this call made).
    """
    used = "discussion:form-used:" + hashlib.sha256(f"{token} {client}".encode()).hexdigest()[:40]
    limits = caches["limits"]  # shared by every process
    if limits.add(used, submission or True, form_max_age()):
        return [used]
    if not (submission and limits.get(used) == submission):
        raise TokenError("This form was already used to send a comment. Please press “Post comment” again.")
    return []


def read_pending(cookie: str | None) -> list[int]:
    """Ids of the reader's own held responses, so only they see them "awaiting moderation"."""
    if not cookie:
        return []
    try:
        ids = signing.loads(cookie, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)][-50:] if isinstance(ids, list) else []


def write_pending(ids: list[int]) -> str:
    return signing.dumps(ids[-50:], salt=PENDING_SALT)


def action_token(response_id: int, action: str) -> str:
    """For the unsubscribe link in reply emails (readers have no account to bind it to)."""
    return signing.dumps({"r": response_id, "a": action}, salt=ACTION_SALT)


def read_action(token: str) -> tuple[int, str]:
    """(response id, action)."""
    try:
        data = signing.loads(token, salt=ACTION_SALT, max_age=ACTION_MAX_AGE)
        return int(data["r"]), str(data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        raise TokenError("This link is invalid or has expired.") from None


@dataclass(frozen=True)
class ModerationLink:
    response_id: int
    action: str
    moderator_id: int
    state: str


def moderation_token(link: ModerationLink) -> str:
    data = {"r": link.response_id, "a": link.action, "u": link.moderator_id, "s": link.state}
    return signing.dumps(data, salt=MODERATION_SALT)


def read_moderation(token: str) -> ModerationLink:
    days = settings.DISCUSSION_MODERATION_LINK_DAYS
    try:
        data = signing.loads(token, salt=MODERATION_SALT, max_age=days * 24 * 3600)
        return ModerationLink(int(data["r"]), str(data["a"]), int(data["u"]), str(data["s"]))
    except signing.SignatureExpired:
        raise TokenError(f"This moderation link has expired (links work for {days} days).") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        raise TokenError("This moderation link is invalid.") from None
