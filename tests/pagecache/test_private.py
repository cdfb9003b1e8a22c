"""A reader with a session or a held comment gets their own page, never stored or shared; everyone
else gets the shared copy."""

import pytest
from django.test import Client
from wagtail.models import Site

from discussion import tokens
from discussion.models import DiscussionSettings
from tests.discussion.conftest import make_response, post_comment

pytestmark = pytest.mark.django_db


def test_a_reader_with_a_held_comment_sees_it_and_nobody_else_does(client, busy_post, settings):
    settings.DISCUSSION_MANUAL_MODERATION = True
    DiscussionSettings.for_site(Site.objects.get())  # made on first use, which is a settings change
    other = Client()
    assert other.get(busy_post.url)["X-Page-Cache"] == "miss"
    reply = post_comment(client, busy_post, content="Only mine for now")
    assert reply.status_code == 303 and tokens.PENDING_COOKIE in reply.cookies

    own = client.get(busy_post.url)
    assert "Only mine for now" in own.content.decode()
    assert "awaiting moderation" in own.content.decode()
    assert own["Cache-Control"] == "private, no-cache"
    assert not own.has_header("X-Page-Cache")

    shared = other.get(busy_post.url)
    assert shared["X-Page-Cache"] == "hit"
    assert "Only mine for now" not in shared.content.decode()
    assert "public" in shared["Cache-Control"]


def test_a_signed_in_reader_gets_a_private_page_with_a_csrf_token(client, busy_post, django_user_model):
    make_response(busy_post, status="approved", content="Shared words")
    anonymous = Client()
    anonymous.get(busy_post.url)
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    own = client.get(busy_post.url)
    assert own["Cache-Control"] == "private, no-cache"
    assert not own.has_header("X-Page-Cache")
    assert "csrfmiddlewaretoken" in own.content.decode()
    assert "Shared words" in own.content.decode()
    shared = anonymous.get(busy_post.url)
    assert shared["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in shared.content.decode()


def test_the_admin_is_never_cached(client, blog_index):
    reply = client.get("/admin/login/")
    assert reply.status_code == 200
    assert not reply.has_header("X-Page-Cache")
    assert "public" not in reply.get("Cache-Control", "")
