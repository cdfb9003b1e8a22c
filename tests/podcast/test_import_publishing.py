"""An import goes live with its first episode: one whose every enclosure is refused leaves a draft show,
never a live show with nothing in it. Fetched for real, through safefetch, from a local web."""

import pytest

from podcast.demo import silent_mp3
from podcast.importer import import_source
from podcast.models import EpisodePage, PodcastPage
from tests.podcast.builders import image_bytes
from tests.web import Route

pytestmark = pytest.mark.django_db


def serve_feed(web, *enclosures: str) -> str:
    web.raw("/cover.png", Route(body=image_bytes(1400), headers=[("Content-Type", "image/png")]))
    items = "".join(
        f"<item><title>Episode {number}</title><guid>local-{number}</guid>"
        f"<pubDate>Mon, 0{number} Jun 2026 10:00:00 GMT</pubDate>"
        f'<enclosure url="{url}" length="1" type="audio/mpeg"/></item>'
        for number, url in enumerate(enclosures, start=1)
    )
    return web.page(
        "/feed.xml",
        '<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">'
        f'<channel><title>Local Show</title><itunes:image href="{web.url("/cover.png")}"/>{items}</channel></rss>',
        content_type="application/rss+xml",
    )


def test_an_import_whose_enclosures_are_all_refused_leaves_the_show_unpublished(client, blog_index, web):
    feed = serve_feed(web, "http://10.1.2.3/one.mp3", "http://169.254.169.254/two.mp3")
    report = import_source(feed)
    show = PodcastPage.objects.get()
    assert not show.live and report.show == show and not EpisodePage.objects.exists()
    assert len(report.failed) == 3, report.summary()
    assert "not a public internet address" in report.failed[0]  # the person importing sees the detail
    assert report.failed[-1] == (
        "the show “Local Show” was kept as a draft, unpublished: none of its episodes could be imported"
    )
    assert client.get(show.url).status_code == 404


def test_the_show_goes_live_once_an_episode_comes_in(client, blog_index, web):
    feed = serve_feed(web, "http://10.1.2.3/one.mp3")
    draft = import_source(feed).show
    assert not draft.live
    audio = web.raw("/two.mp3", Route(body=silent_mp3(3), headers=[("Content-Type", "audio/mpeg")]))
    feed = serve_feed(web, "http://10.1.2.3/one.mp3", audio)
    report = import_source(feed, into=draft)
    show = PodcastPage.objects.get()
    assert show.live and [episode.title for episode in EpisodePage.objects.live().child_of(show)] == ["Episode 2"]
    assert len(report.created) == 1 and len(report.failed) == 1, report.summary()
    assert client.get(show.url).status_code == 200
