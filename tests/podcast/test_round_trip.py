"""Export a show's feed, import it into a fresh show, and get the same podcast back."""

import functools
import http.server
import threading

import pytest
from lxml import etree

from podcast.demo import silent_mp3
from podcast.feedxml import read_feed
from podcast.fetch import FetchFailed, GuardedFetcher
from podcast.importer import import_show, import_source
from podcast.models import EpisodePage, PodcastPage
from tests.podcast.builders import image_bytes
from tests.podcast.feed_helpers import NS, make_full_show, serve_https
from tests.podcast.fetchers import ClientFetcher, DictFetcher

pytestmark = pytest.mark.django_db


def snapshot(show: PodcastPage) -> dict:
    episodes = {}
    for episode in EpisodePage.objects.child_of(show).order_by("pub_date"):
        episodes[episode.guid] = {
            "title": episode.title,
            "pub_date": episode.pub_date.replace(microsecond=0),
            "duration": episode.duration,
            "size": episode.audio_size,
            "numbers": (episode.season, episode.episode_number, episode.episode_type, episode.explicit),
            "persons": [(p.name, p.role, p.group, p.href) for p in episode.persons.all()],
            "transcripts": [
                (t.language, t.media_type, t.captions, [c.text for c in t.cues()]) for t in episode.transcripts.all()
            ],
            "chapters": episode.chapter_list(),
            "soundbites": [(s.start_time, s.duration, s.title) for s in episode.soundbites.all()],
            "summary": episode.summary,
        }
    return {
        "guid": show.podcast_guid,
        "title": show.title,
        "categories": [c.category for c in show.categories.all()],
        "persons": [(p.name, p.role, p.href, p.img) for p in show.persons.all()],
        "funding": [(f.url, f.label) for f in show.funding.all()],
        "texts": [(t.purpose, t.text) for t in show.texts.all()],
        "owner": (show.author, show.owner_name, show.owner_email, show.copyright, show.language, show.explicit),
        "episodes": episodes,
    }


def linked_urls(feed: bytes) -> set[str]:
    channel = etree.fromstring(feed).find("channel")
    urls = {channel.find("itunes:image", NS).get("href")}
    for item in channel.iterfind("item"):
        urls.add(item.find("enclosure").get("url"))
        urls.add(item.find("itunes:image", NS).get("href"))
        urls.add(item.find("podcast:chapters", NS).get("url"))
        urls.update(t.get("url") for t in item.iterfind("podcast:transcript", NS))
    return urls


def test_export_then_import_gives_the_same_podcast(client, blog_index, settings):
    settings.ALLOWED_HOSTS = ["podcast.example"]
    serve_https(blog_index, "podcast.example")
    show, _ = make_full_show(blog_index, episodes=3)
    exported = client.get("/show/feed/", secure=True, headers={"Host": "podcast.example"}).content
    before = snapshot(show)
    # A fresh site: everything the feed links to is fetched now, then the original show is gone.
    mirror = ClientFetcher(client, hostname="podcast.example")
    resources = {url: mirror.document(url, 10_000_000) for url in linked_urls(exported)}
    show.delete()

    report = import_show(
        read_feed(exported, max_bytes=10_000_000), fetcher=DictFetcher(resources), owner_confirmed=True
    )

    assert report.failed == [] and report.warnings == [] and len(report.created) == 3, report.summary()
    assert snapshot(report.show) == before
    assert report.show.artwork and all(e.audio_file and e.image for e in EpisodePage.objects.all())


def test_a_show_exported_twice_imports_idempotently(client, blog_index, settings):
    settings.ALLOWED_HOSTS = ["podcast.example"]
    serve_https(blog_index, "podcast.example")
    show, _ = make_full_show(blog_index, episodes=2)
    exported = client.get("/show/feed/", secure=True, headers={"Host": "podcast.example"}).content
    fetcher = ClientFetcher(client, hostname="podcast.example")
    report = import_show(read_feed(exported, max_bytes=10_000_000), fetcher=fetcher, owner_confirmed=True, media=False)
    assert report.show.pk == show.pk, "the podcast:guid finds the same show"
    assert (len(report.created), len(report.updated)) == (0, 2)
    assert EpisodePage.objects.count() == 2


@pytest.fixture
def local_podcast_host(tmp_path):
    """A real HTTP server on 127.0.0.1 holding a feed and its audio: the import's fetch path end to end."""
    (tmp_path / "ep.mp3").write_bytes(silent_mp3(5))
    (tmp_path / "cover.png").write_bytes(image_bytes(1400))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        f'<channel><title>Local Show</title><itunes:image href="{base}/cover.png"/>'
        "<item><title>Local episode</title><guid>local-1</guid>"
        "<pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate>"
        f'<enclosure url="{base}/ep.mp3" length="1" type="audio/mpeg"/></item></channel></rss>'
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=5)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_import_over_http_downloads_media_through_the_guarded_fetcher(blog_index, local_podcast_host):
    report = import_source(f"{local_podcast_host}/feed.xml")
    assert report.failed == [], report.summary()
    episode = EpisodePage.objects.get(guid="local-1")
    assert PodcastPage.objects.get().artwork.name.endswith(".png")
    assert episode.duration == 5 and episode.audio_size == len(silent_mp3(5))


@pytest.mark.parametrize("url", ["http://10.1.2.3/feed.xml", "http://169.254.169.254/latest/", "http://[::1]:1/"])
def test_the_guarded_fetcher_refuses_private_addresses(url, settings):
    settings.SAFEFETCH_ALLOWED_NETWORKS = []
    with pytest.raises(FetchFailed, match="not a public internet address"):
        GuardedFetcher().document(url, 1000)
    with pytest.raises(FetchFailed, match="not a public internet address"):
        GuardedFetcher().media(url, 1000)
