"""`make soak` (`python -m bench.soak`): comment POSTs against the production topology while its
neighbours fail, and what became of every one of them.

The topology is tests/stack.py's: PostgreSQL and Redis (scripts/with-postgres), two gunicorn
processes behind deploy/nginx, SOAK_WORKERS task workers (2). SOAK_N comments (default 300,
the size `.ci/run` uses; 10000 for the full run) are posted through nginx by SOAK_CONCURRENCY
readers (32), each from its own loopback address, while a reader polls the home page, and:

- the local Akismet fails 30% of calls, hangs on 5% and trickles 5% (a byte every 1.5 s), until
  the last comment is sent; then it recovers;
- SMTP refuses connections for the first half, then accepts and never answers;
- 8 webmentions arrive whose sources trickle, for the worker to fetch;
- at a third of the run an app process is killed (-9) and restarted; at two thirds a task worker.

Then it waits (up to SOAK_SETTLE seconds, 120) for every stored comment to have a verdict and
prints sent / accepted / refused by status / rows found / lost / verdicts pending a minute after
Akismet recovered / POST p50 and p99 / the home page's p99, with the targets beside them. Lost
rows or any 5xx make it exit 1; the rest are figures.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.fakes import SPAM_WORD, FakeAkismet, FakeSMTP, Faults
from tests.stack import Reader, Stack, next_address
from tests.web import Route, Web, trickle

N = int(os.environ.get("SOAK_N", "300"))
CONCURRENCY = int(os.environ.get("SOAK_CONCURRENCY", "32"))
WORKERS = int(os.environ.get("SOAK_WORKERS", "2"))
SETTLE = float(os.environ.get("SOAK_SETTLE", "120"))
POSTS = [
    "/why-comments-still-matter/",
    "/pingbacks-trackbacks-webmentions-explained/",
    "/episode-notes-are-blog-posts-too/",
    "/owning-your-feed/",
]
JUDGED = ("ham", "spam", "discard")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000


class Load:
    """The readers: each comment from a fresh address and email, on a form fetched once per page."""

    def __init__(self, stack: Stack):
        self.stack = stack
        reader = Reader(stack, "Form")
        self.forms = {path: reader.comment_form(path) for path in POSTS}
        self.cookies = dict(reader.http.cookies)  # the CSRF cookie, where the form still needs one
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.accepted: dict[int, str] = {}  # response id -> content
        self.sent = 0
        self.lock = threading.Lock()

    def comment(self, n: int) -> None:
        path = POSTS[n % len(POSTS)]
        action, fields = self.forms[path]
        content = f"Soak comment {n}: the queue keeps it." + (f" {SPAM_WORD}!" if n % 10 == 0 else "")
        if n % 10 == 5:
            content += " Two links hold it: http://a.example/ http://b.example/"
        data = {**fields, "author_name": f"Soak {n}", "author_email": f"soak-{n}@example.com", "content": content}
        transport = httpx.HTTPTransport(local_address=next_address())
        headers = {"Origin": self.stack.url, "Referer": self.stack.url + path, "User-Agent": "soak"}
        started = time.perf_counter()
        try:
            with httpx.Client(
                base_url=self.stack.url, transport=transport, timeout=60, headers=headers, cookies=self.cookies
            ) as http:
                answer = http.post(action, data=data)
            status = answer.status_code
        except httpx.TransportError as error:
            answer, status = None, type(error).__name__
        elapsed = time.perf_counter() - started
        with self.lock:
            self.sent += 1
            self.statuses[status] += 1
            self.latencies.append(elapsed)
            location = answer.headers.get("Location", "") if answer is not None else ""
            if status == 303 and "#response-" in location:
                self.accepted[int(location.rsplit("#response-", 1)[1])] = content


class HomeWatcher(threading.Thread):
    """A reader who keeps opening the home page; its latencies are the "everyone else" figure."""

    def __init__(self, stack: Stack):
        super().__init__(daemon=True)
        self.stack, self.latencies, self.errors = stack, [], Counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.stack.url, timeout=60) as http:
            while not self.stopping.is_set():
                started = time.perf_counter()
                try:
                    status = http.get("/").status_code
                except httpx.TransportError as error:
                    status = type(error).__name__
                self.latencies.append(time.perf_counter() - started)
                if status != 200:
                    self.errors[status] += 1
                self.stopping.wait(0.05)


def slow_webmentions(stack: Stack, web: Web) -> int:
    """8 webmentions from one client whose source pages trickle a byte every 0.2 s."""
    accepted = 0
    reader = Reader(stack, "Slow sources")
    for n in range(8):
        source = web.raw(f"/slow/{n}", Route(200, headers=[("Content-Type", "text/html")], writer=trickle))
        answer = reader.http.post("/webmention/", data={"source": source, "target": stack.url + POSTS[0]})
        accepted += answer.status_code in (200, 201, 202)
    return accepted


def soak() -> int:
    akismet = FakeAkismet(faults=Faults(fail=0.30, hang=0.05, trickle=0.05, hang_seconds=30))
    smtp = FakeSMTP()
    smtp.set("refuse")
    stack = Stack.create(
        AKISMET_API_KEY="fake-key",
        AKISMET_API_URL=akismet.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        DISCUSSION_FLOOD_SECONDS="15",
    )
    with Web() as web:
        try:
            return run(stack, akismet, smtp, web)
        finally:
            stack.stop(keep=os.environ.get("SOAK_KEEP") == "1")
            akismet.stop()
            smtp.stop()


def run(stack: Stack, akismet: FakeAkismet, smtp: FakeSMTP, web: Web) -> int:
    print(f"soak: preparing the topology in {stack.root} ({stack.env['DATABASE_URL'].split('@')[-1]})", flush=True)
    stack.prepare()
    stack.python(
        "from django.contrib.auth import get_user_model\n"
        "get_user_model().objects.create_superuser('moderator', 'moderator@example.com', None)"
    )
    apps = [stack.app("app1", workers=2), stack.app("app2", workers=2)]
    workers = [stack.worker(f"worker{n + 1}") for n in range(WORKERS)]
    stack.nginx(apps)
    load = Load(stack)
    home = HomeWatcher(stack)
    home.start()
    slow = slow_webmentions(stack, web)
    print(f"soak: {N} comments at {CONCURRENCY} concurrent; {slow}/8 slow webmentions accepted", flush=True)

    restarts: list[threading.Thread] = []

    def inject() -> None:
        """Faults at a share of the comments sent: kill -9 and restart an app process, SMTP, a worker."""
        for share, name, process in ((1 / 3, "app1", apps[0]), (1 / 2, "smtp", None), (2 / 3, "worker1", workers[0])):
            while load.sent < N * share:
                time.sleep(0.05)
            if process is None:
                smtp.set("hang")
                print(f"soak: SMTP now accepts and never answers (comment {load.sent})", flush=True)
                continue
            print(f"soak: kill -9 {name} (comment {load.sent}); restarting it", flush=True)
            process.kill()
            restarts.append(threading.Thread(target=process.start, daemon=True))
            restarts[-1].start()

    injector = threading.Thread(target=inject, daemon=True)
    started = time.monotonic()
    injector.start()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(load.comment, range(N)))
    sent_for = time.monotonic() - started
    injector.join(timeout=5)
    akismet.heal()
    smtp.set("ok")
    healed = time.monotonic()
    for restart in restarts:
        restart.join(timeout=120)
    home.stopping.set()
    print(f"soak: all sent in {sent_for:.0f} s; Akismet and SMTP recovered; waiting for verdicts", flush=True)

    def unjudged() -> int:
        return stack.sql(
            "SELECT count(*) FROM discussion_response WHERE author_email LIKE 'soak-%%' "
            "AND NOT akismet_result = ANY(%s)",
            list(JUDGED),
        )[0][0]

    judged_within = None
    pending_at_minute = None
    deadline = healed + SETTLE
    while time.monotonic() < deadline:
        left = unjudged()
        if time.monotonic() - healed >= 60 and pending_at_minute is None:
            pending_at_minute = left
        if left == 0:
            judged_within = time.monotonic() - healed
            break
        time.sleep(1)
    if pending_at_minute is None:
        pending_at_minute = unjudged()

    rows = dict(stack.sql("SELECT id, content FROM discussion_response WHERE author_email LIKE 'soak-%%'"))
    lost = [rid for rid in load.accepted if rid not in rows]
    five_xx = sum(count for status, count in load.statuses.items() if isinstance(status, int) and status >= 500)
    transport_errors = sum(count for status, count in load.statuses.items() if not isinstance(status, int))
    verdicts = Counter(
        status for (status,) in stack.sql("SELECT status FROM discussion_response WHERE author_email LIKE 'soak-%%'")
    )
    mentions = Counter(status for (status,) in stack.sql("SELECT status FROM linkbacks_incomingwebmention"))
    emails = len(smtp.messages)

    post_p50, post_p99 = percentile(load.latencies, 0.5), percentile(load.latencies, 0.99)
    home_p99 = percentile(home.latencies, 0.99)
    refused = ", ".join(
        f"{status}: {count}" for status, count in sorted(load.statuses.items(), key=str) if status != 303
    )
    judged = f"{judged_within:.0f} s" if judged_within is not None else f"not within {SETTLE:.0f} s"
    lines = [
        ("sent", f"{load.sent} in {sent_for:.0f} s ({load.sent / sent_for:.0f}/s)", f"{N}"),
        ("accepted (303)", f"{load.statuses[303]} ({len(load.accepted)} shown to their author)", ""),
        ("refused, by status", refused or "none", "no 5xx"),
        ("rows found", f"{len(rows)}", ">= accepted"),
        ("lost (accepted, no row)", f"{len(lost)}", "0"),
        ("verdicts (status of rows)", ", ".join(f"{k}: {v}" for k, v in sorted(verdicts.items())), ""),
        ("verdicts pending 60 s after recovery", f"{pending_at_minute}", "0"),
        ("every verdict in, after recovery", judged, "within 60 s"),
        ("comment POST p50", f"{post_p50:.0f} ms", ""),
        ("comment POST p99", f"{post_p99:.0f} ms", "< 300 ms"),
        ("home page p99 during the run", f"{home_p99:.0f} ms ({len(home.latencies)} reads)", "< 200 ms"),
        ("home page non-200", ", ".join(f"{k}: {v}" for k, v in home.errors.items()) or "none", "none"),
        ("Akismet calls", ", ".join(f"{k}: {v}" for k, v in sorted(akismet.outcomes.items())), ""),
        ("slow webmentions", ", ".join(f"{k}: {v}" for k, v in sorted(mentions.items())) or "none", "8 settled"),
        ("emails delivered after SMTP recovered", f"{emails}", ""),
    ]
    width = max(len(name) for name, _, _ in lines)
    print(f"\n{'figure'.ljust(width)}  {'measured':<40}  target")
    for name, value, target in lines:
        print(f"{name.ljust(width)}  {value:<40}  {target}")
    failures = []
    if not load.accepted:
        failures.append("no comment was accepted, so nothing was measured")
    if lost:
        failures.append(f"{len(lost)} accepted comments have no row")
    if five_xx or transport_errors:
        failures.append(f"{five_xx} 5xx and {transport_errors} broken connections on comment POSTs")
    if home.errors:
        failures.append(f"home page: {dict(home.errors)}")
    for failure in failures:
        print(f"SOAK FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("\nsoak: nothing lost, no 5xx (the timing targets above are figures, not pass/fail)")
    return 1 if failures else 0


if __name__ == "__main__":
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("soak: run it as `make soak` (PostgreSQL and Redis on loopback via scripts/with-postgres).")
    sys.exit(soak())
