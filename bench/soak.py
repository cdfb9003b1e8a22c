"""`make soak` (`python -m bench.soak`): comment POSTs against the production topology while its
neighbours fail, and what became of every one of them.

The topology is tests/stack.py's: PostgreSQL and Redis (scripts/with-postgres), two gunicorn
processes (2 workers of SOAK_APP_THREADS threads, 4) behind deploy/nginx, SOAK_WORKERS task
workers (2). SOAK_N comments (default 300, the size `.ci/run` uses; 10000 for the full run) are
posted through nginx by SOAK_CONCURRENCY readers (32), each from its own loopback address,
posting one after another, while a reader in a process of its own polls the home page, and:

- the local Akismet fails 30% of calls, hangs on 5% and trickles 5% (a byte every 1.5 s), until
  the last comment is sent; then it recovers;
- SMTP refuses connections for the first half, then accepts and never answers;
- 8 webmentions arrive whose sources trickle, for the worker to fetch;
- at a third of the run an app process is killed (-9) and restarted; at two thirds a task worker.

Then it waits (up to SOAK_SETTLE seconds, 120) for every stored comment to have a verdict and
prints sent / accepted / refused by status / rows found / lost / verdicts pending a minute after
Akismet recovered / POST p50 and p99 / the home page's p99 (as the readers timed them, and as
nginx's log did, which tells the site's time from the load generator's), with the targets beside
them. Lost rows or any 5xx make it exit 1; the rest are figures. Readers that post back to back
are a closed loop: the POST latency is about SOAK_CONCURRENCY / throughput (Little's law), so
its target holds only where the machine serves that many POSTs per second.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import ssl
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
APP_THREADS = int(os.environ.get("SOAK_APP_THREADS", "4"))  # gthread: a read never queues behind every POST
SETTLE = float(os.environ.get("SOAK_SETTLE", "120"))
POSTS = [
    "/why-comments-still-matter/",
    "/pingbacks-trackbacks-webmentions-explained/",
    "/episode-notes-are-blog-posts-too/",
    "/owning-your-feed/",
]
JUDGED = ("ham", "spam", "discard")
NO_TLS = ssl.create_default_context()  # loopback is plain HTTP: one context for all, not a CA load per reader
NGINX_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d+) (?P<seconds>[\d.]+) (?P<cache>\S*)')


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
        transport = httpx.HTTPTransport(local_address=next_address(), verify=NO_TLS)
        headers = {"Origin": self.stack.url, "Referer": self.stack.url + path, "User-Agent": "soak"}
        with httpx.Client(
            base_url=self.stack.url, transport=transport, timeout=60, headers=headers, cookies=self.cookies
        ) as http:
            started = time.perf_counter()  # the POST's round trip, not the client's own set-up
            try:
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


def watch_home(url: str, stopping, results) -> None:
    """A reader who keeps opening the home page, in a process of its own so that the 32 posting
    threads' share of the GIL does not count as the site's time; its latencies are the "everyone
    else" figure."""
    latencies, errors = [], Counter()
    with httpx.Client(base_url=url, timeout=60) as http:
        while not stopping.is_set():
            started = time.perf_counter()
            try:
                status = http.get("/").status_code
            except httpx.TransportError as error:
                status = type(error).__name__
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors[status] += 1
            stopping.wait(0.05)
    results.put((latencies, dict(errors)))


class HomeWatcher:
    def __init__(self, stack: Stack):
        spawn = multiprocessing.get_context("spawn")
        self.stopping, self.results = spawn.Event(), spawn.Queue()
        self.process = spawn.Process(target=watch_home, args=(stack.url, self.stopping, self.results), daemon=True)
        self.latencies: list[float] = []
        self.errors: Counter = Counter()

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self.stopping.set()
        latencies, errors = self.results.get(timeout=120)
        self.process.join(timeout=10)
        self.latencies, self.errors = latencies, Counter(errors)


def nginx_seconds(stack: Stack, method: str, path: re.Pattern) -> list[float]:
    """What nginx measured for matching requests ($request_time: first byte in to last byte out)."""
    log = stack.root / "logs" / "nginx-access.log"
    found = []
    for line in log.read_text(errors="replace").splitlines():
        match = NGINX_LINE.search(line)
        if match and match["method"] == method and path.fullmatch(match["path"]):
            found.append(float(match["seconds"]))
    return found


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
    apps = [stack.app(f"app{n}", workers=2, threads=APP_THREADS) for n in (1, 2)]
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
    home.stop()
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
    edge_post = nginx_seconds(stack, "POST", re.compile(r"/discussion/\d+/comment/"))
    edge_home = nginx_seconds(stack, "GET", re.compile(r"/"))
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
        (
            "  as nginx timed them: POST p50 / p99",
            f"{percentile(edge_post, 0.5):.0f} / {percentile(edge_post, 0.99):.0f} ms",
            "",
        ),
        ("  as nginx timed them: home p99", f"{percentile(edge_home, 0.99):.0f} ms", ""),
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
