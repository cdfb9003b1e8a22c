"""Akismet answered on loopback, so the comment figure measures the app and not the internet.

`serve()` runs a small HTTP server that answers like rest.akismet.com (every comment is ham). The
`akismet` package has Akismet's address built in, so each gunicorn worker routes it there through
`discussion.akismet.transport`, the hook the tests use too: gunicorn loads this module as its
config (`-c python:bench.local_akismet`) and `post_worker_init` installs the route when
BENCH_AKISMET_URL is set. Everything else about the comment path is the production one.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

ANSWERS = {
    "/1.1/comment-check": b"false",
    "/1.1/verify-key": b"valid",
    "/1.1/submit-spam": b"Thanks for making the web a better place.",
    "/1.1/submit-ham": b"Thanks for making the web a better place.",
}


class AkismetHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = ANSWERS.get(self.path.split("?")[0])
        self.send_response(200 if answer else 404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(answer or b"")))
        self.end_headers()
        self.wfile.write(answer or b"")

    do_GET = do_POST

    def log_message(self, *args):
        pass


@contextmanager
def serve() -> Iterator[str]:
    """The base URL (http://127.0.0.1:port) of a local Akismet, for as long as the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), AkismetHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class LocalAkismetTransport(httpx.HTTPTransport):
    """Sends what the `akismet` package addresses to rest.akismet.com to `base_url` instead."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base = httpx.URL(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme=self.base.scheme, host=self.base.host, port=self.base.port)
        return super().handle_request(request)


def post_worker_init(worker) -> None:
    """gunicorn hook: route this worker's Akismet calls to the local server."""
    url = os.environ.get("BENCH_AKISMET_URL")
    if url:
        from discussion import akismet

        akismet.transport = LocalAkismetTransport(url)
