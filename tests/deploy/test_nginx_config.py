"""The shipped server block agrees with the app, and its renderer fills every name or refuses."""

import re
import subprocess
import sys

from django.conf import settings

from discussion import tokens
from pagecache import middleware
from tests.stack import RENDER, ROOT

CONF = (ROOT / "deploy" / "nginx" / "backchannel.conf").read_text()


def render(*names: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RENDER), *names], capture_output=True, text=True)


def test_the_cache_bypass_names_the_apps_private_cookies():
    bypass = re.search(r"map \$http_cookie \$backchannel_private_cookie \{(.*?)\}", CONF, re.S).group(1)
    named = set(re.search(r"\(\?:([\w|]+)\)=", bypass).group(1).split("|"))
    assert named == set(middleware.private_cookies())
    assert {settings.SESSION_COOKIE_NAME, tokens.PENDING_COOKIE} <= named


def test_rendering_fills_every_name_and_lists_each_app_process():
    done = render("APP=127.0.0.1:8001,127.0.0.1:8002", "SERVER_NAME=blog.example.org")
    assert done.returncode == 0
    assert "@" not in re.sub(r"#.*", "", done.stdout)
    assert re.findall(r"server (127\.0\.0\.1:\d+);", done.stdout) == ["127.0.0.1:8001", "127.0.0.1:8002"]
    assert "server_name blog.example.org;" in done.stdout


def test_rendering_refuses_an_unknown_name_or_an_empty_value():
    assert "unknown name(s) PORT" in render("PORT=80").stderr
    assert "expected NAME=value" in render("APP=").stderr
