import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from podcast import models
from podcast.transcripts import read_transcript
from tests.podcast.builders import make_episode, publish

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent.parent / "fixtures" / "podcast"


@pytest.fixture
def episode(show):
    episode = make_episode(show, "Talking shop", season=2, episode_number=7, seconds=3)
    episode.chapters.create(start_time=0, title="Intro")
    episode.chapters.create(start_time=1.5, title="Interview")
    episode.transcripts.create(
        file=ContentFile((FIXTURES / "episode.vtt").read_bytes(), name="t.vtt"), language="en", captions=True
    )
    episode.persons.create(name="Grace Guest", role="guest", href="https://grace.example/")
    return publish(episode)


def test_episode_page_has_a_player_download_and_subscribe_links(client, show, episode):
    show.platforms.create(platform="spotify", url="https://open.spotify.com/show/abc")
    publish(show)
    html = client.get(episode.url).content.decode()
    assert '<a href="https://open.spotify.com/show/abc">Listen on Spotify</a>' in html
    media = f"http://testserver{episode.audio_file.url}"
    assert f'<audio id="episode-player" controls preload="metadata" src="{media}">' in html
    assert f'<a class="download" href="{media}" download>' in html
    assert 'href="http://testserver/show/feed/"' in html
    assert 'href="podcast://testserver/show/feed/"' in html
    assert 'readonly value="http://testserver/show/feed/" aria-label="Podcast feed URL"' in html
    assert "Season 2 · Episode 7" in html
    assert f"<span>MP3, {episode.audio_size / 1024:.1f}\xa0KB</span>" in html
    assert f'<img src="http://testserver{show.artwork.url}" alt="Test Show"' in html, "the show's art stands in"
    assert '<h2 id="notes-title">Show notes</h2>' in html and "podcast/podcast.css" in html


def test_a_preview_shows_the_drafts_chapters_and_guests(client, show, episode, settings):
    settings.PAGE_CACHE = False  # an editor's preview is never served from it (their session makes it private)
    draft = episode.get_latest_revision_as_object()
    draft.chapters = [models.EpisodeChapter(start_time=2, title="Only in the draft")]
    draft.persons = [models.EpisodePerson(name="Draft Guest", role="guest")]
    draft.save_revision()
    client.get(episode.url)  # the live rows, kept for this content version
    html = episode.get_latest_revision_as_object().make_preview_request().content.decode()
    assert "Only in the draft" in html and "Draft Guest" in html
    assert "Interview" not in html and "Grace Guest</a>" not in html
    live = client.get(episode.url).content.decode()
    assert "Interview" in live and "Only in the draft" not in live and "Draft Guest" not in live


def test_chapter_links_seek_with_media_fragments(client, episode):
    html = client.get(episode.url).content.decode()
    media = f"http://testserver{episode.audio_file.url}"
    assert f'href="{media}#t=1.5" data-start="1.5"><time>0:01</time> Interview' in html


def test_transcript_is_readable_on_the_page(client, episode):
    html = client.get(episode.url).content.decode()
    assert "<strong>Grace Guest:</strong> Thanks for having me &amp; my notes." in html
    assert "Transcript (en)" in html
    assert '<a href="https://grace.example/">Grace Guest</a> (guest)' in html


def test_chapters_are_served_as_json_chapters(client, episode):
    response = client.get(f"{episode.url}chapters/")
    assert response["Content-Type"] == "application/json+chapters"
    assert json.loads(response.content) == {
        "version": "1.2.0",
        "chapters": [{"startTime": 0.0, "title": "Intro"}, {"startTime": 1.5, "title": "Interview"}],
    }


def test_uploaded_chapters_file_is_used_when_none_are_edited(client, show):
    episode = make_episode(show, chapters_file=ContentFile((FIXTURES / "chapters.json").read_bytes(), name="c.json"))
    data = json.loads(client.get(f"{episode.url}chapters/").content)
    assert data["chapters"][1] == {"startTime": 1.5, "title": "Interview", "url": "https://example.org/interview"}
    assert "Interview" in client.get(episode.url).content.decode()


def test_show_page_lists_episodes_and_advertises_its_feed(client, show, episode):
    html = client.get(show.url).content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Test Show (podcast)" '
        'href="http://testserver/show/feed/">'
    ) in html
    assert "Talking shop" in html and "0:03" in html


def test_srt_and_vtt_transcripts_read_the_same_text():
    vtt = read_transcript((FIXTURES / "episode.vtt").read_text(), "text/vtt")
    srt = read_transcript((FIXTURES / "episode.srt").read_text(), "application/x-subrip")
    assert [c.start for c in vtt] == [c.start for c in srt] == [0.0, 1.5]
    assert srt[0].text == vtt[0].text == "Welcome to the show."
    assert vtt[0].speaker == "Ada Host"


def test_json_transcript_segments_are_read():
    text = json.dumps({"version": "1.0.0", "segments": [{"speaker": "Ada", "startTime": 2.5, "body": "Hi"}]})
    assert read_transcript(text, "application/json")[0].text == "Hi"


def test_episode_page_carries_the_discussion(client, episode):
    html = client.get(episode.url).content.decode()
    assert '<section class="discussion" id="responses"' in html
    assert "No responses yet to “Talking shop”" in html
    assert "<form" in html.split('id="responses"')[1]
    assert 'title="Responses on Talking shop (RSS)"' in html


def test_show_page_pages_through_a_long_archive(client, show, monkeypatch):
    monkeypatch.setattr(models, "EPISODES_PER_PAGE", 2)
    for day, letter in enumerate("abc"):
        make_episode(show, f"Episode {letter}", date=timezone.now() - timedelta(days=day + 1))
    first = client.get(show.url).content.decode()
    assert "Episode a" in first and "Episode c" not in first and 'href="?page=2">Older episodes' in first
    second = client.get(f"{show.url}?page=2").content.decode()
    assert "Episode c" in second and "Page 2 of 2" in second


def test_episode_pages_accept_linkbacks_like_posts(client, episode):
    response = client.get(episode.url)
    assert response["X-Pingback"].startswith("http://testserver/")
    assert 'rel="webmention"' in response["Link"]
