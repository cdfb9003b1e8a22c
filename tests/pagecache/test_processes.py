"""Two app processes serve one site, and a change made by a third process shows on the next request to
either: the content version lives outside the processes. With Redis they share the pages too; on one
machine without Redis (SQLite) each keeps its own pages and reads the version from a file beside the
database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.pagecache.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
POST = "/why-comments-still-matter/"
HOST = {"Host": "blog.test"}  # as behind one proxy: both processes are asked for the same address
APPROVE = """
from blog.models import BlogPage
from discussion.models import Response
page = BlogPage.objects.get(slug="why-comments-still-matter")
Response.objects.create(page=page, status="approved", author_name="Third process", content="Seen everywhere")
"""


def wait_for(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the app process for {url} exited with {server.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"no answer from {url} within {timeout:.0f} s")


@pytest.fixture(params=["redis", "one machine"])
def two_processes(request, tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "two-process-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,blog.test",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }
    if request.param == "redis":
        env["CACHE_URL"] = request.getfixturevalue("redis_url").rsplit("/", 1)[0] + "/3"  # a database of its own
    else:
        env.pop("CACHE_URL", None), env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "shell", "-c", "from django.core.cache import cache; cache.clear()"], cwd=ROOT, env=env)
    servers, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            command = [sys.executable, "-m", "gunicorn", "--pythonpath", "site", "config.wsgi", "--workers", "1"]
            servers.append(subprocess.Popen([*command, "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env))
            urls.append(f"http://127.0.0.1:{port}")
        for url, server in zip(urls, servers, strict=True):
            wait_for(url + "/robots.txt", server)

        def run(script: str) -> None:
            subprocess.run([*manage, "shell", "-c", script], cwd=ROOT, env=env, check=True)

        yield request.param, urls, run
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def test_two_processes_share_pages_and_see_a_change_made_elsewhere(two_processes):
    kind, (first, second), run = two_processes
    rendered = httpx.get(first + POST, headers=HOST)
    assert rendered.status_code == 200 and rendered.headers["X-Page-Cache"] == "miss"
    if kind == "one machine":
        assert httpx.get(first + POST, headers=HOST).headers["X-Page-Cache"] == "hit"
        assert httpx.get(second + POST, headers=HOST).headers["X-Page-Cache"] == "miss", "pages are per process"
    shared = httpx.get(second + POST, headers=HOST)
    assert shared.headers["X-Page-Cache"] == "hit", "the second process serves the page it or the first stored"
    assert "Seen everywhere" not in shared.text

    run(APPROVE)

    for url in (second, first):
        reply = httpx.get(url + POST, headers=HOST)
        assert "Seen everywhere" in reply.text, url
        assert httpx.get(url + POST, headers=HOST).headers["X-Page-Cache"] == "hit", url
