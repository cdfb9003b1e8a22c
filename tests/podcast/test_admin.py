"""Editors add shows and episodes in the Wagtail admin; media rules answer with clear messages there."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from podcast.demo import silent_mp3
from podcast.models import EpisodePage, PodcastPage
from tests.podcast.builders import image_bytes

pytestmark = pytest.mark.django_db


def show_form(**extra):
    data = nested_form_data(
        {
            "title": "Admin Show",
            "slug": "admin-show",
            "description": "Made in the admin.",
            "language": "en",
            "show_type": "episodic",
            "feed_locked": "on",
            "redirect_feed": "on",
            "action-publish": "publish",
            "categories": inline_formset([{"category": "Arts/Books"}], max=3),
            "persons": inline_formset([]),
            "funding": inline_formset([]),
        }
    )
    return data | extra


def episode_form(**extra):
    data = nested_form_data(
        {
            "title": "Admin episode",
            "slug": "admin-episode",
            "pub_date": "2026-06-01 10:00",
            "episode_type": "full",
            "accept_comments": "on",
            "accept_linkbacks": "on",
            "action-publish": "publish",
            "body": streamfield([]),
            "chapters": inline_formset([{"start_time": "0", "title": "Start"}]),
            "transcripts": inline_formset([]),
            "persons": inline_formset([]),
            "soundbites": inline_formset([]),
        }
    )
    return data | extra


def test_admin_refuses_artwork_that_apple_would_refuse(admin_client, blog_index):
    url = f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/"
    small = SimpleUploadedFile("cover.png", image_bytes(1000), content_type="image/png")
    response = admin_client.post(url, show_form(artwork=small))
    assert response.status_code == 200
    assert "between 1400×1400 and 3000×3000 px; this image is 1000×1000 px" in response.content.decode()
    assert not PodcastPage.objects.exists()

    good = SimpleUploadedFile("cover.png", image_bytes(1400), content_type="image/png")
    response = admin_client.post(url, show_form(artwork=good))
    assert response.status_code == 302
    show = PodcastPage.objects.get(slug="admin-show")
    assert show.live and show.artwork and [c.category for c in show.categories.all()] == ["Arts/Books"]


def test_admin_allows_at_most_three_categories(admin_client, blog_index):
    data = show_form() | nested_form_data(
        {"categories": inline_formset([{"category": c} for c in ("Arts", "History", "Technology", "Comedy")], max=3)}
    )
    response = admin_client.post(f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/", data)
    assert response.status_code == 200 and not PodcastPage.objects.exists()
    assert "at most 3" in response.content.decode()
    assert admin_client.post(f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/", show_form()).status_code == 302


def test_admin_episode_upload_reads_the_audio_or_says_why_not(admin_client, show):
    url = f"/admin/pages/add/podcast/episodepage/{show.pk}/"
    bad = SimpleUploadedFile("talk.mp3", b"this is not audio" * 50, content_type="audio/mpeg")
    response = admin_client.post(url, episode_form(audio_file=bad))
    assert response.status_code == 200
    assert "“talk.mp3” could not be read as audio/mpeg; upload a real media file." in response.content.decode()

    good = SimpleUploadedFile("talk.mp3", silent_mp3(6), content_type="audio/mpeg")
    response = admin_client.post(url, episode_form(audio_file=good))
    assert response.status_code == 302
    episode = EpisodePage.objects.get(slug="admin-episode")
    assert (episode.duration, episode.audio_type, episode.audio_size) == (6, "audio/mpeg", len(silent_mp3(6)))
    assert episode.live and episode.guid and episode.chapters.get().title == "Start"


def test_admin_edit_page_shows_the_guid_read_only(admin_client, show):
    response = admin_client.get(f"/admin/pages/{show.pk}/edit/")
    assert response.status_code == 200
    assert show.podcast_guid in response.content.decode()
