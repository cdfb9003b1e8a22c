"""A download must keep making progress: too few bytes in any stall window aborts it long before its
total deadline, while a steady download of any length finishes."""

import time

import pytest

from safefetch import fetch
from tests.safefetch.conftest import AGENT
from tests.web import Route


def sender(burst: int, piece: int, every: float, pieces: int | None = None):
    """A body writer: ``burst`` bytes at once, then ``piece`` bytes every ``every`` seconds, forever or
    ``pieces`` times."""

    def write(handler, stopping) -> None:
        try:
            handler.wfile.write(b"x" * burst)
            handler.wfile.flush()
            sent = 0
            while (pieces is None or sent < pieces) and not stopping.wait(every):
                handler.wfile.write(b"x" * piece)
                handler.wfile.flush()
                sent += 1
        except OSError:
            return

    return write


@pytest.fixture(autouse=True)
def short_stall_window(settings):
    settings.SAFEFETCH_STALL_SECONDS = 0.5
    settings.SAFEFETCH_STALL_BYTES = 1_000


def download(url: str, tmp_path) -> fetch.Fetched:
    with open(tmp_path / "download", "w+b") as sink:
        return fetch.get(url, agent=AGENT, max_bytes=10_000_000, deadline_seconds=30, sink=sink)


def test_a_dripping_download_is_aborted_at_the_first_stalled_window(web, tmp_path):
    url = web.raw("/drip.mp3", Route(headers=[("Content-Type", "audio/mpeg")], writer=sender(0, 1, 0.02)))
    started = time.monotonic()
    with pytest.raises(fetch.UpstreamError) as caught:
        download(url, tmp_path)
    assert time.monotonic() - started < 10, "the stall ends it, not the 30-second deadline"
    assert "stalled" in str(caught.value) and "fewer than 1,000 bytes in 0.5 seconds" in str(caught.value)
    assert caught.value.public() == str(caught.value), "the server answered in HTTP: the detail may be shown"


def test_a_fast_start_does_not_pay_for_a_later_drip(web, tmp_path):
    url = web.raw("/burst.mp3", Route(headers=[("Content-Type", "audio/mpeg")], writer=sender(50_000, 1, 0.02)))
    with pytest.raises(fetch.UpstreamError, match="stalled"):
        download(url, tmp_path)


def test_a_steady_download_longer_than_the_window_completes(web, tmp_path):
    url = web.raw(
        "/steady.mp3", Route(headers=[("Content-Type", "audio/mpeg")], writer=sender(0, 2_000, 0.05, pieces=30))
    )
    fetched = download(url, tmp_path)
    assert fetched.status == 200
    assert (tmp_path / "download").stat().st_size == 60_000
