"""Responses in the admin are for moderators: the chooser, the queue and every view of one response.

The audit found the response chooser listing every response, spam and pending included, to any user
who could sign in to the admin.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.discussion.conftest import make_response

pytestmark = pytest.mark.django_db
CHOOSER = "/admin/snippets/choose/discussion/response/"
SECRETS = ("Spammy Sam", "buy pills", "Held Hannah", "please approve")


@pytest.fixture
def responses(post):
    return {
        "spam": make_response(post, status="spam", author_name="Spammy Sam", content="buy pills"),
        "held": make_response(post, status="pending", author_name="Held Hannah", content="please approve"),
    }


def admin_user_with(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "a long password")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    return user


def refused(response) -> bool:
    """Wagtail answers a refused admin view with 403, or a redirect to the dashboard with a message."""
    body = response.content.decode() if not response.streaming else ""
    return response.status_code in (302, 403) and not any(secret in body for secret in SECRETS)


def chooser_urls(responses) -> list[str]:
    held = responses["held"].pk
    return [
        CHOOSER,
        f"{CHOOSER}?q=pills",
        f"{CHOOSER}results/",
        f"{CHOOSER}results/?q=Sam",
        f"{CHOOSER}chosen/{held}/",
        f"{CHOOSER}chosen-multiple/?id={held}",
    ]


def view_urls(responses) -> list[str]:
    pk = responses["spam"].pk
    name = "wagtailsnippets_discussion_response"
    return [
        reverse(f"{name}:list"),
        reverse(f"{name}:list_results"),
        reverse(f"{name}:edit", args=[pk]),
        reverse(f"{name}:delete", args=[pk]),
        reverse(f"{name}:history", args=[pk]),
        reverse(f"{name}:usage", args=[pk]),
        reverse("wagtail_bulk_action", args=["discussion", "response", "delete"]) + f"?id={pk}",
        reverse("wagtail_bulk_action", args=["discussion", "response", "approve"]) + f"?id={pk}",
    ]


def test_the_chooser_is_refused_to_an_editor_who_cannot_moderate(client, django_user_model, responses):
    client.force_login(admin_user_with(django_user_model, "editor"))
    assert client.get("/admin/").status_code == 200, "an editor may use the admin"
    for url in chooser_urls(responses):
        assert refused(client.get(url)), url


def test_the_chooser_works_for_a_moderator(client, django_user_model, responses):
    client.force_login(admin_user_with(django_user_model, "moderator", "change_response"))
    page = client.get(CHOOSER)
    assert page.status_code == 200 and "Spammy Sam" in page.json()["html"]


@pytest.mark.parametrize(
    "codenames", [(), ("view_response",), ("delete_response",), ("view_response", "delete_response")]
)
def test_no_response_view_opens_without_the_moderation_permission(client, django_user_model, responses, codenames):
    client.force_login(admin_user_with(django_user_model, "helper", *codenames))
    for url in view_urls(responses):
        assert refused(client.get(url)), url
    delete = reverse("wagtailsnippets_discussion_response:delete", args=[responses["spam"].pk])
    assert refused(client.post(delete))
    assert responses["spam"].__class__.objects.filter(pk=responses["spam"].pk).exists()
    assert "Responses" not in client.get("/admin/").content.decode(), "no menu item"


def test_a_moderator_opens_the_queue_and_a_response(client, django_user_model, responses):
    client.force_login(admin_user_with(django_user_model, "moderator", "change_response"))
    name = "wagtailsnippets_discussion_response"
    assert "Spammy Sam" in client.get(reverse(f"{name}:list")).content.decode()
    assert client.get(reverse(f"{name}:edit", args=[responses["spam"].pk])).status_code == 200
