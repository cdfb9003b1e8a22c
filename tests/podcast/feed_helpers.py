"""A richly filled show, and helpers to read its feed the way apps do."""

from django.core.files.base import ContentFile
from lxml import etree
from wagtail.models import Site

from tests.podcast.builders import image_bytes, make_episode, make_show, publish

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "psc": "http://podlove.org/simple-chapters",
}
VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Ada Host>Hello.\n\n00:00:01.000 --> 00:00:02.000\nBye.\n"
SRT = b"1\n00:00:00,000 --> 00:00:01,000\nHello.\n\n2\n00:00:01,000 --> 00:00:02,000\nBye.\n"


def serve_https(index, hostname: str = "testserver") -> None:
    """Make the test site https://HOSTNAME/, so every URL in the feed is https as PSP-1 wants."""
    site = Site.objects.get(root_page=index)
    site.hostname, site.port = hostname, 443
    site.save()


def make_full_show(index, episodes: int = 2):
    show = make_show(
        index,
        "Backchannel Radio",
        categories=("Technology", "Arts/Books", "Society & Culture/Documentary"),
        explicit=False,
        copyright="Ada Host and friends",
    )
    show.persons.create(name="Ada Host", role="host", href="https://ada.example/", img="https://ada.example/a.jpg")
    show.funding.create(url="https://ada.example/support", label="Support the show")
    show.texts.create(purpose="applepodcastsverify", text="a1b2c3d4-0000-4000-8000-000000000000")
    publish(show)
    made = []
    for number in range(1, episodes + 1):
        episode = make_episode(
            show,
            f"Talking about things {'abcdefghij'[number % 10]}",
            seconds=2 + number,
            season=1,
            episode_number=number,
            explicit=number == 2,
        )
        episode.image = ContentFile(image_bytes(1400, fmt="JPEG"), name="episode.jpg")
        episode.chapters.create(start_time=0, title="Intro")
        episode.chapters.create(start_time=1.5, title="Main part", url="https://example.org/main")
        episode.transcripts.create(file=ContentFile(VTT, name="t.vtt"), language="en", captions=True)
        episode.transcripts.create(file=ContentFile(SRT, name="t.srt"), language="de")
        episode.persons.create(name=f"Guest {number}", role="guest", href="https://guest.example/")
        episode.soundbites.create(start_time=0.5, duration=1.0, title="The best bit")
        made.append(publish(episode))
    return show, made


def parse(content: bytes) -> etree._Element:
    return etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
