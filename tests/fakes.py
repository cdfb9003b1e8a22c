"""Local stand-ins for the services outside the site, on 127.0.0.1, with faults on demand.

`FakeAkismet` speaks Akismet's REST API (comment-check, submit-spam/ham, verify-key) and can
fail, hang or trickle a share of its answers; `FakeSMTP` speaks enough SMTP to take mail, or hangs
after connecting, or refuses connections. Used by tests/production and `make soak`.
"""

import random
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SPAM_WORD = "casino-bonus"  # a comment containing it is spam to the fake Akismet


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        """Clients giving up on a hung or trickling answer is the point; say nothing."""


@dataclass
class Faults:
    """Shares (0..1) of calls that fail (500), hang (no answer for `hang_seconds`), or trickle
    (a byte every `trickle_interval` seconds)."""

    fail: float = 0.0
    hang: float = 0.0
    trickle: float = 0.0
    hang_seconds: float = 30.0
    trickle_interval: float = 1.5

    def pick(self, roll: float) -> str:
        if roll < self.fail:
            return "fail"
        if roll < self.fail + self.hang:
            return "hang"
        if roll < self.fail + self.hang + self.trickle:
            return "trickle"
        return "answer"


@dataclass
class FakeAkismet:
    faults: Faults = field(default_factory=Faults)
    checks: list[dict] = field(default_factory=list)
    reports: list[tuple[str, dict]] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        fake = self
        self.stopping = threading.Event()
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                endpoint = self.path.rsplit("/", 1)[-1]
                if endpoint == "verify-key":
                    return self.answer(b"valid")
                if endpoint in ("submit-spam", "submit-ham"):
                    with fake.lock:
                        fake.reports.append((endpoint, form))
                    return self.answer(b"Thanks for making the web a better place.")
                if endpoint != "comment-check":
                    return self.answer(b"unknown endpoint", status=404)
                outcome = fake.faults.pick(random.random())
                with fake.lock:
                    fake.outcomes[outcome] = fake.outcomes.get(outcome, 0) + 1
                if outcome == "fail":
                    return self.answer(b"Internal Server Error", status=500)
                if outcome == "hang":
                    fake.stopping.wait(fake.faults.hang_seconds)
                    return self.close_connection_now()
                body = b"true" if SPAM_WORD in form.get("comment_content", "") else b"false"
                if outcome == "trickle":
                    return self.trickle(body)
                with fake.lock:
                    fake.checks.append(form)
                return self.answer(body)

            def answer(self, body: bytes, status: int = 200):
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def trickle(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for byte in body:
                    if fake.stopping.wait(fake.faults.trickle_interval):
                        break
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except OSError:
                        return

            def close_connection_now(self):
                self.close_connection = True

        self.server = _Quiet(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def heal(self) -> None:
        self.faults = Faults()

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class FakeSMTP:
    """mode "ok" takes every message (kept in `messages`); "hang" accepts a connection and never
    speaks; "refuse" closes the port, so connections are refused."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.mode = "ok"
        self.stopping = threading.Event()
        self.port = self._free_port()
        self.server: socketserver.ThreadingTCPServer | None = None
        self.listen()

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def listen(self) -> None:
        smtp = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def handle(self):
                if smtp.mode == "hang":
                    smtp.stopping.wait(120)
                    return
                self.say(b"220 fake ESMTP")
                data = False
                message: list[bytes] = []
                for line in self.rfile:
                    if data:
                        if line in (b".\r\n", b".\n"):
                            smtp.messages.append(b"".join(message))
                            data, message = False, []
                            self.say(b"250 queued")
                        else:
                            message.append(line)
                        continue
                    verb = line[:4].upper()
                    if verb == b"EHLO" or verb == b"HELO":
                        self.say(b"250 fake")
                    elif verb == b"DATA":
                        data = True
                        self.say(b"354 go ahead")
                    elif verb == b"QUIT":
                        self.say(b"221 bye")
                        return
                    else:
                        self.say(b"250 ok")

            def say(self, text: bytes):
                self.wfile.write(text + b"\r\n")
                self.wfile.flush()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def set(self, mode: str) -> None:
        """Switch to "ok", "hang" or "refuse" (the port closes; it opens again on "ok" or "hang")."""
        if mode == "refuse" and self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        elif mode != "refuse" and self.server is None:
            self.listen()
        self.mode = mode

    def stop(self) -> None:
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
