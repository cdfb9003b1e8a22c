"""nginx (Debian package `nginx`) on loopback for the bench: the static-file ceiling, and the shipped
server block (deploy/nginx/) in front of gunicorn. Each nginx runs in the foreground from a config
written into the bench's own directory and is stopped when its block ends.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .load import wait_until_up

ROOT = Path(__file__).resolve().parents[1]
RENDER = ROOT / "deploy" / "nginx" / "render"  # fills in the shipped server block's @NAMES@
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: `make bench` installs it as root (Debian package nginx).")
    return found


def main_config(prefix: Path, http_block: str) -> str:
    """A whole nginx.conf around `http_block`, with every path inside `prefix`."""
    temp = "\n".join(f"    {name}_temp_path {prefix / name};" for name in TEMP_PATHS)
    return f"""daemon off;
worker_processes auto;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    types {{ text/html html; text/css css; application/javascript js; application/rss+xml xml; }}
{temp}
{http_block}
}}
"""


@contextmanager
def run_nginx(prefix: Path, http_block: str, port: int, probe: str = "/") -> Iterator[str]:
    prefix.mkdir(parents=True, exist_ok=True)
    config = prefix / "nginx.conf"
    config.write_text(main_config(prefix, http_block))
    process = subprocess.Popen([nginx_binary(), "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(config)])
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + probe, timeout=20)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def static(workdir: Path, name: str, body: bytes) -> Iterator[str]:
    """The URL of `body` served as a plain file by nginx."""
    root = workdir / "static-copy"
    root.mkdir(exist_ok=True)
    root.chmod(0o755)
    (root / name).write_bytes(body)
    (root / name).chmod(0o644)
    port = free_port()
    server = f"    server {{ listen 127.0.0.1:{port}; root {root}; location / {{ }} }}"
    with run_nginx(workdir / "nginx-static", server, port, probe=f"/{name}") as base:
        yield f"{base}/{name}"


@contextmanager
def proxy(workdir: Path, upstream_port: int) -> Iterator[str]:
    """The shipped server block, rendered for loopback, in front of the app on `upstream_port`."""
    port = free_port()
    values = {
        "LISTEN": f"127.0.0.1:{port}",
        "APP": f"127.0.0.1:{upstream_port}",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "CACHE_DIR": str(workdir / "nginx-cache"),
    }
    server = subprocess.run(
        [str(RENDER), *(f"{name}={value}" for name, value in values.items())],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with run_nginx(workdir / "nginx-proxy", server, port) as base:
        yield base
