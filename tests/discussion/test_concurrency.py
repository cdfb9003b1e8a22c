"""Copies that race each other: sixteen at once, each on its own connection, and one lands.

Duplicates are refused by the database (a unique fingerprint per page), floods by a claim in the
shared limits cache, so neither depends on one request seeing the other's committed row first.
Runs on SQLite and on PostgreSQL (the CI's second pass). The SQLite test database is shared-cache
memory, where a second writer is refused at once ("table is locked") instead of waiting as it does
on the real file (busy timeout): there each copy tries again until it gets the lock.
"""

import re
import threading

import httpx
import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.urls import reverse

from discussion import moderation
from discussion.models import Response
from tests.discussion.conftest import form_data

pytestmark = pytest.mark.django_db(transaction=True)
COPIES = 16


def at_once(work) -> list:
    """Run work(n) in COPIES threads released together; each outcome in order of n."""
    barrier = threading.Barrier(COPIES)
    outcomes: list = [None] * COPIES

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[n] = work(n)
        except Exception as error:  # recorded for the assertion, which names it
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def on_sqlite() -> bool:
    return connection.vendor == "sqlite"


def submit(post, n: int, *, content: str, ip: str) -> object:
    for _ in range(200):
        try:
            return submit_once(post, n, content=content, ip=ip)
        except OperationalError as error:
            if not (on_sqlite() and "locked" in str(error)):
                raise
    raise AssertionError("never got the SQLite lock")


def submit_once(post, n: int, *, content: str, ip: str) -> object:
    try:
        moderation.submit(
            Response(page_id=post.pk, author_name="Racer", author_email=f"racer{n}@example.com", content=content)
            if "{n}" in ip
            else Response(page_id=post.pk, author_name="Racer", author_email="racer@example.com", content=content),
            request_context=moderation.RequestContext(ip=ip.format(n=n)),
        )
        return "saved"
    except moderation.Rejected as rejected:
        return rejected.http_status


def test_sixteen_identical_comments_at_once_store_one(post, settings):
    settings.DISCUSSION_FLOOD_SECONDS = 0  # only the duplicate rule stands between the copies
    outcomes = at_once(lambda n: submit(post, n, content="Me first!", ip="198.51.100.1"))
    assert sorted(outcomes, key=str) == [409] * (COPIES - 1) + ["saved"]
    assert Response.objects.filter(content="Me first!").count() == 1


def test_sixteen_different_comments_from_one_address_at_once_store_one(post, settings):
    settings.DISCUSSION_FLOOD_SECONDS = 15
    if on_sqlite():  # the database cache would share the memory database's locking; Redis on PostgreSQL
        settings.CACHES = {**settings.CACHES, "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    outcomes = at_once(lambda n: submit(post, n, content=f"Comment number {n}", ip="198.51.100.2"))
    assert sorted(outcomes, key=str) == [429] * (COPIES - 1) + ["saved"]
    assert Response.objects.count() == 1


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="shared-cache memory SQLite refuses concurrent writers outright; the PostgreSQL pass runs it",
)
def test_sixteen_identical_posts_to_the_live_server_store_one(post, live_server, settings):
    settings.DISCUSSION_FLOOD_SECONDS = 15  # copies of one comment are duplicates, not a flood
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0  # the reader took no time to write
    url = live_server.url + reverse("discussion:post", args=[post.pk])
    page = httpx.get(live_server.url + post.url, timeout=30)  # the shared page and the signed token its form carries
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    data = {**form_data(post, content="Posted sixteen times"), "token": token}

    def send(n: int) -> int:
        return httpx.post(url, data=data, timeout=60).status_code

    statuses = at_once(send)
    assert sorted(statuses, key=str) == [303] + [409] * (COPIES - 1)
    assert Response.objects.filter(content="Posted sixteen times").count() == 1
