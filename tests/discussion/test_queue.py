"""The moderation queue works like WordPress's comment screen, and better: tabs with counts, row
actions that act at once with an undo, a reply from the queue, honest Akismet wording, a history."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from discussion.models import Response
from tests.discussion.conftest import make_response
from tests.discussion.test_admin import bulk_url

pytestmark = pytest.mark.django_db
INDEX = "wagtailsnippets_discussion_response:list"


def action_url(response, action: str) -> str:
    return reverse("wagtailsnippets_discussion_response:moderate", args=[response.pk, action])


def messages_of(response) -> list[str]:
    return [str(m).strip() for m in response.context["messages"]] if response.context else []


def test_tabs_show_live_counts_with_pending_first(admin_client, queue):
    html = admin_client.get(reverse(INDEX), {"status": "pending"}).content.decode()
    tabs = html.split('class="queue-tabs"')[1].split("</nav>")[0]
    labels = [chunk.split("<")[0].strip() for chunk in tabs.split('">')[2:] if chunk.split("<")[0].strip()]
    assert labels[:2] == ["Pending", "All"]
    assert 'aria-current="page">Pending <span class="queue-count" data-status-count>1</span>' in tabs
    assert 'All <span class="queue-count" data-status-count>4</span>' in tabs
    assert 'Spam <span class="queue-count" data-status-count>1</span>' in tabs


def test_menu_badge_opens_the_pending_tab(admin_client, queue):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/snippets/discussion/response/?status=pending" in html


def test_row_approve_acts_at_once_and_can_be_undone(admin_client, queue):
    held = queue["held"]
    back = reverse(INDEX) + "?status=pending"
    response = admin_client.post(action_url(held, "approve"), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    held.refresh_from_db()
    assert held.status == "approved"
    assert "1 response approved." in messages_of(response)
    assert "Undo" in response.content.decode()
    assert held.history.filter(status_to="approved", note="Queue: Approve.").exists()

    admin_client.post(reverse("wagtailsnippets_discussion_response:undo"), {"next": back})
    held.refresh_from_db()
    assert held.status == "pending"
    assert held.history.filter(note="Undo in the queue.").exists()


def test_rows_offer_the_actions_of_their_status(admin_client, queue):
    html = admin_client.get(reverse(INDEX)).content.decode()
    assert action_url(queue["held"], "approve") in html
    assert action_url(queue["ok"], "unapprove") in html and action_url(queue["ok"], "approve") not in html
    assert action_url(queue["spam"], "not-spam") in html
    assert reverse("wagtailsnippets_discussion_response:reply", args=[queue["held"].pk]) in html


def test_spam_without_an_akismet_key_does_not_claim_a_report(admin_client, queue, settings):
    settings.AKISMET_API_KEY = ""
    response = admin_client.post(action_url(queue["ok"], "spam"), follow=True)
    assert messages_of(response) == ["1 response marked as spam."]


def test_spam_with_a_key_says_it_was_reported(admin_client, queue, settings):
    settings.AKISMET_API_KEY = "a-key"
    response = admin_client.post(action_url(queue["spam"], "not-spam"), follow=True)
    assert messages_of(response) == ["1 response restored and reported to Akismet as not spam."]


def test_bulk_action_message_is_honest_and_offers_undo(admin_client, queue, settings):
    settings.AKISMET_API_KEY = ""
    response = admin_client.post(bulk_url("spam", queue["held"], queue["ok"]), follow=True)
    assert "2 responses marked as spam." in messages_of(response)
    admin_client.post(reverse("wagtailsnippets_discussion_response:undo"))
    assert {r.status for r in Response.objects.filter(pk__in=[queue["held"].pk, queue["ok"].pk])} == {
        "pending",
        "approved",
    }


def test_reply_from_the_queue_publishes_it_and_approves_the_held_parent(admin_client, admin_user, queue, post):
    held = queue["held"]
    url = reverse("wagtailsnippets_discussion_response:reply", args=[held.pk])
    page = admin_client.get(url).content.decode()
    assert "please approve" in page and "replying approves it" in page
    admin_client.post(url, {"text": "Thanks, Hannah!"})
    held.refresh_from_db()
    reply = Response.objects.get(parent=held)
    assert held.status == "approved"
    assert (reply.status, reply.author_email, reply.content) == ("approved", admin_user.email, "Thanks, Hannah!")
    assert "Thanks, Hannah!" in admin_client.get(post.url).content.decode()


def test_someone_without_the_moderation_permission_cannot_act(client, queue):
    user = get_user_model().objects.create_user("viewer", "v@example.org", "pw-for-tests-only")
    group = Group.objects.create(name="Viewers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client.force_login(user)
    # Wagtail's admin answers a refusal by sending the user back to the dashboard with a message.
    refused = client.post(action_url(queue["held"], "approve"), follow=True)
    assert "permission" in " ".join(messages_of(refused)).lower()
    reply = client.get(reverse("wagtailsnippets_discussion_response:reply", args=[queue["held"].pk]), follow=True)
    assert "please approve" not in reply.content.decode()
    queue["held"].refresh_from_db()
    assert queue["held"].status == "pending"


def test_view_history_shows_the_same_events_as_the_panel(admin_client, queue):
    held = queue["held"]
    admin_client.post(action_url(held, "approve"))
    admin_client.post(action_url(held, "trash"))
    html = admin_client.get(reverse("wagtailsnippets_discussion_response:history", args=[held.pk])).content.decode()
    assert "pending → approved" in html and "approved → trash" in html
    assert "Queue: Trash." in html


def test_a_get_never_moderates(admin_client, queue):
    assert admin_client.get(action_url(queue["held"], "approve")).status_code == 405
    assert make_response(queue["held"].page, status="pending").status == "pending"
