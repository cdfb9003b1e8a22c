"""deploy/nginx in front of gunicorn, on loopback: what nginx answers itself, and what it never may.

"Served by nginx" is proved by gunicorn's access log: a request nginx answered never reached it.
"""

import time

import pytest

from tests.stack import NGINX, Reader, Stack, require, response_id, wait_for

pytestmark = pytest.mark.nginx

POST = "/why-comments-still-matter/"
# The app tells nginx to keep a page to the end of the current second (X-Accel-Expires, for its
# s-maxage of 1 s); then nginx answers once from the stale copy while it refreshes it in the
# background, so a reader polling every 50 ms sees a change within 1 s and one poll.
NGINX_STALENESS = 1.0
POLL = 0.05


@pytest.fixture(scope="module")
def stack():
    require(NGINX, "nginx")
    stack = Stack.create()
    try:
        stack.prepare()
        app = stack.app(workers=1, threads=4)  # one process: its local-memory cache is the app's whole cache
        stack.nginx([app])
        yield stack
    except BaseException:
        stack.stop(keep=True)
        raise
    stack.stop()


def reached_app(stack: Stack, method: str, path: str) -> int:
    return sum(f'"{method} {path} ' in line for line in stack.app_requests())


def test_static_files_come_from_disk_with_byte_ranges(stack):
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    home = Reader(stack).get("/")
    css = next(
        link.attributes["href"]
        for link in HTMLParser(home.text).css("link[rel=stylesheet]")
        if link.attributes["href"].startswith("/static/")
    )
    identity = {"Accept-Encoding": "identity"}  # nginx sends ranges of the file, not of its .gz
    whole = Reader(stack).get(css, headers=identity)
    part = Reader(stack).get(css, headers={"Range": "bytes=0-9", **identity})
    gzipped = Reader(stack).get(css, headers={"Accept-Encoding": "gzip"})

    assert whole.status_code == 200 and len(whole.content) > 10
    assert part.status_code == 206
    assert part.content == whole.content[:10]
    assert part.headers["Content-Range"] == f"bytes 0-9/{len(whole.content)}"
    assert whole.headers["Cache-Control"] == "public, max-age=31536000, immutable"  # a hashed name
    assert gzipped.headers["Content-Encoding"] == "gzip"  # whitenoise's .gz, served as it is
    assert reached_app(stack, "GET", css) == 0


def test_public_media_comes_from_disk_with_byte_ranges(stack):
    audio = stack.root / "media" / "podcast" / "episode.mp3"
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(bytes(range(256)) * 64)

    probe = Reader(stack).get("/media/podcast/episode.mp3", headers={"Range": "bytes=0-1"})
    tail = Reader(stack).get("/media/podcast/episode.mp3", headers={"Range": "bytes=-16"})

    assert probe.status_code == 206 and probe.content == b"\x00\x01"
    assert probe.headers["Content-Type"] == "audio/mpeg"
    assert tail.content == bytes(range(240, 256))
    assert reached_app(stack, "GET", "/media/podcast/episode.mp3") == 0


@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/secret.txt",
        "/media/./documents/secret.txt",
        "/media/podcast/../documents/secret.txt",
        "/media//documents/secret.txt",
        "/media/%64ocuments/secret.txt",
        "/media/DOCUMENTS/secret.txt",
        "/media/documents%2fsecret.txt",
    ],
)
def test_private_documents_are_never_served_from_disk(stack, path):
    secret = stack.root / "media" / "documents" / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("the board minutes")

    answer = Reader(stack).get(path)

    assert b"the board minutes" not in answer.content
    assert answer.status_code in (403, 404)


def test_an_anonymous_page_is_answered_by_nginx_on_a_hit(stack):
    """A copy is fresh for at most a second, so a read may find it STALE (refreshed in the background,
    which reaches the app): the first HIT that leaves the app's log unchanged is the one looked at."""
    reader = Reader(stack)
    answers = []

    def hit_without_the_app() -> bool:
        before = reached_app(stack, "GET", "/")
        answers.append(reader.get("/"))
        return answers[-1].headers.get("X-Cache-Status") == "HIT" and reached_app(stack, "GET", "/") == before

    wait_for(hit_without_the_app, 5, "a hit on / that did not reach the app")

    hit = answers[-1]
    assert hit.status_code == 200 and "Why comments still matter" in hit.text
    assert "set-cookie" not in hit.headers


def test_a_comment_post_passes_through_to_the_app(stack):
    reader = Reader(stack, "Passer")
    action, _ = reader.comment_form(POST)
    before = reached_app(stack, "POST", action)

    sent = reader.comment(POST, "Through the proxy, straight to the app.")

    assert sent.status_code == 303
    assert reached_app(stack, "POST", action) == before + 1
    assert "Through the proxy, straight to the app." in reader.get(POST).text  # held, shown to its author


def test_a_readers_held_comment_is_never_served_to_another_reader(stack):
    author, other = Reader(stack, "Holder"), Reader(stack, "Other")
    other.get(POST)  # the shared copy is in nginx's cache before the comment exists
    held = "My comment awaiting moderation, mine alone."

    assert author.comment(POST, held).status_code == 303
    for _ in range(3):  # the author reads their page (private), the other reader theirs (shared)
        mine = author.get(POST)
        assert held in mine.text and "awaiting moderation" in mine.text.lower()
        assert mine.headers.get("X-Cache-Status") in (None, "", "BYPASS")
        theirs = other.get(POST)
        assert theirs.status_code == 200 and held not in theirs.text


def test_an_approved_comment_is_visible_to_everyone_within_a_second(stack):
    author, other = Reader(stack, "Approved"), Reader(stack, "Everyone")
    text = "Approved by a moderator, now for everyone."
    sent = author.comment(POST, text)
    link = stack.moderation_link(response_id(sent))
    other.get(POST)
    assert text not in other.get(POST).text

    approve = Reader(stack, "Moderator").confirm(link)  # the link in the moderation email, and its button
    approved_at = time.monotonic()

    assert approve.status_code == 200 and "approved" in approve.text.lower()
    wait_for(lambda: text in other.get(POST).text, 3, "the approved comment showing to another reader", POLL)
    assert time.monotonic() - approved_at <= NGINX_STALENESS + POLL


NEW_EPISODE = """
from django.utils import timezone
from podcast.models import EpisodePage, PodcastPage
show = PodcastPage.objects.get(url_path__endswith="/podcast/")
episode = EpisodePage(
    title="Published behind nginx", slug="published-behind-nginx", pub_date=timezone.now(), live=False,
    summary="A new episode.", audio_url="https://media.example/new.mp3", audio_size=1000, audio_type="audio/mpeg",
    duration=60,
)
show.add_child(instance=episode)
episode.save_revision().publish()
"""


def test_a_new_episode_is_in_the_podcast_feed_within_a_second(stack):
    """The feed's own lifetime is for apps; nginx keeps it no longer than a page."""
    reader = Reader(stack, "Listener")
    wait_for(lambda: reader.get("/podcast/feed/").headers.get("X-Cache-Status") == "HIT", 5, "a hit on the feed")
    assert "Published behind nginx" not in reader.get("/podcast/feed/").text

    stack.python(NEW_EPISODE)
    published_at = time.monotonic()

    wait_for(lambda: "Published behind nginx" in reader.get("/podcast/feed/").text, 5, "the new episode", POLL)
    assert time.monotonic() - published_at <= NGINX_STALENESS + POLL
