"""`make bench` (`python -m bench.run`): the figures of issue 10, measured with wrk on loopback.

The content has the shape of the WordPress comparison: about 22 posts, one of them with 200
approved threaded responses, the seed post with its two, and a podcast with 20 episodes. The app
runs in the production profile (DEBUG off, gunicorn with 4 workers of 4 threads, SQLite, a task worker),
and every page is measured in three modes in this one run:

- cold: PAGE_CACHE=off, every request renders;
- app cache: the default, anonymous pages served from Django's cache;
- nginx: the shipped server block (deploy/nginx/) in front of the app-cache gunicorn.

The 200-response page's own bytes are also served as a static file by nginx, the ceiling the
other modes are compared with. Last, comment POSTs from 16 connections, Akismet answered on
loopback (bench/local_akismet.py): at full load, then paced (each connection waits between POSTs).
Progress lines as it goes, a table and the targets at the end.
Nothing here asserts: the figures are for people. BENCH_SECONDS (default 5) sets each wrk run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import edge, load, local_akismet, report
from .forms import CommentForm, comment_form
from .report import PAGES, Figures

ROOT = Path(__file__).resolve().parents[1]
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WARM_SECONDS = 1.0
WORKERS = "4"
THREADS = "4"  # and keep-alive: the README's production command
EXTRA_POSTS = 17  # load_demo publishes 5 posts
EPISODES = 20
THREAD_RESPONSES = 200

SEED = f"""
from blog.models import BlogPage
from bench.responses import add_responses
page = BlogPage.objects.get(slug="why-comments-still-matter")
if not page.responses.exists():
    add_responses(page, {THREAD_RESPONSES})
print("COMMENT_TARGET", BlogPage.objects.live().filter(slug__startswith="generated-post").first().url)
"""


STARTED = time.monotonic()


def say(line: str) -> None:
    print(line, flush=True)


def section(title: str) -> None:
    say(f"\n[{time.monotonic() - STARTED:4.0f} s] {title}")


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def production_env(workdir: Path, port: int, akismet_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",  # no SMTP server on this machine
        "LINKBACK_SEND_ON_PUBLISH": "false",  # the generated posts link to example.org: no internet here
        "AKISMET_API_KEY": "bench-local-akismet",
        "AKISMET_API_URL": akismet_url,
        "TRUSTED_PROXY_COUNT": "1",  # the comment benchmark's readers each have an address (X-Forwarded-For)
        "LOG_LEVEL": "ERROR",
    }


def prepare(env: dict) -> str:
    """Migrate and load the content; returns the path of the post the comment benchmark writes to."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "generate_posts", str(EXTRA_POSTS))
    manage(env, "generate_episodes", str(EPISODES - 2))  # the demo show has two
    out = manage(env, "shell", "--no-imports", "-c", SEED, capture=True)
    # The seeding queued search-index and email tasks: the worker runs them now, as it would have by the
    # time readers came, instead of taking the cores from the first pages measured.
    manage(env, "task_worker", "--batch", "--no-startup-delay", capture=True)
    return next(line.split()[1] for line in out.splitlines() if line.startswith("COMMENT_TARGET"))


