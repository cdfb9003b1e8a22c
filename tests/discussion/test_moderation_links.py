"""Moderation email links act once, as their recipient only, on the response the email described.

The audit found them to be 30-day bearer tokens: a link restored a trashed response, flipped spam and
approved back and forth, kept working for a moderator who had lost the permission or been deactivated,
and a signed-in non-moderator who POSTed one was credited with the decision.
"""

import re
import time

import pytest
from django.contrib.auth.models import Permission
from django.core import signing

from discussion import moderation
from discussion.models import Response
from tests.discussion.conftest import post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("mo", "mo@example.com", "a long password")
    user.user_permissions.add(Permission.objects.get(codename="change_response"))
    return user


@pytest.fixture
def held(client, post, settings, mailoutbox, moderator):
    """A held comment and the email its moderator got."""
    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, post, content="Held for a person")
    [mail] = [m for m in mailoutbox if m.to == ["mo@example.com"]]
    mailoutbox.clear()
    return Response.objects.get(), mail.body


def link(body: str, word: str) -> str:
    return re.search(rf"{word}: http://testserver(/discussion/moderate/[^/\s]+/)", body).group(1)


def status_of(response: Response) -> str:
    response.refresh_from_db()
    return response.status


def refused(reply, status: int, words: str) -> None:
    text = reply.content.decode()
    assert reply.status_code == status, text
    assert "This link cannot be used" in text and words in text
    assert "/admin/snippets/discussion/response/" in text, "the refusal says where to go instead"


def test_the_recipient_approves_without_signing_in_and_is_credited(client, held, moderator):
    response, body = held
    confirm = client.get(link(body, "Approve it"))
    assert confirm.status_code == 200 and "Approve this response?" in confirm.content.decode()
    assert status_of(response) == "pending", "GET only asks (mail scanners follow links)"
    reply = client.post(link(body, "Approve it"))
    assert reply.status_code == 200 and "now approved" in reply.content.decode()
    assert status_of(response) == "approved"
    assert response.history.get(action="status-approved").actor == moderator
    assert "expire in 3 days" in body and "work once" in body


def test_a_link_works_once(client, held):
    response, body = held
    approve = link(body, "Approve it")
    assert client.post(approve).status_code == 200
    refused(client.post(approve), 409, "works only once")
    assert response.history.filter(action="status-approved").count() == 1


def test_the_other_link_cannot_flip_the_decision_back_and_forth(client, held):
    response, body = held
    client.post(link(body, "Approve it"))
    refused(client.post(link(body, "Spam it")), 409, "it is now approved")
    assert status_of(response) == "approved"
    refused(client.post(link(body, "Approve it")), 409, "moderated since the email was sent")
    assert status_of(response) == "approved"


def test_a_link_cannot_restore_a_response_someone_else_trashed(client, held, admin_user):
    response, body = held
    moderation.set_status(response, "trash", actor=admin_user, report=True)
    refused(client.get(link(body, "Approve it")), 409, "it is now trash")
    refused(client.post(link(body, "Approve it")), 409, "it is now trash")
    assert status_of(response) == "trash"


def test_a_link_stays_dead_when_the_response_is_put_back_to_pending(client, held, admin_user):
    response, body = held
    moderation.set_status(response, "spam", actor=admin_user)
    moderation.set_status(response, "pending", actor=admin_user)
    refused(client.post(link(body, "Approve it")), 409, "it is now pending")
    assert status_of(response) == "pending"


def test_another_moderators_decision_ends_every_link_in_every_email(client, post, settings, mailoutbox, moderator):
    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, post)
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert set(bodies) == {"mo@example.com"}
    other = type(moderator).objects.create_user("mia", "mia@example.com", "a long password")
    other.user_permissions.add(Permission.objects.get(codename="change_response"))
    response = Response.objects.get()
    moderation.set_status(response, "approved", actor=other, report=True)
    refused(client.post(link(bodies["mo@example.com"], "Spam it")), 409, "it is now approved")


def test_checks_that_change_no_status_leave_the_link_working(client, held):
    response, body = held
    moderation.record(response, "akismet-recheck", "Akismet was unreachable; checked again.")
    assert client.post(link(body, "Spam it")).status_code == 200
    assert status_of(response) == "spam"


def test_a_moderator_who_lost_the_permission_is_refused(client, held, moderator):
    response, body = held
    events = response.history.count()
    moderator.user_permissions.clear()
    refused(client.get(link(body, "Approve it")), 403, "can no longer moderate")
    refused(client.post(link(body, "Approve it")), 403, "can no longer moderate")
    assert status_of(response) == "pending" and response.history.count() == events


def test_a_deactivated_moderator_is_refused(client, held, moderator):
    response, body = held
    moderator.is_active = False
    moderator.save()
    refused(client.post(link(body, "Spam it")), 403, "deactivated")
    assert status_of(response) == "pending"


def test_a_deleted_moderator_is_refused(client, held, moderator):
    response, body = held
    moderator.delete()
    refused(client.post(link(body, "Approve it")), 403, "no longer exists")
    assert status_of(response) == "pending"


def test_a_signed_in_non_moderator_is_refused_not_credited(client, held, django_user_model):
    response, body = held
    reader = django_user_model.objects.create_user("reader", "reader@example.org", "a long password")
    client.force_login(reader)
    refused(client.get(link(body, "Approve it")), 403, "signed in as reader")
    refused(client.post(link(body, "Approve it")), 403, "mailed to another moderator")
    assert status_of(response) == "pending" and not response.history.filter(actor=reader).exists()


def test_a_signed_in_other_moderator_is_refused_too(client, held, admin_user):
    response, body = held
    client.force_login(admin_user)
    refused(client.post(link(body, "Spam it")), 403, "acts only for the person it was sent to")
    assert status_of(response) == "pending" and not response.history.filter(actor=admin_user).exists()


def test_the_recipient_signed_in_as_themselves_may_use_it(client, held, moderator):
    response, body = held
    client.force_login(moderator)
    assert "now spam" in client.post(link(body, "Spam it")).content.decode()
    assert response.history.get(action="status-spam").actor == moderator


def test_links_expire_after_three_days(client, held, monkeypatch):
    response, body = held
    issued = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: issued + 2 * 24 * 3600)
    assert client.get(link(body, "Approve it")).status_code == 200, "two days on, it still works"
    monkeypatch.setattr(signing.time, "time", lambda: issued + 3 * 24 * 3600 + 60)
    refused(client.post(link(body, "Approve it")), 400, "expired (links work for 3 days)")
    assert status_of(response) == "pending"


def test_a_shorter_expiry_can_be_configured(client, held, settings, monkeypatch):
    response, body = held
    settings.DISCUSSION_MODERATION_LINK_DAYS = 1
    issued = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: issued + 24 * 3600 + 60)
    refused(client.post(link(body, "Approve it")), 400, "links work for 1 days")
    assert status_of(response) == "pending"


@pytest.mark.parametrize("mangle", [lambda t: t + "x", lambda t: t[:-3], lambda t: "nonsense", lambda t: t.upper()])
def test_tampered_links_are_refused(client, held, mangle):
    response, body = held
    token = link(body, "Approve it").split("/")[-2]
    refused(client.post(f"/discussion/moderate/{mangle(token)}/"), 400, "invalid")
    assert status_of(response) == "pending"


def test_a_link_to_a_deleted_response_says_so(client, held):
    response, body = held
    response.delete()
    refused(client.post(link(body, "Approve it")), 404, "no longer exists")


def test_moderation_pages_are_never_cached(client, held):
    response, body = held
    assert "no-cache" in client.get(link(body, "Approve it"))["Cache-Control"]
