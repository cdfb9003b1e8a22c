"""The whole production topology, once for the session: PostgreSQL and Redis (from
scripts/with-postgres), two gunicorn processes behind the project's nginx config, a task worker,
and local fakes for Akismet, SMTP and the sites our posts link to."""

import os

import pytest

from tests.fakes import FakeAkismet, FakeSMTP
from tests.stack import NGINX, Stack, require
from tests.web import Web


@pytest.fixture(scope="session")
def outside():
    """The rest of the internet, on loopback."""
    akismet, smtp = FakeAkismet(), FakeSMTP()
    with Web() as web:
        yield akismet, smtp, web
    akismet.stop()
    smtp.stop()


@pytest.fixture(scope="session")
def topology(outside):
    require(NGINX, "nginx")
    for needed in ("DATABASE_URL", "CACHE_URL"):
        if not os.environ.get(needed):
            pytest.fail(f"{needed} is not set: run `make test-production` (PostgreSQL and Redis on loopback).")
    akismet, smtp, _ = outside
    stack = Stack.create(
        AKISMET_API_KEY="fake-key",
        AKISMET_API_URL=akismet.url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        DISCUSSION_FLOOD_SECONDS="15",
    )
    try:
        stack.prepare()
        apps = [stack.app("app1"), stack.app("app2")]
        stack.worker()
        stack.nginx(apps)
        yield stack
    except BaseException:
        stack.stop(keep=True)
        raise
    stack.stop()


@pytest.fixture
def apps(topology):
    return [p for p in topology.processes if p.name.startswith("app")]
