"""The moderation queue in the Wagtail admin."""

import re

import httpx
import pytest
from django.urls import reverse

from discussion.models import Response
from tests.discussion.conftest import post_comment

pytestmark = pytest.mark.django_db
INDEX = "wagtailsnippets_discussion_response:list"


def bulk_url(action: str, *responses) -> str:
    ids = "&".join(f"id={r.pk}" for r in responses)
    return reverse("wagtail_bulk_action", args=["discussion", "response", action]) + f"?{ids}&next=/admin/"


def test_menu_shows_pending_count(admin_client, queue):
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Responses (1)" in html


def test_queue_filters_by_status_kind_and_page(admin_client, queue, post):
    url = reverse(INDEX)
    html = admin_client.get(url, {"status": "pending"}).content.decode()
    assert "Held Hannah" in html and "Okay Olive" not in html
    html = admin_client.get(url, {"kind": "pingback"}).content.decode()
    assert "Alice" in html and "Held Hannah" not in html
    html = admin_client.get(url, {"page": post.pk}).content.decode()
    assert "Held Hannah" in html and "Spammy Sam" in html


def test_queue_search(admin_client, queue):
    html = admin_client.get(reverse(INDEX), {"q": "pills"}).content.decode()
    assert "Spammy Sam" in html and "Okay Olive" not in html


def test_queue_links_to_the_response_in_context(admin_client, queue, post):
    html = admin_client.get(reverse(INDEX)).content.decode()
    assert f'href="{post.url}#response-{queue["ok"].pk}"' in html


def test_bulk_approve(admin_client, queue, mailoutbox):
    url = bulk_url("approve", queue["held"])
    assert "Approve these 1 response(s)?" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    queue["held"].refresh_from_db()
    assert queue["held"].status == "approved"
    event = queue["held"].history.get(action="status-approved")
    assert event.actor.username == "admin" and event.status_from == "pending"


def test_bulk_spam_and_not_spam_report_to_akismet(admin_client, queue, akismet_http):
    seen = akismet_http(lambda request: httpx.Response(200, text="Thanks for making the web a better place."))
    admin_client.post(bulk_url("not-spam", queue["spam"]))
    queue["spam"].refresh_from_db()
    assert queue["spam"].status == "pending"
    assert [r.url.path for r in seen] == ["/1.1/submit-ham"]
    queue["ok"].akismet_payload = {"user_ip": "203.0.113.2", "comment_content": "fine words"}
    queue["ok"].save()
    admin_client.post(bulk_url("spam", queue["ok"]))
    assert seen[-1].url.path == "/1.1/submit-spam"
    assert "comment_content=fine+words" in seen[-1].content.decode()


def test_bulk_trash_and_delete(admin_client, queue):
    admin_client.post(bulk_url("trash", queue["ok"]))
    queue["ok"].refresh_from_db()
    assert queue["ok"].status == "trash"
    admin_client.post(bulk_url("delete", queue["spam"]))
    assert not Response.objects.filter(pk=queue["spam"].pk).exists()


def test_edit_shows_history_and_records_changes(admin_client, queue):
    response = queue["held"]
    url = reverse("wagtailsnippets_discussion_response:edit", args=[response.pk])
    html = admin_client.get(url).content.decode()
    assert "History" in html and "See it in context" in html
    data = {
        "status": "approved",
        "author_name": "Held Hannah",
        "author_email": "reader@example.com",
        "author_url": "",
        "content": "please approve, edited",
        "source_url": "",
        "source_title": "",
    }
    assert admin_client.post(url, data).status_code == 302
    response.refresh_from_db()
    assert response.status == "approved"
    assert response.content_html.strip() == "<p>please approve, edited</p>"
    assert {"edited", "status-approved"} <= set(response.history.values_list("action", flat=True))
    assert "status-approved" in admin_client.get(url).content.decode()


def test_word_lists_are_editable_in_settings(admin_client, post):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["discussion", "discussionsettings", site.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"moderation_words": "casino", "blocked_words": "pills"})
    from discussion.models import DiscussionSettings

    assert DiscussionSettings.for_site(site).blocked_words == "pills"


def test_responses_cannot_be_added_in_the_admin(admin_client, queue):
    assert "Add response" not in admin_client.get(reverse(INDEX)).content.decode()
    add = admin_client.get(reverse("wagtailsnippets_discussion_response:add"))
    assert add.status_code in (302, 403)


def menu_badge(admin_client) -> tuple[str, str]:
    """The Responses menu item's label and pending count, as the admin sidebar receives them."""
    html = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    [(label, count)] = re.findall(r'"label": "(Responses[^"]*)"[^}]*"attrs": \{"data-pending-count": "(\d+)"\}', html)
    return label, count


def test_pending_badge_follows_the_queue(admin_client, queue, client, post, settings):
    assert menu_badge(admin_client) == ("Responses (1)", "1")
    admin_client.post(bulk_url("approve", queue["held"]))
    assert menu_badge(admin_client) == ("Responses", "0")
    settings.DISCUSSION_MANUAL_MODERATION = True
    for n in range(2):
        assert post_comment(client, post, author_email=f"r{n}@example.com", content=f"held {n}").status_code == 303
    assert menu_badge(admin_client) == ("Responses (2)", "2")
    admin_client.post(bulk_url("spam", *Response.objects.filter(status="pending")))
    assert menu_badge(admin_client) == ("Responses", "0")
