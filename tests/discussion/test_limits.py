"""Rate limits and flood control: one key per sender however it is spelled, one count across processes."""

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discussion import limits

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "::ffff:127.0.0.1",
    "127.000.000.001",
    "0x7f.0.0.1",
    "2130706433",
    "127.1",
    "0177.0.0.1",
    "[::ffff:7f00:1]",
]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_one_address(spelling):
    assert limits.client_key(spelling) == "127.0.0.1"


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_one_host(spelling):
    host = spelling if spelling.startswith("[") or ":" not in spelling else f"[{spelling}]"
    assert limits.host_key(f"http://{host}/a-post/") == "127.0.0.1"
    assert limits.host_key(f"https://{host}:8443/") == "127.0.0.1"


def test_ipv6_senders_count_per_slash_64():
    first = limits.client_key("2001:db8:1:2::1")
    assert first == limits.client_key("2001:DB8:1:2:ffff:eeee:dddd:9") == "2001:db8:1:2::/64"
    assert limits.client_key("2001:db8:1:3::1") != first
    assert limits.client_key("fe80::1%eth0") == "fe80::/64"


@pytest.mark.parametrize(
    "url",
    ["http://xn--bcher-kva.example/", "https://BÜCHER.example./x", "http://Bücher.Example:8080/", "bücher.example"],
)
def test_host_names_fold_case_idna_port_and_trailing_dot(url):
    assert limits.host_key(url) == "xn--bcher-kva.example"


def test_names_that_only_look_numeric_stay_names():
    assert limits.host_key("http://1.example/") == "1.example"
    assert limits.host_key("http://cafe.babe/") == "cafe.babe"
    assert limits.client_key("not an address") == limits.client_key("") == limits.client_key(None) == "unknown"


@given(st.text(max_size=300))
def test_hostile_text_always_gives_a_key(text):
    assert limits.client_key(text)
    assert limits.host_key(text)
    assert limits.host_key(f"http://{text}/")


@pytest.mark.django_db
def test_claim_is_first_come_and_zero_seconds_means_off():
    assert limits.claim("flood:test", 30) is True
    assert limits.claim("flood:test", 30) is False
    limits.release("flood:test")
    assert limits.claim("flood:test", 30) is True
    assert all(limits.claim("flood:off", 0) for _ in range(3))


@pytest.mark.django_db
def test_count_numbers_each_attempt_in_the_window():
    assert [limits.count("rate:test", 60) for _ in range(4)] == [1, 2, 3, 4]


def test_the_default_limits_cache_is_shared_not_per_process(settings):
    backend = settings.CACHES["limits"]["BACKEND"]
    assert "locmem" not in backend.lower()
    if os.environ.get("CACHE_URL", "").startswith("redis://"):
        assert backend.endswith("RedisCache")
    else:
        assert backend == "config.caches.DatabaseCache"


# Two processes, started together, each counting and claiming on the same keys of one backend.
COUNTER = textwrap.dedent(
    """
    import json, os, sys, time
    import django
    from django.conf import settings
    sys.path[:0] = [{root!r}, {site!r}]
    settings.configure(
        USE_TZ=True,
        DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1],
                                "OPTIONS": {{"timeout": 20, "transaction_mode": "IMMEDIATE",
                                            "init_command": "PRAGMA journal_mode=WAL;"}}}}}},
        CACHES={{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
                "limits": json.loads(sys.argv[2])}},
    )
    django.setup()
    if sys.argv[3] == "setup":
        from django.core.management import call_command
        call_command("createcachetable", verbosity=0)
        sys.exit(0)
    from discussion import limits
    while not os.path.exists(sys.argv[4]):  # the start line: both processes go at once
        time.sleep(0.001)
    counts = [limits.count("rate:shared", 600) for _ in range(40)]
    claims = [limits.claim("flood:shared", 600) for _ in range(40)]
    print(json.dumps({{"counts": counts, "claims": claims}}))
    """
).format(root=str(ROOT), site=str(ROOT / "site"))


@pytest.fixture
def redis_url(tmp_path):
    """The run's Redis (the PostgreSQL pass), else a redis-server of our own on loopback, stopped after."""
    if os.environ.get("CACHE_URL", "").startswith("redis://"):
        yield os.environ["CACHE_URL"]
        return
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed; make test installs it (scripts/ensure-system-packages)")
        pytest.skip("redis-server is not installed (make test installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        give_up = time.monotonic() + 10
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < give_up, "redis-server did not start"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("kind", ["database", "redis"])
def test_two_processes_share_one_count_and_one_claim(tmp_path, request, kind):
    if kind == "redis":
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": request.getfixturevalue("redis_url"),
        }
    else:
        backend = {"BACKEND": "config.caches.DatabaseCache", "LOCATION": "limits_probe"}
    backend = json.dumps({**backend, "KEY_PREFIX": f"probe-{tmp_path.name}"})
    database, start = str(tmp_path / "limits.sqlite3"), str(tmp_path / "go")
    script = tmp_path / "counter.py"
    script.write_text(COUNTER)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": ""}
    subprocess.run([sys.executable, str(script), database, backend, "setup", start], check=True, env=env)
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), database, backend, "run", start], stdout=subprocess.PIPE, env=env, text=True
        )
        for _ in range(2)
    ]
    Path(start).touch()
    results = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    counts = sorted(n for result in results for n in result["counts"])
    assert counts == list(range(1, 81)), "no increment lost, none counted twice"
    assert sum(claim for result in results for claim in result["claims"]) == 1, "exactly one process wins the claim"
