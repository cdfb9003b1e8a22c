"""Emails: post author on approval, moderators on a held response, readers on replies; signed links."""

import re
import socket

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from discussion import tokens
from discussion.models import Notification, Response
from tests.builders import make_author, make_post
from tests.discussion.conftest import make_response, post_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer_post(blog_index):
    writer = make_author("Wanda Writer", email="wanda@example.com")
    return make_post(blog_index, "Written", authors=[writer])


def link(body: str, word: str) -> str:
    return re.search(rf"{word}: (http://testserver(/discussion/(?:action|moderate)/[^/\s]+/))", body).group(2)


def test_post_author_is_emailed_on_an_approved_response(client, writer_post, mailoutbox):
    post_comment(client, writer_post, content="Nice one")
    [mail] = mailoutbox
    assert mail.to == ["wanda@example.com"]
    assert "New comment on “Written”" in mail.subject
    assert "Nice one" in mail.body and f"#response-{Response.objects.get().pk}" in mail.body
    assert Response.objects.get().history.filter(action="authors-notified", note="Emailed 1 post author(s).").exists()


def test_author_email_falls_back_to_the_page_owner(client, blog_index, admin_user, mailoutbox):
    post = make_post(blog_index, "Owned", owner=admin_user)
    post_comment(client, post)
    assert [m.to for m in mailoutbox] == [[admin_user.email]]


def test_author_is_not_emailed_about_their_own_comment(client, writer_post, mailoutbox):
    post_comment(client, writer_post, author_email="wanda@example.com")
    assert mailoutbox == []


def test_author_is_emailed_once_when_a_held_response_is_approved(client, writer_post, settings, mailoutbox, admin_user):
    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, writer_post)
    assert [m.to for m in mailoutbox] == [[admin_user.email]], "superusers moderate"
    from discussion import moderation

    response = Response.objects.get()
    moderation.set_status(response, "approved", actor=admin_user)
    moderation.set_status(response, "pending", actor=admin_user)
    moderation.set_status(response, "approved", actor=admin_user)
    assert [m.to for m in mailoutbox][1:] == [["wanda@example.com"]]


def test_moderators_get_approve_and_spam_links_that_work(client, post, settings, mailoutbox, django_user_model):
    settings.DISCUSSION_MANUAL_MODERATION = True
    moderator = django_user_model.objects.create_user("mo", "mo@example.com", "pw")
    moderator.user_permissions.add(Permission.objects.get(codename="change_response"))
    django_user_model.objects.create_user("reader", "reader@example.com", "pw")
    post_comment(client, post, content="Held for you")
    [mail] = mailoutbox
    assert mail.to == ["mo@example.com"]
    assert "Please moderate" in mail.subject and "Held for you" in mail.body
    assert "1 response(s) are waiting" in mail.body
    approve = link(mail.body, "Approve it")
    confirm = client.get(approve)
    assert confirm.status_code == 200 and "Approve this response?" in confirm.content.decode()
    assert Response.objects.get().status == "pending", "GET only asks (mail scanners follow links)"
    assert "now approved" in client.post(approve).content.decode()
    response = Response.objects.get()
    assert response.status == "approved"
    assert response.history.filter(action="status-approved", note__contains="email link").exists()


def test_spam_link_reports_to_akismet(client, post, settings, mailoutbox, akismet_http, admin_user):
    import httpx

    settings.DISCUSSION_MANUAL_MODERATION = True
    seen = akismet_http(
        lambda r: httpx.Response(
            200, text="false" if "check" in r.url.path else "Thanks for making the web a better place."
        )
    )
    post_comment(client, post)
    client.post(link(mailoutbox[0].body, "Spam it"))
    assert Response.objects.get().status == "spam"
    assert seen[-1].url.path == "/1.1/submit-spam"


def test_without_a_moderator_account_admins_are_told_where_the_queue_is_with_no_acting_links(
    client, post, settings, mailoutbox
):
    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, post, content="Held for nobody")
    [mail] = mailoutbox
    assert mail.to == ["mod@example.com"]
    assert "Moderate it in the admin: http://testserver/admin/snippets/discussion/response/" in mail.body
    assert "/discussion/moderate/" not in mail.body and "Approve it" not in mail.body


