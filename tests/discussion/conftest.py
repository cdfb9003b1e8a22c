import itertools
import time

import akismet
import httpx
import pytest
from django.db import transaction
from django.urls import reverse

from discussion import akismet as discussion_akismet
from discussion import tokens
from discussion.models import Response


class HamClient(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.HAM


class SpamClient(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.SPAM


class DiscardClient(akismet.TestSyncClient):
    comment_check_response = akismet.CheckResponse.DISCARD


CLIENTS = {"ham": HamClient, "spam": SpamClient, "discard": DiscardClient}
_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def discussion_settings(settings, monkeypatch):
    """Akismet configured and answering ham through the library's test client: never the internet."""
    settings.AKISMET_API_KEY = "test-akismet-key"
    settings.AKISMET_IS_TEST = True
    settings.SITE_URL = "http://testserver"
    settings.ADMINS = [("Mod", "mod@example.com")]
    monkeypatch.setattr(discussion_akismet, "client_class", HamClient)
    monkeypatch.setattr(discussion_akismet, "transport", None)
    # Requests run in autocommit, so on_commit work runs at once; the test's wrapping transaction would defer it.
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def akismet_says(monkeypatch):
    def use(verdict: str):
        monkeypatch.setattr(discussion_akismet, "client_class", CLIENTS[verdict])

    return use


@pytest.fixture
def akismet_http(monkeypatch):
    """The real SyncClient over an httpx.MockTransport we control; returns the list of requests seen."""

    def install(handler):
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return handler(request)

        monkeypatch.setattr(discussion_akismet, "client_class", akismet.SyncClient)
        monkeypatch.setattr(discussion_akismet, "transport", httpx.MockTransport(record))
        return seen

    return install


def form_data(page, **overrides) -> dict:
    data = {
        "author_name": "Mezzo",
        "author_email": "mezzo@example.com",
        "author_url": "",
        "content": "What a lovely post.",
        "token": tokens.form_token(page.pk, issued_at=time.time() - 60),
        "homepage": "",
        "parent": "",
    }
    data.update(overrides)
    return data


def fresh_ip() -> str:
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def post_comment(client, page, *, ip: str | None = None, **overrides):
    return client.post(
        reverse("discussion:post", args=[page.pk]),
        form_data(page, **overrides),
        REMOTE_ADDR=ip or fresh_ip(),
        HTTP_USER_AGENT="Mozilla/5.0 (test)",
    )


def make_response(page, **fields) -> Response:
    fields.setdefault("author_name", "Reader")
    fields.setdefault("author_email", "reader@example.com")
    fields.setdefault("content", "A response.")
    fields.setdefault("status", Response.Status.APPROVED)
    return Response.objects.create(page=page, **fields)


@pytest.fixture
def queue(post):
    return {
        "held": make_response(post, status="pending", author_name="Held Hannah", content="please approve"),
        "ok": make_response(post, status="approved", author_name="Okay Olive", content="fine words"),
        "spam": make_response(
            post,
            status="spam",
            author_name="Spammy Sam",
            content="buy pills",
            akismet_payload={"user_ip": "203.0.113.1", "comment_content": "buy pills"},
        ),
        "ping": make_response(
            post,
            kind="pingback",
            status="approved",
            author_name="Alice's blog",
            source_url="https://alice.example/",
            content="[…] linked […]",
        ),
    }
