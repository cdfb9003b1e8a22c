"""Media delivery the way podcast apps probe it: HEAD, byte ranges, validators, exact types."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from podcast.demo import silent_mp3
from podcast.media import ByteRange, Unsatisfiable, media_urlpatterns, parse_range
from tests.podcast.builders import make_episode, make_show, publish
from tests.podcast.feed_helpers import NS, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(show):
    return make_episode(show, seconds=2)


@pytest.fixture
def audio(episode):
    return episode.audio_file.url, silent_mp3(2)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_first_two_bytes_get_206_with_content_range(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": "bytes=0-1"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-1/{len(data)}"
    assert response["Content-Length"] == "2"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == data[:2]


def test_open_ended_range_reads_to_the_end(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": "bytes=1000-"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-{len(data) - 1}/{len(data)}"
    assert body(response) == data[1000:]


def test_suffix_range_reads_the_last_bytes(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": "bytes=-500"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {len(data) - 500}-{len(data) - 1}/{len(data)}"
    assert body(response) == data[-500:]


def test_range_past_the_end_is_clamped(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": f"bytes=10-{len(data) * 2}"})
    assert response.status_code == 206 and body(response) == data[10:]


def test_range_starting_beyond_the_end_gets_416(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    assert b"bytes long" in response.content


def test_multi_range_gets_the_whole_file_with_200(client, audio):
    """RFC 9110 §14.2 lets a server ignore Range; no podcast client asks for multipart/byteranges."""
    url, data = audio
    response = client.get(url, headers={"Range": "bytes=0-1,10-20"})
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(data))
    assert "Content-Range" not in response and response["Accept-Ranges"] == "bytes"
    assert body(response) == data
    head = client.head(url, headers={"Range": "bytes=0-1,10-20"})
    assert head.status_code == 200 and head["Content-Length"] == str(len(data))


def test_head_answers_with_length_type_and_validators_but_no_body(client, audio):
    url, data = audio
    response = client.head(url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes" and response["ETag"] and response["Last-Modified"]
    assert body(response) == b""
    ranged = client.head(url, headers={"Range": "bytes=0-1"})
    assert ranged.status_code == 206 and ranged["Content-Range"] == f"bytes 0-1/{len(data)}"


def test_full_get_and_conditional_get(client, audio):
    url, data = audio
    response = client.get(url)
    assert response.status_code == 200 and body(response) == data
    assert "max-age" in response["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_if_range_with_a_stale_etag_sends_the_whole_file(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": "bytes=0-1", "If-Range": '"stale"'})
    assert response.status_code == 200 and body(response) == data


def test_artwork_is_served_with_its_type_and_ranges(client, show):
    response = client.get(show.artwork.url, headers={"Range": "bytes=0-7"})
    assert response.status_code == 206
    assert response["Content-Type"] == "image/png"
    assert body(response) == b"\x89PNG\r\n\x1a\n"
    head = client.head(show.artwork.url)
    assert head.status_code == 200 and head["Content-Type"] == "image/png" and body(head) == b""
    assert int(head["Content-Length"]) == show.artwork.size


def test_only_get_and_head_and_no_escape_from_media_root(client, audio):
    url, _ = audio
    assert client.post(url).status_code == 405
    assert client.get("/media/../manage.py").status_code == 404
    assert client.get("/media/%2e%2e/manage.py").status_code == 404
    assert client.get("/media/podcast/").status_code == 404
    assert client.get("/media/nothing-here.mp3").status_code == 404
    assert client.get("/media/podcast/a%00b.mp3").status_code == 400
    huge = client.get(url, headers={"Range": "bytes=99999999999999999999999-"})
    assert huge.status_code == 416


@override_settings(DEBUG=False)
def test_media_is_served_with_debug_off(client, audio):
    url, data = audio
    assert client.get(url, headers={"Range": "bytes=0-1"}).status_code == 206


def test_a_replaced_file_gets_a_new_url_and_the_old_one_keeps_working(client, episode):
    old_url = episode.audio_file.url
    episode.audio_file = ContentFile(silent_mp3(1), name="episode.mp3")
    publish(episode)
    assert episode.audio_file.url != old_url
    assert client.get(old_url, headers={"Range": "bytes=0-1"}).status_code == 206
    assert client.get(episode.audio_file.url, headers={"Range": "bytes=0-1"}).status_code == 206


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-1", ByteRange(0, 1)),
        ("bytes=5-", ByteRange(5, 99)),
        ("bytes=-10", ByteRange(90, 99)),
        ("bytes=-1000", ByteRange(0, 99)),
        ("bytes=0-1000", ByteRange(0, 99)),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=a-b", None),
        ("bytes=-", None),
        ("bytes=1", None),
        ("bytes=\u00b2-", None),
        ("bytes=-\u00b2", None),
        ("bytes=0-\u00b9", None),
        ("bytes=\u0661-", None),
        ("bytes=\uff11-\uff12", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


def test_a_range_in_non_ascii_digits_is_ignored_and_the_whole_file_sent(client, audio):
    url, data = audio
    response = client.get(url, headers={"Range": "bytes=\u00b2-"})
    assert response.status_code == 200 and body(response) == data


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=-0"])
def test_parse_range_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_wagtail_documents_are_never_served_past_their_privacy_checks(client, media_root):
    (media_root / "documents").mkdir(parents=True)
    (media_root / "documents" / "private.pdf").write_bytes(b"%PDF-1.4 secret")
    assert client.get("/media/documents/private.pdf").status_code == 404


def test_no_media_route_when_uploads_live_in_object_storage(settings):
    assert media_urlpatterns()
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert media_urlpatterns() == []


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    size=st.integers(1, 10_000),
    first=st.integers(0, 20_000),
    last=st.integers(0, 20_000) | st.none(),
    suffix=st.booleans(),
)
def test_parse_range_always_answers_a_slice_inside_the_file_or_416(size, first, last, suffix):
    header = f"bytes=-{first}" if suffix else f"bytes={first}-{'' if last is None else last}"
    try:
        byte_range = parse_range(header, size)
    except Unsatisfiable:
        assert (suffix and first == 0) or (not suffix and first >= size and (last is None or last >= first))
        return
    if byte_range is None:
        assert not suffix and last is not None and last < first
        return
    assert 0 <= byte_range.start <= byte_range.end < size
    if suffix:
        assert byte_range.length == min(first, size)
    else:
        assert byte_range.start == first and byte_range.end == min(size - 1, size if last is None else last)


class BucketStorage(InMemoryStorage):
    """Stands in for S3-compatible storage: files live elsewhere and have absolute URLs."""

    def url(self, name):
        return f"https://bucket.example/{name}"


def test_with_object_storage_the_feed_points_at_the_storage(client, blog_index, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.BucketStorage"}}
    show = make_show(blog_index)
    episode = make_episode(show)
    channel = parse(client.get("/show/feed/").content).find("channel")
    assert channel.find("item/enclosure").get("url") == f"https://bucket.example/{episode.audio_file.name}"
    assert channel.find("itunes:image", NS).get("href") == f"https://bucket.example/{show.artwork.name}"
