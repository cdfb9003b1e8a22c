"""Settings come from the environment, with clear errors for what an operator gets wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "blog.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "STATIC_MANIFEST": "true",
    "SECURE_HSTS_PRELOAD": "true",
}
# Variables the test run itself sets, which must not leak into the profiles under test.
HARNESS = {
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "CACHE_URL",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "STATIC_MANIFEST",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in HARNESS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_in_production_is_a_clear_error():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_debug_runs_without_a_secret_key():
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_check_deploy_passes_in_the_production_profile():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("CACHE_URL", "memcached://x", "CACHE_URL must start with"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
    ],
)
def test_bad_values_name_the_variable(variable, value, message):
    result = manage("check", **{**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_database_and_cache_urls_are_honoured():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CACHES['default']['BACKEND'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="true",
        DATABASE_URL="postgres://u:p@db.internal:5432/backchannel",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "backchannel",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_default_database_is_a_local_sqlite_file():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])"
    result = manage("shell", "--no-imports", "-c", code, DEBUG="true")
    assert result.stdout.strip() == str(ROOT / "db.sqlite3")


def test_the_wsgi_process_keeps_its_start_up_objects_out_of_the_collectors_scans():
    probe = "import gc, sys; sys.path.insert(0, 'site'); import config.wsgi; "
    probe += "print(gc.get_freeze_count(), len(gc.get_objects()))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env={**os.environ, "DEBUG": "true"}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    frozen, scanned = map(int, result.stdout.split())
    assert frozen > 50_000 and scanned < frozen / 10
