"""The comment form works without Django's CSRF cookie: the signed, single-use form token and a
same-site check protect it. The admin, sign-in and signed-in readers keep Django's CSRF check."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from discussion import tokens
from discussion.models import Response
from tests.discussion.conftest import form_data

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def send(client, page, ip="10.1.2.3", **headers):
    data = form_data(page, author_email=f"reader-{ip}@example.com")  # one reader per address: no flood control
    return client.post(reverse("discussion:post", args=[page.pk]), data, REMOTE_ADDR=ip, headers=headers)


def test_an_anonymous_comment_needs_no_csrf_cookie(strict, post):
    page = strict.get(post.url)
    assert not page.cookies
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert send(strict, post, Origin=ORIGIN).status_code == 303
    assert send(strict, post, ip="10.1.2.4", **{"Sec-Fetch-Site": "same-origin"}).status_code == 303
    assert send(strict, post, ip="10.1.2.5", Referer=post.full_url).status_code == 303
    assert Response.objects.count() == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_a_comment_from_another_site_is_refused_with_a_clear_403(strict, post, headers):
    reply = send(strict, post, **headers)
    assert reply.status_code == 403
    assert "sent from a page on another site" in reply.content.decode()
    assert not Response.objects.exists()


def test_trusted_origins_are_accepted(strict, post, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://blog.example.org"]
    assert send(strict, post, Origin="https://blog.example.org").status_code == 303


def test_a_signed_in_reader_keeps_django_csrf(strict, post, django_user_model):
    strict.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    assert send(strict, post, Origin=ORIGIN).status_code == 403  # no CSRF token: Django refuses
    page = strict.get(post.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = form_data(post, csrfmiddlewaretoken=token)
    reply = strict.post(
        reverse("discussion:post", args=[post.pk]), data, REMOTE_ADDR="10.1.2.6", headers={"Origin": ORIGIN}
    )
    assert reply.status_code == 303


def test_sign_in_and_admin_forms_keep_django_csrf(strict, blog_index, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", "x" * 12)
    assert strict.post("/admin/login/", {"username": "boss", "password": "x" * 12}).status_code == 403
    strict.force_login(django_user_model.objects.get(username="boss"))
    reply = strict.post(f"/admin/pages/{blog_index.pk}/edit/", {"title": "Hijacked"})
    assert reply.status_code == 403


def test_a_form_token_is_single_use_per_client(client, post, settings):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    settings.DISCUSSION_FLOOD_SECONDS = 0
    data = form_data(post)
    url = reverse("discussion:post", args=[post.pk])
    assert client.post(url, data, REMOTE_ADDR="10.2.0.1").status_code == 303
    replay = client.post(url, {**data, "content": "Again"}, REMOTE_ADDR="10.2.0.1")
    assert replay.status_code == 400
    assert "already used" in replay.content.decode()
    fresh = re.search(r'name="token" value="([^"]+)"', replay.content.decode()).group(1)
    assert "Again" in replay.content.decode()  # the reader's words are kept, with a fresh token
    assert client.post(url, {**data, "content": "Again", "token": fresh}, REMOTE_ADDR="10.2.0.1").status_code == 303
    elsewhere = {**data, "content": "Elsewhere", "author_email": "other@example.com"}
    assert client.post(url, elsewhere, REMOTE_ADDR="10.2.0.2").status_code == 303


def test_the_same_comment_sent_again_with_its_token_hears_duplicate_not_used(client, post, settings):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    settings.DISCUSSION_FLOOD_SECONDS = 0
    data = form_data(post, content="Pressed twice")
    url = reverse("discussion:post", args=[post.pk])
    assert client.post(url, data, REMOTE_ADDR="10.2.1.1").status_code == 303
    again = client.post(url, data, REMOTE_ADDR="10.2.1.1")
    assert again.status_code == 409
    assert "already said that" in again.content.decode()
    assert Response.objects.filter(content="Pressed twice").count() == 1


def test_a_resent_comment_whose_first_copy_was_lost_is_stored(client, post, settings):
    """A proxy resends the POST after the app process died mid-request: the token was marked used,
    the comment never committed; the copy must not be refused as a replay."""
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    data = form_data(post, content="Sent while the app restarted")
    url = reverse("discussion:post", args=[post.pk])
    assert client.post(url, data, REMOTE_ADDR="10.2.1.2").status_code == 303
    Response.objects.filter(content="Sent while the app restarted").delete()  # as if it never committed
    assert client.post(url, data, REMOTE_ADDR="10.2.1.2").status_code == 303
    assert Response.objects.filter(content="Sent while the app restarted").count() == 1


def test_a_cached_page_takes_comments_from_its_readers(client, post, settings):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    client.get(post.url)
    cached = client.get(post.url)
    assert cached["X-Page-Cache"] == "hit"
    token = re.search(r'name="token" value="([^"]+)"', cached.content.decode()).group(1)
    url = reverse("discussion:post", args=[post.pk])
    for n, ip in enumerate(("10.3.0.1", "10.3.0.2")):
        data = {**form_data(post, author_email=f"r{n}@example.com"), "token": token, "content": f"Cached page {n}"}
        assert Client().post(url, data, REMOTE_ADDR=ip, headers={"Origin": ORIGIN}).status_code == 303


def test_a_token_lives_as_long_as_the_page_can_be_cached(client, post, settings):
    settings.PAGE_CACHE_TIMEOUT = 24 * 3600
    cached_for = settings.PAGE_CACHE_TIMEOUT + settings.PAGE_CACHE_S_MAXAGE + settings.PAGE_CACHE_STALE_WHILE_REVALIDATE
    old = tokens.form_token(post.pk, issued_at=time.time() - cached_for - 3600)  # then an hour of writing
    data = {**form_data(post), "token": old}
    assert client.post(reverse("discussion:post", args=[post.pk]), data, REMOTE_ADDR="10.4.0.1").status_code == 303
