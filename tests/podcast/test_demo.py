import pytest
from lxml import etree

from podcast.demo import load_demo_show
from podcast.models import EpisodePage

pytestmark = pytest.mark.django_db


def test_demo_show_has_two_playable_episodes_and_a_valid_feed(client, blog_index):
    show = load_demo_show(blog_index)
    assert load_demo_show(blog_index).pk == show.pk, "loading twice changes nothing"
    assert show.url == "/podcast/"
    page = client.get("/podcast/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="For Immediate Release (podcast)"' in page
    episodes = EpisodePage.objects.child_of(show)
    assert [e.duration for e in episodes.order_by("pub_date")] == [30, 45]
    feed = etree.fromstring(client.get("/podcast/feed/").content)
    assert len(feed.findall("channel/item")) == 2
    episode = episodes.first()
    html = client.get(episode.url).content.decode()
    assert "<audio" in html and "Transcript (en)" in html
    assert client.get(episode.audio_file.url, headers={"Range": "bytes=0-1"}).status_code == 206


def test_generate_episodes_fills_the_demo_show_for_benchmarks(client, blog_index, settings):
    from django.core.management import call_command

    settings.PODCAST_FEED_ITEMS = 300
    call_command("generate_episodes", "12")
    feed = etree.fromstring(client.get("/podcast/feed/").content)
    assert len(feed.findall("channel/item")) == 14
