"""SQLite has one writer at a time, so what a comment POST costs under load is mostly how often it
takes the write lock: once to store the comment with its claims and queued check, once for the
verdict Akismet gave within the request's budget. A refused comment leaves no claim behind."""

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussion.models import Response
from pagecache import version
from tests.discussion.conftest import form_data
from tests.taskqueue import use_database_queue

pytestmark = pytest.mark.django_db(transaction=True)
ON_COMMIT = transaction.on_commit  # the conftest runs on-commit work at once; these tests commit for real


def write_transactions(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith("BEGIN")]


@pytest.fixture
def queue(settings, monkeypatch):
    use_database_queue(settings, monkeypatch)  # as production: tasks are rows of the transaction


def test_an_approved_comment_takes_the_write_lock_twice(client, post, queue, settings):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    url = reverse("discussion:post", args=[post.pk])
    with CaptureQueriesContext(connection) as captured:
        reply = client.post(url, form_data(post, content="Counted"), REMOTE_ADDR="10.9.0.1")
    assert reply.status_code == 303
    assert Response.objects.get(content="Counted").status == "approved"
    if connection.vendor == "sqlite":
        assert write_transactions(captured) == ["BEGIN IMMEDIATE"] * 2


def test_a_comment_refused_as_a_flood_leaves_its_form_unused(client, post, queue, settings):
    """The token's use and the flood claims are rows of the save's transaction: refused, they roll back,
    and the same form, with other words, is taken once the wait is over (a used one would be refused)."""
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    url = reverse("discussion:post", args=[post.pk])
    data = form_data(post)
    assert client.post(url, data, REMOTE_ADDR="10.9.0.2").status_code == 303
    again = {**data, "content": "Too soon", "author_email": "other@example.com"}
    assert client.post(url, {**again, "token": data["token"]}, REMOTE_ADDR="10.9.0.2").status_code == 400  # used
    later = form_data(post, content="Too soon", author_email="other@example.com")
    assert client.post(url, later, REMOTE_ADDR="10.9.0.2").status_code == 429
    settings.DISCUSSION_FLOOD_SECONDS = 0
    assert client.post(url, {**later, "content": "Waited"}, REMOTE_ADDR="10.9.0.2").status_code == 303
    assert Response.objects.filter(content="Waited").count() == 1


def test_the_verdict_writes_the_content_version_outside_its_transaction(client, post, queue, settings, monkeypatch):
    """On SQLite the version is a file beside the database: written inside the verdict's transaction,
    the database's one write lock would wait for the file system. Where it is a row of the same
    database (PostgreSQL without Redis), it is written in the transaction and seen with the change."""
    monkeypatch.setattr(transaction, "on_commit", ON_COMMIT)
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    store = version.store()
    inside: list[bool] = []
    real_set = type(store).set

    def record(cache, key, *args, **kwargs):
        if key == version.KEY:
            inside.append(connection.in_atomic_block)
        return real_set(cache, key, *args, **kwargs)

    monkeypatch.setattr(type(store), "set", record)
    url = reverse("discussion:post", args=[post.pk])
    reply = client.post(url, form_data(post, content="Shown at once"), REMOTE_ADDR="10.9.0.3")
    assert reply.status_code == 303
    assert "Shown at once" in client.get(post.url).content.decode()
    assert inside, "the approval changed the content version"
    if not isinstance(store, DatabaseCache):
        assert not any(inside)