@pytest.mark.parametrize("token", ["nonsense", tokens.action_token(1, "approve") + "x"])
def test_forged_action_links_are_refused(client, token):
    reply = client.post(reverse("discussion:action", args=[token]))
    assert reply.status_code == 400
    assert "invalid or has expired" in reply.content.decode()


def test_reply_notification_with_one_click_unsubscribe(client, post, mailoutbox):
    parent = make_response(post, author_email="asker@example.com", notify_replies=True)
    post_comment(client, post, parent=str(parent.pk), author_name="Bob", content="Here is my answer")
    reply_mail = next(m for m in mailoutbox if m.to == ["asker@example.com"])
    assert Response.objects.get(author_name="Bob").history.filter(action="reply-notified").exists()
    assert "Bob replied to you" in reply_mail.subject and "Here is my answer" in reply_mail.body
    unsubscribe = reply_mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert reply_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe.removeprefix("http://testserver")
    reply = client.post(path)  # mail clients POST without a CSRF token
    assert "no more reply emails" in reply.content.decode()
    parent.refresh_from_db()
    assert not parent.notify_replies
    mailoutbox.clear()
    post_comment(
        client, post, parent=str(parent.pk), author_name="Carol", author_email="c@example.com", content="Another answer"
    )
    assert all(m.to != ["asker@example.com"] for m in mailoutbox)


def test_no_reply_email_without_the_checkbox(client, post, mailoutbox):
    parent = make_response(post, author_email="quiet@example.com", notify_replies=False)
    post_comment(client, post, parent=str(parent.pk))
    assert all(m.to != ["quiet@example.com"] for m in mailoutbox)


def test_checkbox_is_stored(client, post):
    post_comment(client, post, notify_replies="on")
    assert Response.objects.get().notify_replies


def test_newlines_in_names_never_reach_a_mail_header(post, mailoutbox, settings):
    from discussion import moderation

    settings.DISCUSSION_MANUAL_MODERATION = True
    pingback = Response(
        page=post,
        kind="pingback",
        author_name="Evil\nBcc: victim@example.com",
        source_url="https://evil.example/",
        content="[…] x […]",
    )
    moderation.submit(pingback, request_context=moderation.RequestContext(ip="203.0.113.9"))
    [mail] = mailoutbox
    assert "\n" not in mail.subject and mail.bcc == []


def test_a_failing_mail_server_never_costs_the_reader_their_comment(client, writer_post, settings):
    with socket.socket() as probe:  # a loopback port nobody listens on: SMTP connections are refused
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    assert post_comment(client, writer_post, content="Still here").status_code == 303
    assert Response.objects.get().status == "approved"
    assert "Still here" in client.get(writer_post.url).content.decode()
    assert Notification.objects.get().status == "retrying"


@pytest.fixture
def wanda_moderates(django_user_model):
    """The post's author is also a moderator (same email as her Author snippet)."""
    wanda = django_user_model.objects.create_user("wanda", "Wanda@Example.com", "pw")
    wanda.user_permissions.add(Permission.objects.get(codename="change_response"))
    return wanda


def test_author_approving_on_their_own_post_gets_no_new_response_email(
    client, writer_post, settings, mailoutbox, wanda_moderates
):
    from discussion import moderation

    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, writer_post, content="Held for Wanda")
    assert [[a.lower() for a in m.to] for m in mailoutbox] == [["wanda@example.com"]], "the held-comment email"
    mailoutbox.clear()
    moderation.set_status(Response.objects.get(), "approved", actor=wanda_moderates, report=True)
    assert mailoutbox == []


def test_author_approving_through_the_email_link_gets_no_new_response_email(
    client, writer_post, settings, mailoutbox, wanda_moderates
):
    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, writer_post)
    approve = link(mailoutbox[0].body, "Approve it")
    mailoutbox.clear()
    client.force_login(wanda_moderates)
    assert "now approved" in client.post(approve).content.decode()
    assert mailoutbox == []


