"""The production topology on loopback, started from the project's own files.

gunicorn app processes behind nginx running `deploy/nginx/backchannel.conf` (rendered with test
ports and paths), a `task_worker`, the database given in DATABASE_URL (a SQLite file otherwise)
and the cache given in CACHE_URL. Used by tests/deploy (nginx in front of one app process),
tests/production (the whole topology) and `make soak`. Every process listens on 127.0.0.1 on a
free port and is stopped by `Stack.stop`; logs stay in the stack's folder for a failing test.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path(os.environ.get("NGINX_PATH", "/usr/sbin/nginx"))
RENDER = ROOT / "deploy" / "nginx" / "render"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(interval)


def answers(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code < 500
        except httpx.TransportError:
            return False

    return check


@dataclass
class Process:
    """One long-running command with its log; `kill` is kill -9, `restart` starts it again."""

    name: str
    argv: list[str]
    env: dict
    log: Path
    url: str = ""  # answers HTTP when up
    popen: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> "Process":
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        if self.url:
            wait_for(lambda: self.running_or_raise() and answers(self.url)(), timeout, f"{self.name} answering")
        return self

    def running_or_raise(self) -> bool:
        if self.popen is not None and self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited ({self.popen.returncode}); see {self.log}:\n{self.tail()}")
        return True

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def kill(self) -> None:
        """kill -9 of the process and its children (gunicorn's workers go with their master)."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self, grace: float = 10) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self, timeout: float = 90) -> "Process":
        self.kill()
        return self.start(timeout)


@dataclass
class Stack:
    root: Path
    env: dict
    nginx_port: int = field(default_factory=free_port)
    processes: list[Process] = field(default_factory=list)

    @classmethod
    def create(cls, **settings: str) -> "Stack":
        """A folder for the stack and the environment every process shares (production profile)."""
        root = Path(tempfile.mkdtemp(prefix="backchannel-stack-"))
        stack = cls(root=root, env={})
        for folder in ("static", "media", "nginx/cache", "nginx/temp", "logs"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        base = f"http://127.0.0.1:{stack.nginx_port}"
        stack.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))},
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "stack-secret-key-for-loopback-tests-only"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": base,
            "CSRF_TRUSTED_ORIGINS": base,
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{root / 'db.sqlite3'}",
            "STATIC_ROOT": str(root / "static"),
            "MEDIA_ROOT": str(root / "media"),
            "STATIC_MANIFEST": "true",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_COUNT": "1",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "LINKBACK_ALLOWED_NETWORKS": "127.0.0.0/8",
            "DISCUSSION_MIN_SUBMIT_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "AKISMET_API_KEY": "",
            "LOG_LEVEL": "WARNING",
            **settings,
        }
        return stack

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def manage(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self) -> None:
        """What a deployment runs once: migrate, collectstatic, and content to read (the demo blog)."""
        self.create_database()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("load_demo")

    def create_database(self) -> None:
        """A fresh PostgreSQL database for the stack (scripts/with-postgres gives a bare cluster)."""
        url = self.env["DATABASE_URL"]
        if not url.startswith(("postgres://", "postgresql://")):
            return
        import psycopg

        server, _, name = url.replace("postgres://", "postgresql://", 1).rpartition("/")
        name = f"{name}_topology"  # never the database we were given
        self.env["DATABASE_URL"] = f"{server}/{name}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}"')
            db.execute(f'CREATE DATABASE "{name}"')

    def sql(self, query: str, *params) -> list[tuple]:
        """Read the stack's database directly, as an operator's psql would (what was stored, not what is shown)."""
        url = self.env["DATABASE_URL"]
        if url.startswith("sqlite:"):
            import sqlite3

            with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20) as db:
                return db.execute(query.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
            return db.execute(query, params).fetchall()

    def python(self, code: str, timeout: float = 120) -> str:
        """Run code in a Django shell against the stack's database and cache; returns what it prints."""
        return self.manage("shell", "-c", code, timeout=timeout)

    def moderation_link(self, response_id: int, action: str = "approve") -> str:
        """The approve / spam link a moderation email would carry for this response (a moderator is made once)."""
        code = f"""
from django.contrib.auth import get_user_model
from django.urls import reverse
from discussion import moderation_links
from discussion.models import Response
User = get_user_model()
moderator = User.objects.filter(username="moderator").first() or User.objects.create_superuser(
    "moderator", "moderator@example.com", None)
print(reverse("discussion:moderate", args=[moderation_links.token(
    Response.objects.get(pk={response_id}), {action!r}, moderator)]))
"""
        return self.python(code).strip().splitlines()[-1]

    def _process(self, name: str, argv: list[str], url: str = "", **env: str) -> Process:
        process = Process(name, argv, {**self.env, **env}, self.root / "logs" / f"{name}.log", url)
        self.processes.append(process)
        return process

    def app(self, name: str = "app", workers: int = 2, threads: int = 1) -> Process:
        port = free_port()
        argv = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--pythonpath",
            "site",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--keep-alive",
            "75",  # longer than nginx's upstream keepalive_timeout: nginx closes idle connections, never gunicorn
            "--preload",  # the app loads before the port opens: a restarted process takes no request it cannot serve
            "--access-logfile",
            str(self.root / "logs" / f"{name}-access.log"),
        ]
        return self._process(name, argv, url=f"http://127.0.0.1:{port}/robots.txt").start()

    def app_requests(self, name: str = "app") -> list[str]:
        """The request lines gunicorn logged: what reached the app, and so what nginx did not answer itself.

        A marker request sent straight to the app is awaited first, so lines of earlier requests are in.
        """
        app = next(p for p in self.processes if p.name == name)
        marker = f"/robots.txt?logged={time.monotonic_ns()}"
        httpx.get(app.url.rsplit("/", 1)[0] + marker, timeout=10)
        log = self.root / "logs" / f"{name}-access.log"
        wait_for(lambda: marker in log.read_text(), 10, "gunicorn logging the marker request")
        return log.read_text().splitlines()

    def worker(self, name: str = "worker") -> Process:
        argv = [sys.executable, "manage.py", "task_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
        return self._process(name, argv).start()

    def nginx(self, apps: list[Process]) -> Process:
        """The project's server block, rendered for this stack, inside a minimal nginx.conf of our own."""
        addresses = ",".join(app.url.split("/")[2] for app in apps)
        site = subprocess.run(
            [
                sys.executable,
                str(RENDER),
                f"LISTEN=127.0.0.1:{self.nginx_port}",
                "SERVER_NAME=127.0.0.1",
                f"APP={addresses}",
                f"STATIC_ROOT={self.root / 'static'}",
                f"MEDIA_ROOT={self.root / 'media'}",
                f"CACHE_DIR={self.root / 'nginx' / 'cache'}",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (self.root / "nginx" / "backchannel.conf").write_text(site)
        temp = self.root / "nginx" / "temp"
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (self.root / "nginx" / "nginx.conf").write_text(
            f"daemon off;\nworker_processes 2;\npid {self.root / 'nginx' / 'nginx.pid'};\n{user}"
            f"error_log {self.root / 'logs' / 'nginx-error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            "  log_format timed '$remote_addr \"$request\" $status $request_time $upstream_cache_status';\n"
            f"  access_log {self.root / 'logs' / 'nginx-access.log'} timed;\n"
            f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
            f"  include {self.root / 'nginx' / 'backchannel.conf'};\n}}\n"
        )
        argv = [
            str(NGINX),
            "-c",
            str(self.root / "nginx" / "nginx.conf"),
            "-p",
            str(self.root / "nginx"),
            "-e",
            str(self.root / "logs" / "nginx-error.log"),
        ]
        return self._process("nginx", argv, url=f"{self.url}/robots.txt").start()

    def stop(self, keep: bool = False) -> None:
        for process in reversed(self.processes):
            process.stop()
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


_addresses = iter(f"127.0.{n // 250}.{n % 250 + 2}" for n in range(250 * 250))


def next_address() -> str:
    return next(_addresses)


class Reader:
    """A person with a browser: their own cookies, reading and commenting through the front door."""

    def __init__(self, stack: "Stack", name: str = "Reader", ip: str | None = None, via: "Process | None" = None):
        """`ip`: the loopback address the reader connects from (each reader its own by default).
        `via`: an app process to talk to directly instead of nginx (as nginx would: X-Forwarded-For)."""
        self.stack, self.name = stack, name
        self.ip = ip or next_address()
        headers = {"User-Agent": f"Mozilla/5.0 ({name})", "Origin": stack.url}
        base = stack.url
        if via is not None:
            base = via.url.rsplit("/", 1)[0]
            headers["X-Forwarded-For"] = self.ip
        transport = httpx.HTTPTransport(local_address=self.ip)
        self.http = httpx.Client(
            base_url=base, headers=headers, timeout=30, follow_redirects=False, transport=transport
        )

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def confirm(self, link: str) -> httpx.Response:
        """Open a link from an email and press its button: GET the page, POST its form as filled."""
        from selectolax.lexbor import LexborHTMLParser as HTMLParser

        page = self.get(link)
        page.raise_for_status()
        form = HTMLParser(page.text).css_first("form[method=post]")
        assert form is not None, f"no form to confirm on {link}"
        fields = {i.attributes["name"]: i.attributes.get("value") or "" for i in form.css("input[name]")}
        return self.http.post(
            form.attributes.get("action") or link, data=fields, headers={"Referer": self.stack.url + link}
        )

    def comment_form(self, path: str) -> tuple[str, dict]:
        """The comment form on a page: its action and its fields as the page filled them."""
        from selectolax.lexbor import LexborHTMLParser as HTMLParser

        page = self.get(path)
        page.raise_for_status()
        form = HTMLParser(page.text).css_first("form.comment-form")
        assert form is not None, f"no comment form on {path}"
        fields = {}
        for element in form.css("input, textarea"):
            name = element.attributes.get("name")
            if name and element.attributes.get("type") != "checkbox":
                fields[name] = element.attributes.get("value") or element.text() or ""
        return form.attributes["action"].split("#")[0], fields

    def comment(self, path: str, content: str, **fields: str) -> httpx.Response:
        action, data = self.comment_form(path)
        data.update(author_name=self.name, author_email=f"{self.name.lower()}@example.com", content=content, **fields)
        return self.http.post(action, data=data, headers={"Referer": self.stack.url + path})


def response_id(redirect: httpx.Response) -> int:
    """The response's id from the 303 after a comment POST (it points at #response-<id>)."""
    location = redirect.headers["Location"]
    assert "#response-" in location, f"no response anchor in {location}"
    return int(location.rsplit("#response-", 1)[1])


def require(binary: Path, package: str) -> None:
    """Skip loudly when a Debian package is missing; under CI=true it must be there."""
    import pytest

    if binary.exists():
        return
    reason = f"{binary} not found: install Debian's {package} (the test targets do, as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
