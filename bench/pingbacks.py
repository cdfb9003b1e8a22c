"""Figures for ``make bench``: the pingback.ping path, in-process, against source pages served on 127.0.0.1.

Each ping has its own source URL, so every one is fetched, verified and stored as a new response (the
full path: XML-RPC parse, rate limits, guarded fetch over real HTTP, excerpt, moderation). Everything
runs in one transaction that is rolled back. Usage:
``python manage.py shell -c "from bench.pingbacks import report; report()"``.
"""

from __future__ import annotations

import statistics
import time
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import quoteattr

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import Page

from bench import loopback

UNLIMITED = "1000000/60"


@contextmanager
def source_server(target_url: str) -> Iterator[str]:
    """Every path on the yielded http://127.0.0.1:port is a small blog post linking to ``target_url``."""
    page = (
        "<!doctype html><html><head><title>A reader's blog</title></head><body><article><p>"
        + "Some words before the link, as a reader writes them. " * 4
        + f"I enjoyed <a href={quoteattr(target_url)}>this post</a> and wrote about it here. "
        + "More words after the link to make a realistic paragraph. " * 4
        + "</p></article></body></html>"
    ).encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    with loopback.running(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield url


def _percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {"p50_ms": statistics.median(samples) * 1000, "p99_ms": samples[max(int(len(samples) * 0.99) - 1, 0)] * 1000}


@override_settings(
    ALLOWED_HOSTS=["*"],
    SAFEFETCH_ALLOWED_NETWORKS=["127.0.0.0/8"],
    LINKBACK_RATE_PER_IP=UNLIMITED,
    LINKBACK_RATE_PER_SOURCE_HOST=UNLIMITED,
    DISCUSSION_FLOOD_SECONDS=0,
    AKISMET_API_KEY="",
)
def measure(page: Page, *, pings: int = 200) -> dict:
    """Latency of ``pings`` successful pingback.ping calls to ``page``, each from a new source URL."""
    client = Client()
    endpoint = reverse("linkbacks:xmlrpc")
    target = page.full_url
    timings = []
    with source_server(target) as base:
        started = time.perf_counter()
        for n in range(pings):
            call = xmlrpc.client.dumps((f"{base}/reader/{n}/", target), "pingback.ping")
            begun = time.perf_counter()
            reply = client.post(endpoint, call, content_type="text/xml", REMOTE_ADDR=f"10.1.{n // 250}.{n % 250}")
            timings.append(time.perf_counter() - begun)
            (answer,), _ = xmlrpc.client.loads(reply.content)  # a fault raises: the figure would be a lie
            assert "registered" in answer, answer
        elapsed = time.perf_counter() - started
    return {"pings": pings, "per_second": pings / elapsed, **_percentiles(timings)}


def report(pings: int = 200) -> dict:
    from blog.models import BlogIndexPage, BlogPage

    with transaction.atomic():
        index = BlogIndexPage.objects.first()
        if index is None:
            raise SystemExit("No blog index: run `manage.py load_demo` first.")
        page = index.add_child(instance=BlogPage(title="Pingback benchmark", slug="pingback-benchmark"))
        figures = measure(page, pings=pings)
        transaction.set_rollback(True)
    print(
        f"pingback.ping (source on 127.0.0.1): p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
        f"{figures['per_second']:.1f} pings/s over {pings}"
    )
    return figures