@contextmanager
def app(env: dict, port: int, logs: Path) -> Iterator[str]:
    """gunicorn (4 workers, 4 threads each, connections kept alive) and a task worker, as the README's
    production section runs them.

    Their output goes to `logs` (gunicorn.log, worker.log), so the progress lines stay readable."""
    gunicorn = [sys.executable, "-m", "gunicorn", "--pythonpath", "site", "config.wsgi", "--workers", WORKERS]
    gunicorn += ["--threads", THREADS, "--keep-alive", "75", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    worker = [sys.executable, "manage.py", "task_worker"]
    with open(logs / "gunicorn.log", "a") as app_log, open(logs / "worker.log", "a") as worker_log:
        processes = [
            subprocess.Popen(gunicorn, cwd=ROOT, env=env, stdout=app_log, stderr=subprocess.STDOUT),
            subprocess.Popen(worker, cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT),
        ]
    try:
        base = f"http://127.0.0.1:{port}"
        load.wait_until_up(base + "/")
        yield base
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def measure_pages(mode: str, base: str, figures: Figures) -> None:
    for page in PAGES:
        url = base + page.path
        load.load_get(url, seconds=WARM_SECONDS)  # fills every worker's cache, and nginx's
        single = load.single_ms(url)
        answer = load.fetch(url)
        result = load.load_get(url, seconds=SECONDS)
        figures.add(mode, page.name, bytes=len(answer.body), single_ms=single, load=result)
        cache = f" (nginx cache: {answer.headers['x-cache-status']})" if "x-cache-status" in answer.headers else ""
        say(
            f"  [{mode}] {page.name}: {len(answer.body):,} bytes, {single:.1f} ms single, "
            f"{result.per_second:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
            f"{result.unexpected} non-2xx{cache}"
        )


def query_counts(env: dict) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.queries", *(page.path for page in PAGES)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure_comments(base: str, target: str, form: CommentForm, figures: Figures) -> None:
    """Paced like readers, then at full load (each connection posts again as soon as answered): in this
    order, so the paced run does not share the cores with the worker's catching up on the flood."""
    headers = {"Origin": base, "Referer": base + target, **({"Cookie": form.cookie} if form.cookie else {})}
    load.load_comments(form.action, form.fields, headers, seconds=WARM_SECONDS)  # every worker's first POST
    for name, pause in (("paced", report.COMMENT_PAUSE), ("full load", 0.0)):
        result = load.load_comments(form.action, form.fields, headers, seconds=SECONDS, pause=pause)
        figures.comments[name] = result
        say(
            f"  [comment POST, {name}] {result.per_second:,.0f}/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms, {result.unexpected} not 303"
        )


def main() -> None:
    load.wrk_binary()
    workdir = Path(tempfile.mkdtemp(prefix="backchannel-bench-"))
    workdir.chmod(0o755)  # nginx's workers read the static copy from here
    port, figures = edge.free_port(), Figures()
    load_at_start = os.getloadavg()[0]
    with local_akismet.serve() as akismet_url:
        env = production_env(workdir, port, akismet_url)
        section(f"Preparing {EXTRA_POSTS + 5} posts, {THREAD_RESPONSES} responses on one, {EPISODES} episodes")
        say(f"  in {workdir}")
        comment_target = prepare(env)

        section(f"Cold (PAGE_CACHE=off): gunicorn, {WORKERS}×{THREADS} threads; wrk -t2 -c16 -d{SECONDS:g}s per page")
        cold_env = {**env, "PAGE_CACHE": "off"}
        with app(cold_env, port, workdir) as base:
            measure_pages("cold", base, figures)
            thread_page = load.fetch(base + PAGES[0].path).body
        figures.queries["cold"] = query_counts(cold_env)

        section("App cache (the default)")
        with app(env, port, workdir) as base:
            form = comment_form(base + comment_target)  # read now: the form's time trap wants a few seconds
            measure_pages("app cache", base, figures)
            section("Behind nginx (deploy/nginx/backchannel.conf), in front of the app-cache gunicorn")
            with edge.proxy(workdir, upstream_port=port) as front:
                measure_pages("nginx", front, figures)
            section("Comment POST, 16 concurrent, Akismet on loopback")
            measure_comments(base, comment_target, form, figures)
        figures.queries["app cache"] = query_counts(env)

        section("Static file (nginx), the 200-response page's bytes")
        with edge.static(workdir, "post-with-200-responses.html", thread_page) as url:
            single = load.single_ms(url)
            load.load_get(url, seconds=WARM_SECONDS)
            result = load.load_get(url, seconds=SECONDS)
            figures.static = (len(thread_page), single, result)
            say(f"  [static] {result.per_second:,.0f} req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms")

        section("In-process figures")
        manage(env, "shell", "--no-imports", "-c", "from bench.hit_cost import report; report()")
        manage(env, "shell", "--no-imports", "-c", "from bench.pingbacks import report; report(pings=50)")
        manage(env, "shell", "--no-imports", "-c", "from bench.wordpress_import import report; report()")

    figures.notes.append(
        f"Load average (1 min) at the start {load_at_start:.1f}, at the end {os.getloadavg()[0]:.1f}, "
        f"on {os.cpu_count()} cores: other work on the machine lowers every figure. Logs in {workdir}."
    )
    print()
    print(report.render(figures))


if __name__ == "__main__":
    main()
