"""Importing an existing podcast: what feedparser loses, idempotence, failures that keep the rest."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from podcast.demo import silent_mp3
from podcast.feedxml import FeedError, parse_duration, read_feed
from podcast.importer import import_show, import_source
from podcast.models import EpisodePage, PodcastPage
from tests.podcast.builders import image_bytes
from tests.podcast.feed_helpers import SRT, VTT
from tests.podcast.fetchers import DictFetcher

pytestmark = pytest.mark.django_db
FEED = Path(__file__).parent.parent / "fixtures" / "podcast" / "feed.xml"
CHAPTERS = {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Hello"}, {"startTime": 30.5, "title": "Bye"}]}
RESOURCES = {
    "https://cdn.elsewhere.example/ep2.mp3": silent_mp3(4),
    "https://elsewhere.example/cover.png": image_bytes(1400),
    "https://elsewhere.example/ep2.jpg": image_bytes(1400, fmt="JPEG"),
    "https://elsewhere.example/ep2.vtt": VTT,
    "https://elsewhere.example/ep2.srt": SRT,
    "https://elsewhere.example/ep2.json": json.dumps(CHAPTERS).encode(),
}
MB = 1_000_000
COVER = '<itunes:image href="https://elsewhere.example/cover.png"/>'


def item(number: int, **overrides) -> str:
    values = {
        "title": f"Episode {'abcdefghij'[number]}",
        "guid": f"<guid>ep-{number}</guid>",
        "date": f"<pubDate>Mon, {number:02d} Jun 2026 10:00:00 GMT</pubDate>",
        "enclosure": f'<enclosure url="https://cdn.example/{number}.mp3" length="{number}000" type="audio/mpeg"/>',
        "extra": "",
    } | overrides
    return (
        f"<item><title>{values['title']}</title>{values['guid']}{values['date']}{values['enclosure']}"
        f"<itunes:duration>{number * 10}</itunes:duration>{values['extra']}</item>"
    )


def feed(*items: str, channel: str = "", prolog: str = "", cover: str = COVER) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        f'xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Made up</title>{cover}{channel}'
        f"{''.join(items)}</channel></rss>"
    ).encode()


def run(data: bytes, fetcher=None, **options):
    return import_show(read_feed(data, max_bytes=20 * MB), fetcher=fetcher or DictFetcher(RESOURCES), **options)


# --- what feedparser loses, read from the raw XML ---------------------------------------------------


def test_raw_xml_gives_what_feedparser_loses():
    show = read_feed(FEED.read_bytes(), max_bytes=MB)
    assert show.explicit is True and show.show_type == "serial"
    assert (show.locked, show.locked_owner) == (False, "jane@elsewhere.example")
    assert show.funding == [
        ("https://elsewhere.example/donate", "Buy us a coffee"),
        ("https://elsewhere.example/members", "Become a member"),
    ]
    assert [(p.name, p.role, p.group) for p in show.persons] == [
        ("Jane Host", "host", "cast"),
        ("Joe Cohost", "host", "cast"),
    ]
    assert show.author == "Jane Host" and show.owner_name == "Jane"
    assert show.categories == ["Society & Culture/Documentary", "Technology"]
    episode = show.episodes[0]
    assert (episode.duration, episode.season, episode.number, episode.episode_type) == (3723, 2, 12, "bonus")
    assert episode.explicit is False
    assert [p.name for p in episode.persons] == ["Grace Guest", "Alan Guest"]
    assert [(t.media_type, t.language, t.captions) for t in episode.transcripts] == [
        ("text/vtt", "en", True),
        ("application/x-subrip", "de", False),
    ]
    assert [(b.start_time, b.duration, b.title) for b in episode.soundbites] == [(73.0, 60.0, "The good part")]
    assert show.episodes[1].explicit is True, "an item without itunes:explicit inherits the show's"


@pytest.mark.parametrize(("value", "seconds"), [("95", 95), ("01:35", 95), ("1:02:03", 3723), ("12.7", 12)])
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


def test_import_with_media_downloads_and_reads_everything(blog_index):
    report = run(FEED.read_bytes(), media=True)
    assert len(report.created) == 1, report.summary()
    assert report.failed == [
        "episode 2 “The first one” (https://elsewhere.example/?p=1): "
        "https://cdn.elsewhere.example/ep1.m4a answered with HTTP 404."
    ]
    show = report.show
    assert show.podcast_guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert show.artwork.name.endswith(".png") and show.artwork_url == "https://elsewhere.example/cover.png"
    assert [c.category for c in show.categories.all()] == ["Society & Culture/Documentary", "Technology"]
    assert show.language == "de-de" and show.explicit and show.show_type == "serial" and not show.feed_locked
    episode = EpisodePage.objects.get(guid="elsewhere-ep-2")
    assert episode.duration == 4, "mutagen reads the downloaded file; the feed's 01:02:03 was wrong"
    assert episode.audio_size == len(silent_mp3(4)) and episode.audio_type == "audio/mpeg"
    assert (episode.season, episode.episode_number, episode.episode_type) == (2, 12, "bonus")
    assert episode.pub_date == datetime(2026, 6, 2, 10, tzinfo=UTC)
    assert episode.summary == "Second summary."
    notes = str(episode.body)
    assert '<a href="https://example.org/"' in notes and "<script" not in notes and "onerror" not in notes
    assert [(c.start_time, c.title) for c in episode.chapters.all()] == [(0.0, "Hello"), (30.5, "Bye")]
    assert [(t.language, t.media_type, bool(t.file)) for t in episode.transcripts.all()] == [
        ("en", "text/vtt", True),
        ("de", "application/x-subrip", True),
    ]
    assert episode.transcripts.first().cues()[0].text == "Hello."
    assert episode.image.name.endswith(".jpg")
    assert report.warnings == []


def test_import_without_media_keeps_remote_urls(blog_index):
    report = run(FEED.read_bytes(), media=False)
    assert len(report.created) == 2, report.summary()
    first = EpisodePage.objects.get(guid="https://elsewhere.example/?p=1")
    assert not first.audio_file and first.audio_url == "https://cdn.elsewhere.example/ep1.m4a"
    assert (first.audio_size, first.audio_type, first.duration) == (1000, "audio/x-m4a", 95)
    second = EpisodePage.objects.get(guid="elsewhere-ep-2")
    assert second.duration == 3723
    assert [t.url for t in second.transcripts.all()] == [
        "https://elsewhere.example/ep2.vtt",
        "https://elsewhere.example/ep2.srt",
    ]
    assert not report.show.artwork and report.show.artwork_url == "https://elsewhere.example/cover.png"


def test_rerunning_an_import_updates_and_never_duplicates(blog_index):
    run(FEED.read_bytes(), media=False)
    again = run(FEED.read_bytes().replace(b"The second one", b"The second one, retitled"), media=False)
    assert (len(again.created), len(again.updated), again.show_created) == (0, 2, False)
    assert PodcastPage.objects.count() == 1 and EpisodePage.objects.count() == 2
    assert EpisodePage.objects.get(guid="elsewhere-ep-2").title == "The second one, retitled"
    assert EpisodePage.objects.get(guid="elsewhere-ep-2").persons.count() == 2


def test_an_import_pings_no_websub_hub_and_no_linked_site(blog_index, settings, web):
    from linkbacks.models import OutgoingLinkback

    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.PODCAST_WEBSUB_HUBS = [web.page("/hub/", "", status=204)]
    notes = "<description><![CDATA[<p>See <a href='https://elsewhere.example/post'>this</a>.</p>]]></description>"
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = run(feed(item(1, extra=notes), item(2)), media=False)
    assert len(report.created) == 2
    assert web.hits == []
    assert list(OutgoingLinkback.objects.values_list("target_url", "status")) == [
        ("https://elsewhere.example/post", OutgoingLinkback.Status.RECORDED)
    ]


def test_import_into_an_existing_show(blog_index, show):
    report = run(FEED.read_bytes(), media=False, into=show)
    assert report.show.pk == show.pk
    assert PodcastPage.objects.get(pk=show.pk).podcast_guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


# --- refusing and failing ---------------------------------------------------------------------------


def test_a_locked_feed_is_refused_without_the_ownership_flag(blog_index):
    locked = FEED.read_bytes().replace(b'">no</pc:locked>', b'">yes</pc:locked>')
    with pytest.raises(
        FeedError,
        match=r"locked \(podcast:locked yes, owner jane@elsewhere.example\).*"
        r"--i-own-this-feed",
    ):
        run(locked, media=False)
    assert not PodcastPage.objects.exists()
    assert len(run(locked, media=False, owner_confirmed=True).created) == 2


def test_a_failing_episode_keeps_the_others_and_is_named(blog_index):
    data = feed(
        *(item(n) for n in (1, 2)),
        item(3, date="<pubDate>sometime soon</pubDate>"),
        item(4, enclosure=""),
        item(5, extra="<itunes:episode>five</itunes:episode>"),
        item(6),
    )
    report = run(data, media=False)
    assert report.created == [
        "episode 1 “Episode b” (ep-1)",
        "episode 2 “Episode c” (ep-2)",
        "episode 6 “Episode g” (ep-6)",
    ]
    assert report.failed == [
        "episode 4 “Episode e” (ep-4): it has no enclosure (no media to import)",
        "episode 5 “Episode f” (ep-5): itunes:episode “five” is not a whole number",
        "episode 3 “Episode d” (ep-3): its pubDate “sometime soon” is not a date",
    ]
    assert set(EpisodePage.objects.values_list("guid", flat=True)) == {"ep-1", "ep-2", "ep-6"}


def test_a_failed_download_leaves_no_half_written_episode(blog_index):
    data = feed(item(1), item(2), item(3))
    resources = {f"https://cdn.example/{n}.mp3": silent_mp3(1) for n in (1, 3)}
    resources["https://cdn.example/2.mp3"] = b"not audio at all" * 10
    report = run(data, DictFetcher(resources), media=True)
    assert len(report.created) == 2
    assert report.failed == [
        "episode 2 “Episode c” (ep-2): “episode-c.mp3” could not be read as audio/mpeg; upload a real media file."
    ]
    assert set(EpisodePage.objects.values_list("guid", flat=True)) == {"ep-1", "ep-3"}


def test_unsupported_media_types_fail_clearly(blog_index):
    data = feed(item(1, enclosure='<enclosure url="https://cdn.example/1.ogg" length="1" type="audio/ogg"/>'))
    report = run(data, media=False)
    assert "is not a type podcast apps accept" in report.failed[0]


@pytest.mark.parametrize(
    ("prolog", "message"),
    [
        ('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "XXE"),
        ('<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "billion laughs"),
    ],
)
def test_hostile_xml_is_refused_before_parsing(blog_index, prolog, message):
    with pytest.raises(FeedError, match=message):
        run(feed(item(1), prolog=prolog, channel="<description>&xxe;</description>" if "xxe" in prolog else ""))
    assert not PodcastPage.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>Not a feed</body></html>", "not an RSS 2.0 podcast feed: its root element is <html>"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', "root element is <{http"),
        (b"<rss><channel><title>broken</channel></rss>", "not well-formed XML"),
    ],
)
def test_feeds_that_are_not_podcast_rss_are_refused(data, message):
    with pytest.raises(FeedError, match=message.replace("{", r"\{").replace("(", r"\(")):
        read_feed(data, max_bytes=MB)


def test_a_50_mb_feed_is_refused_without_parsing(tmp_path, blog_index):
    huge = tmp_path / "huge.xml"
    huge.write_bytes(feed(item(1)) + b" " * (50 * MB))
    with pytest.raises(CommandError, match=r"The feed is 50.0 MB; imports are limited to 20.0 MB"):
        call_command("import_podcast", str(huge))
    with pytest.raises(FeedError, match="50.0 MB"):
        read_feed(huge.read_bytes(), max_bytes=20 * MB)


def test_a_moved_feed_is_followed_once(blog_index):
    old = feed(channel="<itunes:new-feed-url>https://new.example/feed.xml</itunes:new-feed-url>")
    new = feed(item(1))
    fetcher = DictFetcher({"https://old.example/feed.xml": old, "https://new.example/feed.xml": new})
    report = import_source("https://old.example/feed.xml", fetcher=fetcher, media=False)
    assert len(report.created) == 1
    assert report.warnings[0] == (
        "https://old.example/feed.xml says the feed moved to https://new.example/feed.xml; imported from there."
    )


def test_podlove_simple_chapters_are_imported_when_there_is_no_chapters_file(blog_index):
    simple = (
        '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters" version="1.2">'
        '<psc:chapter start="01:02.5" title="Later" href="https://x.example/"/>'
        '<psc:chapter start="00:00:00.000" title="Hello"/><psc:chapter start="soon" title="Broken"/></psc:chapters>'
    )
    run(feed(item(1, extra=simple)), media=False)
    chapters = EpisodePage.objects.get(guid="ep-1").chapter_list()
    assert [(c.start_time, c.title, c.url) for c in chapters] == [
        (0.0, "Hello", ""),
        (62.5, "Later", "https://x.example/"),
    ]


def test_a_feed_without_artwork_is_refused_before_anything_is_written(blog_index, show):
    with pytest.raises(FeedError, match=r"no artwork \(itunes:image\).*--into that show"):
        run(feed(item(1), cover=""), media=False)
    with pytest.raises(FeedError, match="no artwork"):
        run(feed(item(1), cover=""), media=False, dry_run=True)
    assert list(PodcastPage.objects.all()) == [show] and not EpisodePage.objects.exists()
    report = run(feed(item(1), cover=""), media=False, into=show)
    assert len(report.created) == 1 and PodcastPage.objects.get(pk=show.pk).artwork


def test_a_feed_without_categories_is_imported_with_a_warning_and_keeps_a_shows_own(blog_index, show):
    report = run(feed(item(1)), media=False)
    assert "The feed has no Apple category (itunes:category)" in report.summary()
    report = run(feed(item(2)), media=False, into=show)
    assert [c.category for c in PodcastPage.objects.get(pk=show.pk).categories.all()] == ["Technology"]
    assert "no Apple category" not in report.summary()


def test_only_http_urls_or_files_are_read():
    with pytest.raises(FeedError, match="Only http and https feed URLs can be imported, not file: URLs"):
        import_source("file:///etc/passwd", fetcher=DictFetcher())
    with pytest.raises(FeedError, match="neither an http\\(s\\) URL nor a readable file"):
        import_source("/no/such/feed.xml", fetcher=DictFetcher())


# --- the command ------------------------------------------------------------------------------------


def test_command_dry_run_changes_nothing(blog_index, capsys):
    call_command("import_podcast", str(FEED), "--dry-run", "--no-media")
    out = capsys.readouterr().out
    assert "Would import into “a new show” (new show): 2 created, 0 updated, 0 failed." in out
    assert not PodcastPage.objects.exists()


def test_command_imports_a_file_and_reports(blog_index, capsys):
    call_command("import_podcast", str(FEED), "--no-media")
    output = capsys.readouterr()
    assert "Imported into “Elsewhere Radio” (new show): 2 created, 0 updated, 0 failed." in output.out
    assert "Episodes: 100%" in output.err and "2/2" in output.err, "the progress bar stays on screen when done"
    call_command("import_podcast", str(FEED), "--no-media", "--into", "elsewhere-radio")
    assert "0 created, 2 updated" in capsys.readouterr().out


def test_command_exits_with_an_error_when_episodes_failed(blog_index, tmp_path, capsys):
    path = tmp_path / "feed.xml"
    path.write_bytes(feed(item(1), item(2, enclosure="")))
    with pytest.raises(CommandError, match=r"1 episode\(s\) could not be imported; the others were."):
        call_command("import_podcast", str(path), "--no-media")
    assert "FAILED episode 2 “Episode c” (ep-2): it has no enclosure" in capsys.readouterr().out
    assert EpisodePage.objects.count() == 1


def test_command_refuses_locked_feeds_and_unknown_shows(blog_index, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(feed(item(1), channel="<podcast:locked>yes</podcast:locked>"))
    with pytest.raises(CommandError, match="--i-own-this-feed"):
        call_command("import_podcast", str(path))
    with pytest.raises(CommandError, match="There is no show “nope”"):
        call_command("import_podcast", str(path), "--into", "nope")


def test_a_transcript_that_cannot_be_fetched_stays_a_remote_link(blog_index):
    resources = {k: v for k, v in RESOURCES.items() if not k.endswith(".srt")}
    report = run(FEED.read_bytes(), DictFetcher(resources), media=True)
    episode = EpisodePage.objects.get(guid="elsewhere-ep-2")
    assert [(bool(t.file), t.url) for t in episode.transcripts.all()] == [
        (True, ""),
        (False, "https://elsewhere.example/ep2.srt"),
    ]
    assert (
        "transcript kept as a remote link: https://elsewhere.example/ep2.srt answered with HTTP 404."
        in (report.warnings[0])
    )
