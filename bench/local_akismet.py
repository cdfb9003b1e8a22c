"""Akismet answered on loopback, so the comment figure measures the app and not the internet.

`serve()` runs a small HTTP server that answers like rest.akismet.com (every comment is ham); the
app and its task worker are pointed at it with AKISMET_API_URL. Everything else about the comment
path is the production one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import loopback

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


class QuietServer(ThreadingHTTPServer):
    request_queue_size = 128  # socketserver's 5 drops connections when many POSTs ask at once, as no real Akismet does
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A load generator hangs up mid-answer when its run ends; that is not news."""


@contextmanager
def serve() -> Iterator[str]:
    """The base URL (http://127.0.0.1:port) of a local Akismet, for as long as the block runs."""
    with loopback.running(QuietServer(("127.0.0.1", 0), AkismetHandler)) as url:
        yield url