def test_another_moderator_approving_still_emails_the_author(client, writer_post, settings, mailoutbox, admin_user):
    from discussion import moderation

    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, writer_post)
    mailoutbox.clear()
    moderation.set_status(Response.objects.get(), "approved", actor=admin_user, report=True)
    assert [m.to for m in mailoutbox] == [["wanda@example.com"]]


def test_author_commenting_logged_in_on_their_own_post_gets_no_email(client, writer_post, mailoutbox, wanda_moderates):
    client.force_login(wanda_moderates)
    post_comment(client, writer_post, author_email="wanda.private@example.com", content="Thanks all")
    assert Response.objects.get().status == "approved"
    assert mailoutbox == []


def test_moderator_approving_a_reply_to_themselves_gets_no_reply_email(client, post, mailoutbox, wanda_moderates):
    from discussion import moderation

    parent = make_response(post, author_email="wanda@example.com", notify_replies=True)
    reply = make_response(post, parent=parent, status="pending", author_email="bob@example.com", content="Hi Wanda")
    moderation.set_status(reply, "approved", actor=wanda_moderates, report=True)
    assert all(m.to != ["wanda@example.com"] for m in mailoutbox)


def test_email_link_clicked_without_signing_in_is_the_recipients_own_action(
    client, writer_post, settings, mailoutbox, wanda_moderates, admin_user
):
    settings.DISCUSSION_MANUAL_MODERATION = True
    post_comment(client, writer_post)
    by_recipient = {m.to[0].lower(): m for m in mailoutbox}
    assert set(by_recipient) == {"wanda@example.com", admin_user.email}
    approve = link(by_recipient["wanda@example.com"].body, "Approve it")
    assert approve != link(by_recipient[admin_user.email].body, "Approve it"), "one signed link per moderator"
    mailoutbox.clear()
    assert "now approved" in client.post(approve).content.decode()
    event = Response.objects.get().history.get(action="status-approved")
    assert event.actor == wanda_moderates
    assert mailoutbox == [], "Wanda approved it herself: no “new comment” email to her"


def test_approve_links_from_before_they_were_bound_to_a_moderator_no_longer_work(client, post):
    response = make_response(post, status="pending")
    reply = client.post(reverse("discussion:action", args=[tokens.action_token(response.pk, "approve")]))
    assert reply.status_code == 410
    assert "older email and no longer works" in reply.content.decode()
    response.refresh_from_db()
    assert response.status == "pending" and not response.history.exists()


def test_nobody_is_emailed_about_responses_stored_while_publishing_quietly(writer_post, settings, mailoutbox):
    from discussion import moderation, publishing

    settings.DISCUSSION_PREVIOUSLY_APPROVED = False
    with publishing.quietly():
        approved = moderation.submit(
            Response(page=writer_post, author_name="Old reader", content="From the old blog."),
            request_context=moderation.RequestContext(ip="203.0.113.9"),
        )
        settings.DISCUSSION_MANUAL_MODERATION = True
        held = moderation.submit(
            Response(page=writer_post, author_name="Other", content="Also old."),
            request_context=moderation.RequestContext(ip="203.0.113.10"),
        )
        moderation.set_status(held, Response.Status.APPROVED)
    assert (approved.status, held.status) == (Response.Status.APPROVED, Response.Status.APPROVED)
    assert mailoutbox == []
    moderation.set_status(held, Response.Status.PENDING)
    moderation.set_status(held, Response.Status.APPROVED)
    assert mailoutbox == [], "a response stored quietly (an old one) never announces itself"
    settings.DISCUSSION_MANUAL_MODERATION = False
    moderation.submit(
        Response(page=writer_post, author_name="New reader", content="Hello from today."),
        request_context=moderation.RequestContext(ip="203.0.113.11"),
    )
    assert [m.to for m in mailoutbox] == [["wanda@example.com"]], "outside the block, emails go out again"
