"""What the security audit found closed, kept closed: CSRF and open redirects.

The audit's other passing cases have their own tests: XML-RPC bombs and entities
(linkbacks/test_xmlrpc_hostile.py), XSS in every field and feed (discussion/test_hostile.py,
podcast/test_feed.py, blog/test_pages.py), import bombs (wordpress/test_wxr.py,
podcast/test_import.py), SSRF spellings and redirects (the safefetch tests).
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.models import PageViewRestriction

from discussion import moderation_links
from discussion.models import Response
from tests.discussion.conftest import form_data, fresh_ip, make_response

pytestmark = pytest.mark.django_db
EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "\\\\evil.example"]


def stays_here(location: str) -> bool:
    parts = urlsplit(location.replace("\\", "/"))
    return parts.netloc in ("", "testserver") and parts.scheme in ("", "http", "https")


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_admin_changes_need_the_csrf_token(csrf_client, admin_user, post):
    csrf_client.force_login(admin_user)
    response = make_response(post, status="pending")
    reply = csrf_client.post(f"/admin/snippets/discussion/response/delete/{response.pk}/")
    assert reply.status_code == 403
    assert Response.objects.filter(pk=response.pk).exists()


def test_signing_in_needs_the_csrf_token(csrf_client, admin_user):
    reply = csrf_client.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    assert reply.status_code == 403 and "_auth_user_id" not in csrf_client.session


def test_a_moderation_link_cannot_be_posted_from_another_site(csrf_client, post, django_user_model):
    moderator = django_user_model.objects.create_user("mo", "mo@example.com", "a long password")
    moderator.user_permissions.add(Permission.objects.get(codename="change_response"))
    response = make_response(post, status="pending")
    url = f"/discussion/moderate/{moderation_links.token(response, 'approve', moderator)}/"
    assert csrf_client.post(url).status_code == 403
    response.refresh_from_db()
    assert response.status == "pending"
    confirm = csrf_client.get(url)
    assert confirm.status_code == 200 and 'name="csrfmiddlewaretoken"' in confirm.content.decode()


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_never_sends_you_to_another_site(client, admin_user, target):
    admin_user.set_password("a long password")
    admin_user.save()
    reply = client.post(
        "/admin/login/", {"username": admin_user.username, "password": "a long password", "next": target}
    )
    assert reply.status_code == 302 and stays_here(reply["Location"]), reply["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_a_page_password_form_never_sends_you_to_another_site(client, post, target):
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.PASSWORD, password="opensesame"
    )
    reply = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{post.pk}/",
        {"password": "opensesame", "return_url": target},
    )
    assert reply.status_code == 302 and stays_here(reply["Location"]), reply["Location"]


@pytest.mark.parametrize("path", ["//evil.example", "//evil.example/x", "/\\evil.example", "///evil.example/"])
def test_the_trailing_slash_redirect_stays_on_this_site(client, blog_index, path):
    reply = client.get(path)
    assert reply.status_code < 500
    if reply.status_code in (301, 302, 303, 307, 308):
        assert stays_here(reply["Location"]) and not reply["Location"].startswith("//"), reply["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_a_comment_always_lands_back_on_its_own_page(client, post, target):
    data = {**form_data(post), "next": target, "redirect_to": target, "return_url": target}
    reply = client.post(f"/discussion/{post.pk}/comment/", data, REMOTE_ADDR=fresh_ip())
    assert reply.status_code == 303
    assert reply["Location"].split("#")[0] == post.url
