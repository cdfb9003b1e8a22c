"""Editors add shows and episodes in the Wagtail admin; media rules answer with clear messages there."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from podcast.demo import silent_mp3
from podcast.forms import CATEGORY_REQUIRED, NUMBER_REQUIRED
from podcast.models import ARTWORK_REQUIRED, MEDIA_REQUIRED, EpisodePage, PodcastPage
from tests.podcast.builders import heavy_artwork, image_bytes, make_episode, make_show

pytestmark = pytest.mark.django_db


def artwork():
    return SimpleUploadedFile("cover.png", image_bytes(1400), content_type="image/png")


def audio():
    return SimpleUploadedFile("talk.mp3", silent_mp3(6), content_type="audio/mpeg")


def draft(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "action-publish"}


def errors(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


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
            "texts": inline_formset([{"purpose": "applepodcastsverify", "text": "code-from-apple"}]),
            "platforms": inline_formset([{"platform": "apple", "url": "https://podcasts.apple.com/podcast/id1"}]),
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
    assert [(t.purpose, t.text) for t in show.texts.all()] == [("applepodcastsverify", "code-from-apple")]
    html = admin_client.get(show.url).content.decode()
    assert '<a href="https://podcasts.apple.com/podcast/id1">Listen on Apple Podcasts</a>' in html


def test_admin_allows_at_most_three_categories(admin_client, blog_index):
    data = show_form() | nested_form_data(
        {"categories": inline_formset([{"category": c} for c in ("Arts", "History", "Technology", "Comedy")], max=3)}
    )
    response = admin_client.post(f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/", data)
    assert response.status_code == 200 and not PodcastPage.objects.exists()
    assert "at most 3" in response.content.decode()
    response = admin_client.post(f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/", show_form(artwork=artwork()))
    assert response.status_code == 302


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


def test_a_show_without_artwork_is_saved_as_a_draft_but_not_published(admin_client, blog_index):
    url = f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/"
    response = admin_client.post(url, show_form())
    assert response.status_code == 200 and not PodcastPage.objects.exists()
    assert ARTWORK_REQUIRED in errors(response)

    assert admin_client.post(url, draft(show_form())).status_code == 302
    show = PodcastPage.objects.get(slug="admin-show")
    assert not show.live

    edit = f"/admin/pages/{show.pk}/edit/"
    data = show_form() | nested_form_data({"categories": inline_formset([{"category": "Arts/Books"}], max=3)})
    refused = admin_client.post(edit, data)
    assert refused.status_code == 200 and ARTWORK_REQUIRED in errors(refused)
    assert not PodcastPage.objects.get(pk=show.pk).live
    assert admin_client.post(edit, data | {"artwork": artwork()}).status_code == 302
    assert PodcastPage.objects.get(pk=show.pk).live
    assert admin_client.get(f"{show.url}feed/").content.count(b"<itunes:image ") == 1


def test_a_show_without_a_category_is_not_published(admin_client, blog_index):
    data = show_form(artwork=artwork()) | nested_form_data({"categories": inline_formset([], max=3)})
    response = admin_client.post(f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/", data)
    assert response.status_code == 200 and not PodcastPage.objects.exists()
    assert CATEGORY_REQUIRED in errors(response)


def test_an_imported_show_with_remote_artwork_can_be_republished(admin_client, blog_index):
    show = make_show(blog_index, artwork=False, artwork_url="https://old-host.example/cover.jpg")
    data = show_form() | {"slug": show.slug}
    response = admin_client.post(f"/admin/pages/{show.pk}/edit/", data)
    assert response.status_code == 302, errors(response)
    feed = admin_client.get(f"{show.url}feed/").content.decode()
    assert '<itunes:image href="https://old-host.example/cover.jpg"' in feed


def test_a_live_show_cannot_lose_its_artwork_outside_the_admin_either(show):
    show.artwork = None
    with pytest.raises(ValidationError) as error:
        show.save()
    assert error.value.message_dict == {"artwork": [ARTWORK_REQUIRED]}


def test_an_episode_without_media_is_saved_as_a_draft_but_not_published(admin_client, show):
    url = f"/admin/pages/add/podcast/episodepage/{show.pk}/"
    response = admin_client.post(url, episode_form())
    assert response.status_code == 200 and not EpisodePage.objects.exists()
    assert MEDIA_REQUIRED in errors(response)

    assert admin_client.post(url, draft(episode_form())).status_code == 302
    episode = EpisodePage.objects.get(slug="admin-episode")
    assert not episode.live
    edit = f"/admin/pages/{episode.pk}/edit/"
    refused = admin_client.post(edit, episode_form())
    assert refused.status_code == 200 and MEDIA_REQUIRED in errors(refused)
    assert admin_client.post(edit, episode_form(audio_file=audio())).status_code == 302
    assert EpisodePage.objects.get(pk=episode.pk).live


def test_an_episode_with_only_a_remote_media_url_is_published(admin_client, show):
    data = episode_form(audio_url="https://cdn.example/talk.mp3")
    assert admin_client.post(f"/admin/pages/add/podcast/episodepage/{show.pk}/", data).status_code == 302
    assert EpisodePage.objects.get(slug="admin-episode").live


def test_a_live_episode_cannot_lose_its_media_outside_the_admin_either(show):
    episode = EpisodePage(title="Silent", slug="silent")
    with pytest.raises(ValidationError) as error:
        show.add_child(instance=episode)
    assert error.value.message_dict == {"audio_file": [MEDIA_REQUIRED]}


def test_a_serial_shows_episodes_need_a_number_to_be_published(admin_client, blog_index):
    show = make_show(blog_index, show_type="serial")
    url = f"/admin/pages/add/podcast/episodepage/{show.pk}/"
    response = admin_client.post(url, episode_form(audio_file=audio()))
    assert response.status_code == 200 and NUMBER_REQUIRED in errors(response)
    assert admin_client.post(url, draft(episode_form(audio_file=audio()))).status_code == 302
    numbered = episode_form(audio_file=audio(), slug="numbered", episode_number="1")
    assert admin_client.post(url, numbered).status_code == 302


def test_links_in_podcast_tags_must_be_https(admin_client, blog_index):
    data = show_form(artwork=artwork()) | nested_form_data(
        {
            "persons": inline_formset(
                [{"name": "Ada", "role": "host", "group": "cast", "img": "http://ada.example/a.jpg"}]
            ),
            "funding": inline_formset([{"url": "http://ada.example/tip", "label": "Tip jar"}]),
        }
    )
    response = admin_client.post(f"/admin/pages/add/podcast/podcastpage/{blog_index.pk}/", data)
    assert response.status_code == 200 and not PodcastPage.objects.exists()
    assert errors(response).count("only follow https: links in podcast: tags") == 2


def test_bulk_publishing_obeys_the_same_rules(admin_client, show):
    silent = make_episode(show, "Silent", audio=False, live=False)
    ready = make_episode(show, "Ready", live=False)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={silent.pk}&id={ready.pk}&next=/admin/pages/{show.pk}/"
    response = admin_client.post(url, {"include_descendants": ""}, follow=True)
    assert f"Nothing was published. “Silent”: {MEDIA_REQUIRED}" in errors(response)
    assert not EpisodePage.objects.filter(live=True).exists()

    response = admin_client.post(url.replace(f"id={silent.pk}&", ""), {"include_descendants": ""})
    assert response.status_code == 302 and EpisodePage.objects.get(pk=ready.pk).live
    with_children = f"/admin/bulk/wagtailcore/page/publish/?id={show.pk}&next=/admin/pages/{show.pk}/"
    response = admin_client.post(with_children, {"include_descendants": "on"}, follow=True)
    assert f"“Silent”: {MEDIA_REQUIRED}" in errors(response) and not EpisodePage.objects.get(pk=silent.pk).live


def test_heavy_artwork_uploaded_in_the_admin_gets_its_feed_copy(admin_client, show):
    heavy = SimpleUploadedFile("big.png", heavy_artwork(), content_type="image/png")
    response = admin_client.post(f"/admin/pages/{show.pk}/edit/", draft(show_form(slug=show.slug, artwork=heavy)))
    assert response.status_code == 302
    PodcastPage.objects.get(pk=show.pk).get_latest_revision().publish()
    show = PodcastPage.objects.get(pk=show.pk)
    assert show.artwork.name.endswith(".png") and show.artwork_feed.name.endswith(".jpg")
    assert show.artwork_feed.storage.exists(show.artwork_feed.name)
    assert admin_client.get(show.artwork_feed.url).status_code == 200
