"""Figures for ``make bench``: a post with 500 threaded responses (queries, latency) and the comment
POST path (p50/p99) with Akismet answered locally by an httpx.MockTransport.

Everything runs in one transaction that is rolled back, so the database is left as it was. Usage:
``python manage.py shell -c "from bench.responses import report; report()"``; ``add_responses`` also
seeds the gunicorn benchmark's database.
"""

import random
import statistics
import time

import httpx
from akismet import SyncClient
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from discussion import akismet, text, tokens
from discussion.models import Response


def add_responses(page: Page, count: int = 500, seed: int = 1) -> None:
    """`count` approved responses on `page`, 70% of them replies, one in 25 a pingback."""
    rng = random.Random(seed)
    created: list[Response] = []
    for n in range(count):
        parent = rng.choice(created) if created and rng.random() < 0.7 else None
        content = f"Response {n}: thanks, see https://example.com/{n}"
        response = Response(
            page=page,
            parent=parent,
            status=Response.Status.APPROVED,
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.com",
            content=content,
            content_html=text.render(content),
            kind=Response.Kind.PINGBACK if n % 25 == 0 else Response.Kind.COMMENT,
        )
        response.save()
        created.append(response)


def _percentiles(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"p50_ms": statistics.median(samples) * 1000, "p99_ms": samples[max(int(len(samples) * 0.99) - 1, 0)] * 1000}


@override_settings(ALLOWED_HOSTS=["*"])
def measure(page: Page, *, responses: int = 500, gets: int = 20, posts: int = 100) -> dict:
    """Query count and latency of the page with `responses` responses, and of `posts` comment POSTs."""
    add_responses(page, responses)
    client = Client()
    assert client.get(page.url, secure=True).status_code == 200  # also warms per-process caches
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url, secure=True)
    page_queries = len(captured)  # read now: the query log is a bounded deque
    timings = []
    for _ in range(gets):
        started = time.perf_counter()
        client.get(page.url, secure=True)
        timings.append(time.perf_counter() - started)
    figures = {"responses": responses, "page_queries": page_queries, "page": _percentiles(timings)}

    saved = akismet.transport, akismet.client_class
    akismet.transport = httpx.MockTransport(lambda request: httpx.Response(200, text="false"))
    akismet.client_class = SyncClient
    timings = []
    try:
        with override_settings(DISCUSSION_MIN_SUBMIT_SECONDS=0, DISCUSSION_FLOOD_SECONDS=0, AKISMET_API_KEY="bench"):
            for n in range(posts):
                data = {
                    "author_name": f"Bench {n}",
                    "author_email": f"bench{n}@example.com",
                    "content": f"Benchmark comment {n}",
                    "token": tokens.form_token(page.pk, time.time() - 60),
                }
                started = time.perf_counter()
                ip = f"10.0.{n // 250}.{n % 250}"
                reply = client.post(reverse("discussion:post", args=[page.pk]), data, REMOTE_ADDR=ip, secure=True)
                timings.append(time.perf_counter() - started)
                assert reply.status_code == 303, reply.status_code
    finally:
        akismet.transport, akismet.client_class = saved
    figures["comment_post"] = _percentiles(timings)
    figures["posts"] = posts
    return figures


def report(responses: int = 500, posts: int = 100) -> dict:
    from blog.models import BlogIndexPage, BlogPage

    with transaction.atomic():
        index = BlogIndexPage.objects.first()
        if index is None:
            raise SystemExit("No blog index: run `manage.py load_demo` first.")
        page = index.add_child(instance=BlogPage(title="Discussion benchmark", slug="discussion-benchmark"))
        figures = measure(page, responses=responses, posts=posts)
        transaction.set_rollback(True)
    print(
        f"post with {responses} responses: {figures['page_queries']} queries, "
        f"p50 {figures['page']['p50_ms']:.1f} ms, p99 {figures['page']['p99_ms']:.1f} ms\n"
        f"comment POST (Akismet local): p50 {figures['comment_post']['p50_ms']:.1f} ms, "
        f"p99 {figures['comment_post']['p99_ms']:.1f} ms over {posts}"
    )
    return figures
