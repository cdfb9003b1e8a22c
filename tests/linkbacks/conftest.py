import pytest

from tests.linkbacks.server import Web


@pytest.fixture
def web():
    with Web() as server:
        yield server


@pytest.fixture
def fast_fetch(settings):
    """Short limits so hostile sources fail in well under a second or two."""
    settings.LINKBACK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.LINKBACK_FETCH_TIMEOUT = 1.0
    settings.LINKBACK_FETCH_DEADLINE = 1.0
    settings.LINKBACK_FETCH_MAX_BYTES = 100_000
    return settings
