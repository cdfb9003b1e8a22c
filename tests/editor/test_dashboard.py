"""The author's dashboard: where to start, what waits for moderation, drafts and scheduled posts."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from discussion.models import Response
from tests.builders import make_author, make_post
from tests.discussion.conftest import make_response
from tests.podcast.builders import make_show

pytestmark = pytest.mark.django_db


def test_dashboard_offers_new_post_and_new_episode(admin_client, blog_index):
    show = make_show(blog_index)
    html = admin_client.get("/admin/").content.decode()
    assert f'href="/admin/pages/add/blog/blogpage/{blog_index.pk}/"' in html and "New post" in html
    assert f'href="/admin/pages/add/podcast/episodepage/{show.pk}/"' in html and "New episode" in html


def test_dashboard_lists_pending_and_recent_responses_for_moderators(admin_client, post):
    make_response(post, author_name="Waiting Walter", status=Response.Status.PENDING, content="Please approve me")
    make_response(post, author_name="Approved Ann", status=Response.Status.APPROVED)
    make_response(post, author_name="Spammy Sam", status=Response.Status.SPAM)
    html = admin_client.get("/admin/").content.decode()
    assert "1 response waiting for moderation" in html
    assert "Waiting Walter" in html and "Please approve me" in html
    assert "Approved Ann" in html
    assert "Spammy Sam" not in html
    assert "/admin/snippets/discussion/response/?status=pending" in html


def test_an_editor_without_moderation_rights_sees_no_responses_panel(client, post):
    make_response(post, author_name="Waiting Walter", status=Response.Status.PENDING)
    editor = get_user_model().objects.create_user("editor", "ed@example.org", "pw-for-tests-only")
    group = Group.objects.create(name="Writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    assert "Waiting Walter" not in html and "waiting for moderation" not in html


def test_dashboard_lists_my_drafts_and_scheduled_posts(admin_client, admin_user, blog_index):
    draft = make_post(blog_index, "My unfinished draft", live=False)
    draft.owner = admin_user
    draft.save()
    later = make_post(blog_index, "Going out on Friday", live=False)
    later.go_live_at = timezone.now() + timedelta(days=2)
    later.save_revision().publish()
    html = admin_client.get("/admin/").content.decode()
    assert "My unfinished draft" in html
    assert "Going out on Friday" in html and "goes live" in html


def test_dashboard_avatar_asks_no_third_party(admin_client, blog_index):
    html = admin_client.get("/admin/").content.decode()
    assert "gravatar.com" not in html


def test_new_post_starts_with_the_signed_in_author(admin_client, admin_user, blog_index):
    me = make_author("Admin Author", email=admin_user.email)
    make_author("Someone Else", email="else@example.org")
    html = admin_client.get(f"/admin/pages/add/blog/blogpage/{blog_index.pk}/").content.decode()
    selected = [chunk for chunk in html.split("<option") if "selected" in chunk.split(">")[0]]
    assert any(f'value="{me.pk}"' in chunk and "Admin Author" in chunk for chunk in selected), selected
    assert not any("Someone Else" in chunk for chunk in selected)


def test_pending_responses_can_be_approved_from_the_dashboard(admin_client, post):
    waiting = make_response(post, author_name="Waiting Walter", status=Response.Status.PENDING)
    html = admin_client.get("/admin/").content.decode()
    approve = f"/admin/snippets/discussion/response/moderate/{waiting.pk}/approve/"
    assert f'action="{approve}"' in html
    response = admin_client.post(approve, {"next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    waiting.refresh_from_db()
    assert waiting.status == Response.Status.APPROVED
    assert "Nothing waits for moderation" in admin_client.get("/admin/").content.decode()
