import pytest

from safefetch import fetch

AGENT = fetch.UserAgent("Backchannel-Tests/1.0", "testing the guarded fetch")


@pytest.fixture(autouse=True)
def fast_fetch(settings):
    """Short limits so hostile sources fail in a second or two; loopback allowed for the local web."""
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.SAFEFETCH_TIMEOUT = 1.0
    settings.SAFEFETCH_DEADLINE = 1.0
    settings.SAFEFETCH_MAX_BYTES = 100_000
    return settings


def fetch_html(url: str) -> fetch.Fetched:
    """What linkback verification asks for: a page that exists and is HTML."""
    return fetch.get(url, agent=AGENT, require_html=True)
