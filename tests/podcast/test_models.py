import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from podcast.artwork import FEED_MAX_BYTES, validate_artwork
from podcast.demo import silent_mp3
from podcast.identity import PODCAST_NAMESPACE, podcast_guid_for
from podcast.models import EpisodePage, PodcastPage, ShowCategory
from tests.podcast.builders import heavy_artwork, image_bytes, make_episode, make_show, publish

pytestmark = pytest.mark.django_db


def test_podcast_guid_matches_the_podcasting20_example():
    assert podcast_guid_for("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid_for("http://example.org/feed/") == podcast_guid_for("https://example.org/feed")


def test_show_guid_is_computed_from_the_feed_url_once_and_kept_after_a_slug_change(show):
    expected = str(uuid.uuid5(PODCAST_NAMESPACE, "testserver/show/feed"))
    assert show.podcast_guid == expected
    show.slug = "renamed"
    publish(show)
    assert PodcastPage.objects.get(pk=show.pk).podcast_guid == expected


def test_imported_show_guid_wins(blog_index):
    imported = "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    show = make_show(blog_index, podcast_guid=imported)
    assert PodcastPage.objects.get(pk=show.pk).podcast_guid == imported


def test_show_is_locked_by_default(show):
    assert show.feed_locked is True


def test_episode_reads_size_type_and_duration_from_the_upload(show):
    episode = make_episode(show, seconds=7)
    assert episode.duration == 7
    assert episode.audio_type == "audio/mpeg"
    assert episode.audio_size == len(silent_mp3(7))
    assert episode.audio_file.name.startswith("podcast/audio/") and episode.audio_file.name.endswith(".mp3")


def test_episode_guid_is_stable_across_edits_and_republishing(show):
    episode = make_episode(show)
    guid = episode.guid
    uuid.UUID(guid)
    episode.title, episode.slug = "Retitled", "retitled"
    publish(episode)
    episode.save_revision().publish()
    assert EpisodePage.objects.get(pk=episode.pk).guid == guid


def test_imported_episode_guid_is_kept(show):
    assert make_episode(show, guid="https://old.example/?p=12").guid == "https://old.example/?p=12"


def test_episode_with_a_file_that_is_not_audio_is_refused(show):
    episode = EpisodePage(title="Broken", slug="broken", audio_file=ContentFile(b"hello" * 100, name="x.mp3"))
    with pytest.raises(ValidationError) as error:
        episode.clean()
    assert "could not be read as audio/mpeg" in str(error.value)


def test_episode_with_an_unsupported_extension_is_refused(show):
    episode = EpisodePage(title="Wave", slug="wave", audio_file=ContentFile(silent_mp3(1), name="x.wav"))
    with pytest.raises(ValidationError) as error:
        episode.clean()
    assert "ends in “.wav”" in str(error.value)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (image_bytes(1400, 1200), "cover.png", "must be square; this image is 1400×1200 px"),
        (image_bytes(1000), "cover.png", "between 1400×1400 and 3000×3000 px; this image is 1000×1000 px"),
        (image_bytes(3200), "cover.png", "this image is 3200×3200 px"),
        (image_bytes(1400, fmt="GIF", mode="P"), "cover.gif", "must be a JPEG or PNG image; this file is GIF"),
        (image_bytes(1400), "cover.jpg", "the image is a PNG; rename it to end in .png"),
        (b"not an image", "cover.png", "This file is not an image"),
        (image_bytes(1400, fmt="JPEG", mode="CMYK"), "cover.jpg", "RGB colour space; this image is CMYK"),
    ],
)
def test_artwork_rules_give_a_clear_message(data, name, message):
    with pytest.raises(ValidationError) as error:
        validate_artwork(ContentFile(data, name=name))
    assert message in error.value.messages[0]


@pytest.mark.parametrize("size", [1400, 3000])
def test_artwork_within_apples_limits_passes(size):
    validate_artwork(ContentFile(image_bytes(size, fmt="JPEG"), name="cover.jpeg"))


def test_artwork_is_checked_on_the_show(blog_index):
    show = PodcastPage(
        title="Small art", slug="small", description="x", artwork=ContentFile(image_bytes(600), name="a.png")
    )
    with pytest.raises(ValidationError) as error:
        show.full_clean()
    assert "artwork" in error.value.message_dict


def test_categories_come_from_apples_list(show):
    ShowCategory(page=show, category="Arts/Books").full_clean(exclude=["page"])
    with pytest.raises(ValidationError):
        ShowCategory(page=show, category="Arts/Cooking").full_clean(exclude=["page"])


def test_a_new_audio_upload_gets_a_new_url(show):
    episode = make_episode(show)
    old = episode.audio_file.name
    episode.audio_file = ContentFile(silent_mp3(2), name="episode.mp3")
    publish(episode)
    episode.refresh_from_db()
    assert episode.audio_file.name != old
    assert episode.duration == 2
    assert episode.audio_file.storage.exists(old), "the old file stays, so its URL keeps working"


def test_copying_an_episode_or_a_show_gives_new_identities(show):
    episode = make_episode(show)
    copy = episode.copy(update_attrs={"slug": "copy", "title": "Copy"})
    assert copy.guid and copy.guid != episode.guid
    show_copy = show.copy(update_attrs={"slug": "show-copy", "title": "Show copy"}, recursive=True)
    assert show_copy.podcast_guid == str(uuid.uuid5(PODCAST_NAMESPACE, "testserver/show-copy/feed"))
    originals = set(EpisodePage.objects.child_of(show).values_list("guid", flat=True))
    copies = set(EpisodePage.objects.child_of(show_copy).values_list("guid", flat=True))
    assert len(copies) == 2 and not copies & originals


def test_heavy_artwork_gets_a_light_1400px_copy_for_the_feed(client, blog_index):
    heavy = heavy_artwork()
    assert len(heavy) > FEED_MAX_BYTES
    show = make_show(blog_index)
    show.artwork = ContentFile(heavy, name="cover.png")
    publish(show)
    assert show.artwork.size == len(heavy), "the upload itself is kept"
    assert re.search(r"/cover-feed-[0-9a-f]{8}\.jpg$", show.artwork_feed.name)
    assert show.artwork_feed.size <= FEED_MAX_BYTES
    with show.artwork_feed.open("rb") as copy, Image.open(copy) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (1400, 1400), "RGB")
    feed = client.get("/show/feed/").content.decode()
    assert f'<itunes:image href="http://testserver{show.artwork_feed.url}"' in feed
    episode = make_episode(show, image=ContentFile(heavy, name="ep.png"))
    assert episode.image_feed.size <= FEED_MAX_BYTES
    assert re.search(r"/ep-feed-[0-9a-f]{8}\.jpg$", episode.image_href())


def test_light_artwork_is_used_as_uploaded(show):
    assert not show.artwork_feed
    assert show.artwork_href().endswith(show.artwork.name)
