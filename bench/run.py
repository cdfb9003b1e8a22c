"""`make bench`: serve generated content under gunicorn on loopback and print figures.

Prints requests/s and p50/p99 latency for the home page, a post page and /feed/, plus the SQL
query count of each page. Nothing here asserts a timing; the figures are for people.
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
POSTS = int(os.environ.get("BENCH_POSTS", "1000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
EPISODES = int(os.environ.get("BENCH_EPISODES", "300"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url} within {timeout:.0f}s")


def measure(url: str, headers: dict | None = None) -> dict:
    def one(client: httpx.Client) -> float:
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        if response.status_code not in (200, 304):
            response.raise_for_status()
        return time.perf_counter() - start

    with httpx.Client(timeout=30) as client:
        for _ in range(10):
            one(client)  # warm up
        started = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            latencies = sorted(pool.map(lambda _: one(client), range(REQUESTS)))
        elapsed = time.perf_counter() - started
    return {
        "rps": REQUESTS / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


SEED_RESPONSES = """
from blog.models import BlogPage
from bench.responses import add_responses
page = BlogPage.objects.get(slug="why-comments-still-matter")
if not page.responses.exists():
    add_responses(page, 500)
"""


def query_counts(paths: list[str]) -> dict[str, int]:
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}
    for path in paths:
        client.get(path, HTTP_HOST="127.0.0.1")  # warm per-process caches, as a running server has
        with CaptureQueriesContext(connection) as queries:
            client.get(path, HTTP_HOST="127.0.0.1")
        counts[path] = len(queries)
    return counts


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="backchannel-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PODCAST_FEED_ITEMS": str(EPISODES),
    }
    os.environ.update(env)
    print(f"Preparing {POSTS} posts in {workdir} …", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "generate_posts", str(POSTS))
    manage(env, "generate_episodes", str(EPISODES))
    manage(env, "shell", "--no-imports", "-c", SEED_RESPONSES)

    paths = {
        "home page": "/",
        "post page": "/mayo-clinic-sets-a-high-bar-with-social-media/",
        "post, 500 responses": "/why-comments-still-matter/",
        "/feed/": "/feed/",
        "podcast feed": "/podcast/feed/",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--pythonpath",
            "site",
            "config.wsgi",
            "--workers",
            WORKERS,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/")
        print(f"gunicorn: {WORKERS} workers on {base}; {REQUESTS} requests per page, {CONCURRENCY} at a time\n")
        results = {name: measure(base + path) for name, path in paths.items()}
        etag = httpx.get(base + paths["podcast feed"]).headers["etag"]
        results["podcast feed 304"] = measure(base + paths["podcast feed"], {"If-None-Match": etag})
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = query_counts(list(paths.values()))

    counts["304"] = "-"
    paths["podcast feed 304"] = "304"
    print(f"{'page':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'SQL queries':>12}")
    for name, path in paths.items():
        r = results[name]
        print(f"{name:<22} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {counts[path]:>12}")

    print("\nIn-process figures:")
    from bench.pingbacks import report as linkbacks_report
    from bench.responses import report as discussion_report
    from bench.wordpress_import import report as wordpress_report

    discussion_report(responses=500, posts=100)
    linkbacks_report()
    wordpress_report()
    print(
        f"\nDone. {POSTS} posts and {EPISODES} episodes on SQLite. Raise BENCH_POSTS / BENCH_REQUESTS for longer "
        "runs; a query count that grows with content is a bug."
    )


if __name__ == "__main__":
    main()
