"""Every rule of the channel and item tables in the podcast-feed checklist, on our generated feed."""

import email.utils
import gzip
import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from podcast.demo import silent_mp3
from podcast.models import EpisodePage
from tests.podcast.builders import make_episode, publish
from tests.podcast.feed_helpers import NS, make_full_show, parse, serve_https

pytestmark = pytest.mark.django_db
APPLE = json.loads((Path(__file__).parent.parent / "fixtures/podcast/apple-podcast-categories.json").read_text())
FEED = "https://testserver/show/feed/"
APPLE_TYPES = {"audio/x-m4a", "audio/mpeg", "video/quicktime", "video/mp4", "video/x-m4v", "application/pdf"}
PODCAST_URL_ATTRS = {"url", "href", "img"}


@pytest.fixture
def full_show(blog_index):
    serve_https(blog_index)
    return make_full_show(blog_index)


@pytest.fixture
def feed(client, full_show):
    response = client.get("/show/feed/", secure=True)
    assert response.status_code == 200
    return response


@pytest.fixture
def channel(feed):
    return parse(feed.content).find("channel")


def one(node, path):
    found = node.findall(path, NS)
    assert len(found) == 1, f"expected exactly one {path}, found {len(found)}"
    return found[0]


def test_root_declares_utf8_rss2_and_the_four_namespaces(feed):
    assert feed["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<rss')
    root = parse(feed.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert {prefix: root.nsmap[prefix] for prefix in NS} == NS


def test_channel_required_tags(channel, full_show):
    show, _ = full_show
    assert one(channel, "title").text == "Backchannel Radio"
    description = one(channel, "description").text
    assert description and len(description.encode()) <= 4000
    image = one(channel, "itunes:image").get("href")
    assert image.startswith("https://testserver/media/podcast/artwork/") and image.endswith(".png")
    assert re.fullmatch(r"[a-z]{2,3}(-[a-z]{2,3})?", one(channel, "language").text)
    assert one(channel, "itunes:explicit").text == "false"
    self_link = [link for link in channel.findall("atom:link", NS) if link.get("rel") == "self"]
    assert [(link.get("href"), link.get("type")) for link in self_link] == [(FEED, "application/rss+xml")]


def test_channel_categories_are_apples_with_one_nested_subcategory(channel, feed):
    pairs = []
    for category in channel.findall("itunes:category", NS):
        assert category.get("text") in APPLE
        subs = category.findall("itunes:category", NS)
        assert len(subs) <= 1
        if subs:
            assert subs[0].get("text") in APPLE[category.get("text")]
            assert not subs[0].findall("itunes:category", NS)
        pairs.append((category.get("text"), subs[0].get("text") if subs else None))
    assert pairs == [("Technology", None), ("Arts", "Books"), ("Society & Culture", "Documentary")]
    assert b'<itunes:category text="Society &amp; Culture">' in feed.content, "case kept, & escaped"


def test_channel_recommended_and_situational_tags(channel, full_show):
    show, _ = full_show
    assert one(channel, "itunes:author").text == "Ada Host"
    assert one(channel, "link").text == "https://testserver/show/"
    owner = one(channel, "itunes:owner")
    assert (one(owner, "itunes:name").text, one(owner, "itunes:email").text) == ("Ada Host", "ada@example.org")
    assert one(channel, "itunes:type").text in {"episodic", "serial"}
    assert one(channel, "copyright").text == "Ada Host and friends"
    assert not channel.findall("itunes:block", NS) and not channel.findall("itunes:complete", NS)
    assert not channel.findall("itunes:new-feed-url", NS)
    assert one(channel, "generator").text == "Backchannel"


def test_channel_podcasting20_tags(channel, full_show):
    show, _ = full_show
    guid = one(channel, "podcast:guid").text
    assert len(guid) == 36 and guid.count("-") == 4 and uuid.UUID(guid).version == 5
    assert guid == show.podcast_guid
    locked = one(channel, "podcast:locked")
    assert (locked.text, locked.get("owner")) == ("yes", "ada@example.org")
    funding = one(channel, "podcast:funding")
    assert (funding.get("url"), funding.text) == ("https://ada.example/support", "Support the show")
    person = one(channel, "podcast:person")
    assert (person.text, person.get("role"), person.get("group")) == ("Ada Host", "host", "cast")
    assert one(channel, "podcast:medium").text == "podcast"
    txt = one(channel, "podcast:txt")
    assert (txt.get("purpose"), txt.text) == ("applepodcastsverify", "a1b2c3d4-0000-4000-8000-000000000000")
    assert not channel.findall("podcast:podping", NS), "we never ping Podping, so we never claim to"


def test_values_are_trimmed_short_and_podcast_urls_https(channel):
    for node in channel.iter():
        if not isinstance(node.tag, str):
            continue
        text = node.text or ""
        if text.strip():
            assert text == text.strip(), f"{node.tag} has surrounding spaces"
        if node.tag not in {"description", f"{{{NS['content']}}}encoded"}:
            assert len(text) <= 255, f"{node.tag} longer than 255 characters"
        if node.tag.startswith(f"{{{NS['podcast']}}}"):
            for name, value in node.attrib.items():
                if name in PODCAST_URL_ATTRS:
                    assert value.startswith("https://"), f"{node.tag} {name}={value} is not https"


def test_items_required_and_recommended_tags(channel, full_show):
    _, episodes = full_show
    items = channel.findall("item")
    assert len(items) == 2
    by_guid = {episode.guid: episode for episode in episodes}
    enclosure_urls = set()
    for item in items:
        episode = by_guid[one(item, "guid").text]
        assert one(item, "guid").get("isPermaLink") == "false"
        title = one(item, "title").text
        assert title == episode.title and not re.search(r"\d", title)
        assert one(item, "itunes:title").text == title
        enclosure = one(item, "enclosure")
        assert enclosure.get("type") in APPLE_TYPES
        assert enclosure.get("length") == str(episode.audio_file.size)
        assert enclosure.get("url").startswith("https://testserver/media/podcast/audio/")
        assert enclosure.get("url").endswith(".mp3") and enclosure.get("url").isascii()
        enclosure_urls.add(enclosure.get("url"))
        assert email.utils.parsedate_to_datetime(one(item, "pubDate").text) == episode.pub_date.replace(microsecond=0)
        assert re.fullmatch(r"\d+", one(item, "itunes:duration").text)
        assert int(one(item, "itunes:duration").text) == episode.duration == episode.episode_number + 2
        assert one(item, "link").text == f"https://testserver/show/{episode.slug}/"
        assert one(item, "itunes:image").get("href").endswith(".jpg")
        assert one(item, "itunes:explicit").text == ("true" if episode.explicit else "false")
    assert len(enclosure_urls) == 2


def test_item_description_is_short_html_with_allowed_tags_only(channel):
    for item in channel.findall("item"):
        description = one(item, "description").text
        assert len(description.encode()) <= 4000
        tags = set(re.findall(r"</?([a-zA-Z0-9]+)", description))
        assert tags <= {"p", "ol", "ul", "li", "a", "b", "i", "strong", "em", "br"}
        assert "<b>" in description
        assert "<b>" in one(item, "content:encoded").text


def test_description_html_sits_in_cdata(feed):
    assert b"<description><![CDATA[<p>About Talking" in feed.content


def test_items_situational_tags(channel, full_show):
    _, episodes = full_show
    for item in channel.findall("item"):
        episode = next(e for e in episodes if e.guid == one(item, "guid").text)
        assert one(item, "itunes:episode").text == str(episode.episode_number) != "0"
        assert one(item, "itunes:season").text == "1"
        assert one(item, "itunes:episodeType").text in {"full", "trailer", "bonus"}
        assert one(item, "podcast:season").text == "1"
        assert one(item, "podcast:episode").text == str(episode.episode_number)
        assert not item.findall("itunes:block", NS)


def test_items_podcasting20_tags(channel, full_show):
    _, episodes = full_show
    item = channel.findall("item")[0]
    transcripts = item.findall("podcast:transcript", NS)
    assert [(t.get("type"), t.get("language"), t.get("rel")) for t in transcripts] == [
        ("text/vtt", "en", "captions"),
        ("application/x-subrip", "de", None),
    ]
    assert all(t.get("url").startswith("https://testserver/media/podcast/transcripts/") for t in transcripts)
    chapters = one(item, "podcast:chapters")
    assert chapters.get("type") == "application/json+chapters"
    assert chapters.get("url").startswith("https://testserver/show/") and chapters.get("url").endswith("/chapters/")
    soundbite = one(item, "podcast:soundbite")
    assert (soundbite.get("startTime"), soundbite.get("duration"), soundbite.text) == ("0.5", "1", "The best bit")
    person = one(item, "podcast:person")
    assert (person.get("role"), person.get("group")) == ("guest", "cast")


def test_chapters_are_also_inline_as_podlove_simple_chapters(channel):
    simple = one(channel.findall("item")[0], "psc:chapters")
    assert simple.get("version") == "1.2"
    assert [(c.get("start"), c.get("title"), c.get("href")) for c in simple.findall("psc:chapter", NS)] == [
        ("00:00:00.000", "Intro", None),
        ("00:00:01.500", "Main part", "https://example.org/main"),
    ]


def test_linked_chapters_and_transcripts_are_served_with_their_types(client, channel):
    item = channel.findall("item")[0]
    chapters = client.get(one(item, "podcast:chapters").get("url"), secure=True)
    assert chapters["Content-Type"] == "application/json+chapters"
    assert json.loads(chapters.content)["chapters"][1] == {
        "startTime": 1.5,
        "title": "Main part",
        "url": "https://example.org/main",
    }
    for transcript in item.findall("podcast:transcript", NS):
        response = client.get(transcript.get("url"), secure=True)
        assert response.status_code == 200 and response["Content-Type"].startswith(transcript.get("type"))


def test_feedparser_reads_the_feed_cleanly(feed, full_show):
    _, episodes = full_show
    parsed = feedparser.parse(feed.content, response_headers={"content-type": feed["Content-Type"]})
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Backchannel Radio"
    assert parsed.feed.podcast_guid == episodes[0].get_parent().specific.podcast_guid
    entries = {entry.id: entry for entry in parsed.entries}
    for episode in episodes:
        entry = entries[episode.guid]
        assert entry.guidislink is False
        assert entry.itunes_duration == str(episode.duration)
        assert entry.itunes_episode == str(episode.episode_number)
        assert entry.enclosures[0].type == "audio/mpeg"
        assert int(entry.enclosures[0].length) == episode.audio_size


def test_serial_shows_say_so_and_blocked_complete_shows_say_yes(client, full_show):
    show, _ = full_show
    show.show_type, show.block, show.complete, show.explicit = "serial", True, True, True
    publish(show)
    channel = parse(client.get("/show/feed/", secure=True).content).find("channel")
    assert one(channel, "itunes:type").text == "serial"
    assert one(channel, "itunes:block").text == "Yes" and one(channel, "itunes:complete").text == "Yes"
    assert one(channel, "itunes:explicit").text == "true"


def test_episodes_without_media_unpublished_or_future_are_left_out(client, full_show):
    show, _ = full_show
    make_episode(show, "Draft", live=False)
    make_episode(show, "Tomorrow", date=timezone.now() + timedelta(days=1))
    silent = make_episode(show, "Silent", audio=False, live=False)
    EpisodePage.objects.filter(pk=silent.pk).update(live=True)  # from before publishing required media
    titles = [t.text for t in parse(client.get("/show/feed/", secure=True).content).iterfind("channel/item/title")]
    assert len(titles) == 2 and not {"Draft", "Tomorrow", "Silent"} & set(titles)


def test_the_shows_own_language_is_used_not_the_sites(client, full_show, settings):
    show, _ = full_show
    show.language = "pt-br"
    publish(show)
    assert settings.LANGUAGE_CODE != "pt-br"
    assert one(parse(client.get("/show/feed/", secure=True).content).find("channel"), "language").text == "pt-br"


def test_an_unlocked_show_without_owner_email_says_no(client, full_show):
    show, _ = full_show
    show.feed_locked, show.owner_email = False, ""
    publish(show)
    locked = one(parse(client.get("/show/feed/", secure=True).content).find("channel"), "podcast:locked")
    assert (locked.text, locked.attrib) == ("no", {})


def test_a_long_show_description_is_cut_to_4000_bytes_at_a_word(client, full_show):
    show, _ = full_show
    show.description = "Ünïcode words " * 400
    publish(show)
    description = one(parse(client.get("/show/feed/", secure=True).content).find("channel"), "description").text
    assert len(description.encode()) <= 4000 and description.endswith("…")
    assert description[:-1].split(" ")[-1] in {"Ünïcode", "words"}, "cut between words"


def test_trailers_bonus_and_blocked_episodes_say_so(client, full_show):
    show, _ = full_show
    make_episode(show, "Coming soon", episode_type="trailer", season=2)
    make_episode(show, "Extra", episode_type="bonus", block=True)
    items = {one(i, "title").text: i for i in parse(client.get("/show/feed/", secure=True).content).iterfind(".//item")}
    assert one(items["Coming soon"], "itunes:episodeType").text == "trailer"
    assert one(items["Coming soon"], "itunes:season").text == "2" and not items["Coming soon"].findall(
        "itunes:episode", NS
    )
    assert one(items["Extra"], "itunes:episodeType").text == "bonus"
    assert one(items["Extra"], "itunes:block").text == "Yes"


def test_new_audio_changes_the_enclosure_url_never_the_guid(client, full_show):
    _, episodes = full_show
    episode = episodes[0]

    def item():
        channel = parse(client.get("/show/feed/", secure=True).content).find("channel")
        return next(i for i in channel.iterfind("item") if one(i, "title").text == episode.title)

    before = item()
    episode.audio_file = ContentFile(silent_mp3(9), name="fixed.mp3")
    episode.title = episode.title  # an edit that re-publishes
    publish(episode)
    after = item()
    assert one(after, "guid").text == one(before, "guid").text == episode.guid
    assert one(after, "enclosure").get("url") != one(before, "enclosure").get("url")
    assert one(after, "itunes:duration").text == "9"
    assert (
        client.get(one(before, "enclosure").get("url"), secure=True, headers={"Range": "bytes=0-1"}).status_code == 206
    )


# --- server behaviour: conditional GET, gzip, caching, paging, moves, WebSub links ---------------------


def test_feed_answers_if_none_match_and_if_modified_since_with_304(client, feed):
    assert feed["ETag"] and feed["Last-Modified"]
    again = client.get("/show/feed/", secure=True, headers={"If-None-Match": feed["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == feed["ETag"] and again["Cache-Control"] == feed["Cache-Control"]
    since = client.get("/show/feed/", secure=True, headers={"If-Modified-Since": feed["Last-Modified"]})
    assert since.status_code == 304


def test_a_new_episode_changes_the_etag(client, feed, full_show):
    show, _ = full_show
    make_episode(show, "Fresh news")
    response = client.get("/show/feed/", secure=True, headers={"If-None-Match": feed["ETag"]})
    assert response.status_code == 200 and response["ETag"] != feed["ETag"]
    assert b"Fresh news" in response.content


def test_a_release_changes_the_etag_without_a_content_change(client, full_show, settings, monkeypatch):
    settings.PAGE_CACHE = False  # the feed's own version, not the page cache's lifetime
    show, _ = full_show
    soon = timezone.now() + timedelta(seconds=30)
    make_episode(show, "Released later", date=soon)
    before = client.get("/show/feed/", secure=True)
    assert b"Released later" not in before.content
    assert client.get("/show/feed/", secure=True)["ETag"] == before["ETag"]
    monkeypatch.setattr(timezone, "now", lambda: soon + timedelta(seconds=1))
    after = client.get("/show/feed/", secure=True, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert b"Released later" in after.content


def test_head_gets_the_etag_too(client, feed):
    head = client.head("/show/feed/", secure=True)
    assert head.status_code == 200 and head["ETag"] == feed["ETag"]


def test_feed_is_gzipped_and_cacheable(client, feed):
    zipped = client.get("/show/feed/", secure=True, headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == feed.content
    assert "Accept-Encoding" in zipped["Vary"]
    directives = {d.strip() for d in zipped["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=1"} <= directives, "apps revalidate; nginx keeps it a second"
    again = client.get("/show/feed/", secure=True, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped["ETag"]})
    assert again.status_code == 304


def test_long_archives_are_split_into_rfc5005_pages(client, blog_index):
    serve_https(blog_index)
    show, episodes = make_full_show(blog_index, episodes=5)
    show.feed_item_limit = 2
    publish(show)

    def links(path):
        response = client.get(path, secure=True)
        assert response.status_code == 200
        channel = parse(response.content).find("channel")
        return (
            {link.get("rel"): link.get("href") for link in channel.findall("atom:link", NS)},
            [one(item, "guid").text for item in channel.findall("item")],
        )

    first, first_guids = links("/show/feed/")
    assert first == {"self": FEED, "first": FEED, "last": f"{FEED}?page=3", "next": f"{FEED}?page=2"}
    middle, middle_guids = links("/show/feed/?page=2")
    assert middle == {
        "self": f"{FEED}?page=2",
        "first": FEED,
        "last": f"{FEED}?page=3",
        "prev": FEED,
        "next": f"{FEED}?page=3",
    }
    last, last_guids = links("/show/feed/?page=3")
    assert "next" not in last and last["prev"] == f"{FEED}?page=2"
    assert first_guids + middle_guids + last_guids == [e.guid for e in reversed(episodes)]
    assert client.get("/show/feed/?page=4", secure=True).status_code == 404
    assert client.get("/show/feed/?page=abc", secure=True).status_code == 404
    assert client.get("/show/feed/?page=%C2%B2", secure=True).status_code == 404


def test_websub_hubs_are_advertised(client, full_show, settings):
    settings.PODCAST_WEBSUB_HUBS = ["https://hub.example/"]
    channel = parse(client.get("/show/feed/", secure=True).content).find("channel")
    hubs = [link.get("href") for link in channel.findall("atom:link", NS) if link.get("rel") == "hub"]
    assert hubs == ["https://hub.example/"]


def test_a_moved_feed_answers_301_to_its_new_home(client, full_show):
    show, _ = full_show
    show.new_feed_url = "https://new.example/feed.xml"
    publish(show)
    response = client.get("/show/feed/", secure=True)
    assert response.status_code == 301 and response["Location"] == "https://new.example/feed.xml"
    for moved in (client.head("/show/feed/", secure=True), client.get("/show/feed/?page=2", secure=True)):
        assert moved.status_code == 301 and moved["Location"] == "https://new.example/feed.xml"
    assert client.get("/show/", secure=True).status_code == 200, "the show's page stays"


def test_a_moving_feed_can_announce_new_feed_url_before_redirecting(client, full_show):
    show, _ = full_show
    show.new_feed_url, show.redirect_feed = "https://new.example/feed.xml", False
    publish(show)
    channel = parse(client.get("/show/feed/", secure=True).content).find("channel")
    assert one(channel, "itunes:new-feed-url").text == "https://new.example/feed.xml"


def test_feed_is_well_formed_xml_with_hostile_titles(client, full_show):
    show, episodes = full_show
    episodes[0].title = 'Ampersands & <tags> ]]> and "quotes"'
    episodes[0].body = [("paragraph", "<p>Closing ]]> inside notes</p>")]
    publish(episodes[0])
    content = client.get("/show/feed/", secure=True).content
    item = next(i for i in parse(content).iterfind("channel/item") if one(i, "guid").text == episodes[0].guid)
    assert one(item, "title").text == 'Ampersands & <tags> ]]> and "quotes"'
    assert (
        "Closing ]]&gt; inside notes" in one(item, "description").text or "Closing ]]>" in one(item, "description").text
    )
    assert "<p>Closing ]]> inside notes</p>" in one(item, "content:encoded").text, "the CDATA split keeps ]]> whole"


def test_feed_queries_do_not_grow_with_episodes_and_304_is_cheap(client, full_show):
    def count_queries(**headers) -> tuple[int, object]:
        reset_queries()  # the log is a bounded deque; building shows can fill it
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/show/feed/", secure=True, headers=headers)
        return len(queries), response

    show, _ = full_show
    with_two, _ = count_queries()
    for letter in "abcd":
        make_episode(show, f"More {letter}")
    with_six, response = count_queries()
    assert b"More d" in response.content
    assert with_six == with_two
    cached, not_modified = count_queries(**{"If-None-Match": response["ETag"]})
    assert not_modified.status_code == 304
    assert cached < with_six / 2


def test_a_show_without_episodes_has_a_valid_empty_feed(client, show):
    response = client.get("/show/feed/")
    assert response.status_code == 200
    channel = parse(response.content).find("channel")
    assert channel.findall("item") == [] and one(channel, "title").text == "Test Show"


def test_an_unchanged_feed_is_rendered_once_then_served_from_the_cache(client, feed, full_show):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        first = client.get("/show/feed/", secure=True)
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/show/feed/", secure=True)
    assert again.content == first.content == feed.content
    assert len(warm) < len(cold), "the second request skips rendering (episodes, chapters, persons…)"
    show, _ = full_show
    make_episode(show, "Published after the cache was filled")
    assert b"Published after the cache was filled" in client.get("/show/feed/", secure=True).content
