"""Compression bombs: a source that compresses although we asked for identity is capped on what it
decompresses to, not on the bytes it sent (linkback sources, imported feeds and media all fetch here)."""

import gzip
import time
import zlib

import pytest

from safefetch import fetch
from tests.safefetch.conftest import fetch_html
from tests.web import Route

HTML = b"<html><body>" + b"a" * 20_000_000 + b"</body></html>"


@pytest.mark.parametrize(
    ("encoding", "compress"), [("gzip", gzip.compress), ("deflate", zlib.compress), ("gzip, gzip", None)]
)
def test_a_compressed_body_is_capped_after_decompression(web, encoding, compress):
    body = compress(HTML) if compress else gzip.compress(gzip.compress(HTML))
    assert len(body) < 100_000, "small on the wire, under the cap"
    url = web.raw("/bomb", Route(200, body, [("Content-Type", "text/html"), ("Content-Encoding", encoding)]))
    started = time.monotonic()
    with pytest.raises(fetch.FetchError) as caught:
        fetch_html(url)
    assert time.monotonic() - started < 2.0
    assert "is larger than 100,000 bytes" in str(caught.value)
