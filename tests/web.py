"""A tiny web on 127.0.0.1: pages, redirects, slow and huge answers, endpoints that record hits, and a
closed port and a service that is not HTTP (what a port scan through our fetches would find)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Clients hanging up on slow or huge answers is what the tests want; say nothing."""


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    writer: Callable[[BaseHTTPRequestHandler, threading.Event], None] | None = None
    once: bool = False


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Web:
    """Routes by exact path (query included); unknown paths answer 404."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                web.hits.append(Hit(self.command, self.path, dict(self.headers.items()), body))
                route = web.routes.get(self.path)
                if route is None:
                    route = Route(404, b"<html><body>Not found</body></html>", [("Content-Type", "text/html")])
                elif route.once:
                    del web.routes[self.path]
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                if route.writer:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    route.writer(self, web.stopping)
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(route.body)

            do_GET = do_POST = do_HEAD = handle_any

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(
        self,
        path: str,
        html: str,
        *,
        status: int = 200,
        headers=(),
        content_type="text/html; charset=utf-8",
        once: bool = False,
    ) -> str:
        self.routes[path] = Route(status, html.encode("utf-8"), [("Content-Type", content_type), *headers], once=once)
        return self.url(path)

    def raw(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Route(status, b"", [("Location", location)])
        return self.url(path)

    def hits_for(self, path: str, method: str | None = None) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path and (method is None or hit.method == method)]

    def __enter__(self) -> Web:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


def trickle(handler: BaseHTTPRequestHandler, stopping: threading.Event, interval: float = 0.2) -> None:
    """Send a byte at a time, forever (until the client leaves or the server stops)."""
    handler.wfile.write(b"<html><body><p>")
    while not stopping.wait(interval):
        try:
            handler.wfile.write(b"a")
            handler.wfile.flush()
        except OSError:
            return


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def non_http_service(banner: bytes = b"SSH-2.0-OpenSSH_9.2\r\n") -> Iterator[int]:
    """A TCP service on 127.0.0.1 that greets every connection with a banner that is not HTTP."""
    server = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve() -> None:
        server.settimeout(0.05)
        while not stopping.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.sendall(banner)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stopping.set()
        thread.join(2)
        server.close()
