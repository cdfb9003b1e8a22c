"""Range and conditional headers with any value get an answer below 500, on media, feeds and pages.

Values are what a server hands the app: any Latin-1 text (WSGI headers are Latin-1 strings, so
``²``, ``³`` and ``¹`` are in reach) without the control characters gunicorn and h11 refuse
themselves (RFC 9110 §5.5); plus near-valid ranges, entity tags and dates.
"""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.podcast.builders import make_episode, make_show

pytestmark = pytest.mark.django_db

latin1 = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=60)
digits = st.one_of(st.integers(0, 10**30).map(str), st.sampled_from(["²", "³", "¹", "0²", "1e3", "-0", "+1", " 1", ""]))
ranges = st.one_of(
    latin1,
    st.builds(lambda a, b: f"bytes={a}-{b}", digits, digits),
    st.builds(lambda a, b, c: f"bytes={a}-{b},{c}-", digits, digits, digits),
    st.builds(lambda unit, a: f"{unit}={a}-", st.sampled_from(["BYTES", "items", "", " bytes"]), digits),
)
etags = st.one_of(latin1, st.sampled_from(['"x"', 'W/"x"', "*", '"', "W/", '"a", "b"', ",,,", 'W/"²"']))
dates = st.one_of(
    latin1,
    st.sampled_from(
        ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
         "Sun, 06 Nov 99999 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:61:61 GMT",
         "Sun, ²6 Nov 1994 08:49:37 GMT", "0", "-1"]
    ),
)  # fmt: skip
headers = st.fixed_dictionaries(
    {},
    optional={
        "Range": ranges,
        "If-Range": st.one_of(etags, dates),
        "If-None-Match": etags,
        "If-Match": etags,
        "If-Modified-Since": dates,
        "If-Unmodified-Since": dates,
    },
)


@pytest.fixture
def urls(blog_index, post, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    show = make_show(blog_index)
    episode = make_episode(show, seconds=1)
    return [episode.audio_file.url, show.artwork.url, "/show/feed/", "/feed/", "/feed/atom/", post.url, "/"]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), method=st.sampled_from(["GET", "HEAD"]))
def test_any_range_or_conditional_header(client, urls, data, method):
    url = data.draw(st.sampled_from(urls))
    sent = data.draw(headers)
    reply = client.generic(method, url, headers=sent, secure=True)
    assert reply.status_code < 500, (url, sent)
    assert reply.status_code in (200, 206, 304, 412, 416), (url, sent, reply.status_code)
