"""The approve / spam links in moderation emails: issued to one moderator, for one state of a response.

A link is not a bearer token. It acts only as the account it was mailed to, only while that account
is active and may still moderate, only while nobody else is signed in in that browser, and only while
the response is exactly as the email described it: the first use (or any other moderation) changes
its state, so a link works once and can never undo a later decision. It also expires after
``DISCUSSION_MODERATION_LINK_DAYS``.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest

from . import moderation, tokens
from .models import Response

ACTIONS = {"approve": Response.Status.APPROVED, "spam": Response.Status.SPAM}


class Refused(Exception):
    """The link cannot be used; `status` is the HTTP status, `message` is for the person holding it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Checked:
    response: Response
    action: str
    moderator: object


def state(response: Response) -> str:
    """The response's status and its latest change of status: any moderation since makes a new state."""
    last = response.history.exclude(status_to="").order_by("-id").values_list("id", flat=True).first()
    return f"{response.status}:{last or 0}"


def token(response: Response, action: str, moderator) -> str:
    return tokens.moderation_token(tokens.ModerationLink(response.pk, action, moderator.pk, state(response)))


def _moderator(moderator_id: int):
    moderator = get_user_model().objects.filter(pk=moderator_id).first()
    if moderator is None:
        raise Refused(403, "This link was mailed to an account that no longer exists, so it cannot be used.")
    if not moderator.is_active:
        raise Refused(403, "This link was mailed to an account that has been deactivated, so it cannot be used.")
    if not moderator.has_perm(moderation.MODERATE_PERMISSION):
        raise Refused(403, "This link was mailed to an account that can no longer moderate responses.")
    return moderator


def _read(raw_token: str) -> tokens.ModerationLink:
    try:
        link = tokens.read_moderation(raw_token)
    except tokens.TokenError as error:
        raise Refused(400, f"{error} Moderate the response from the admin instead.") from None
    if link.action not in ACTIONS:
        raise Refused(400, "This moderation link is invalid.")
    return link


def check(raw_token: str, request: HttpRequest) -> Checked:
    """The response, action and moderator a link stands for, or Refused with the reason."""
    return _check(_read(raw_token), request)


def _check(link: tokens.ModerationLink, request: HttpRequest) -> Checked:
    response = Response.objects.filter(pk=link.response_id).select_related("page").first()
    if response is None:
        raise Refused(404, "That response no longer exists.")
    moderator = _moderator(link.moderator_id)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk != moderator.pk:
        raise Refused(
            403,
            f"This link was mailed to another moderator, and you are signed in as {user.get_username()}: "
            "it acts only for the person it was sent to. Moderate the response from the admin instead.",
        )
    if state(response) != link.state:
        raise Refused(
            409,
            "This response has been moderated since the email was sent (it is now "
            f"{response.get_status_display().lower()}), and a link works only once. "
            "Change it from the admin if you need to.",
        )
    return Checked(response, link.action, moderator)


def use(raw_token: str, request: HttpRequest) -> Response:
    """Check the link again under a row lock, so two clicks cannot both act, then moderate as its owner."""
    link = _read(raw_token)
    with transaction.atomic():
        Response.objects.select_for_update().filter(pk=link.response_id).values_list("pk", flat=True).first()
        checked = _check(link, request)
        moderation.set_status(
            checked.response,
            ACTIONS[checked.action],
            actor=checked.moderator,
            reason="From the moderation email link.",
            report=True,
        )
    return checked.response
