"""Chapter and soundbite times are typed and shown as h:mm:ss, not as a count of seconds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from podcast.demo import silent_mp3
from podcast.models import EpisodePage
from podcast.timecode import format_timecode, parse_timecode
from tests.podcast.test_admin import episode_form


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:02:03", 3723), ("2:05", 125), ("95", 95), ("0:00:10.5", 10.5), (" 12:00 ", 720), ("1:00:00", 3600)],
)
def test_times_people_write_are_read_as_seconds(text, seconds):
    assert parse_timecode(text) == seconds


@pytest.mark.parametrize("text", ["", "1:2:3:4", "1:75", "2:60", "abc", "-5", "1:02:03x", "١٢", "²"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_timecode(text)


@given(st.floats(min_value=0, max_value=100_000).map(lambda s: round(s, 3)))
def test_shown_times_read_back_as_the_same_seconds(seconds):
    assert parse_timecode(format_timecode(seconds, fraction=True)) == pytest.approx(seconds, abs=1e-3)


def test_players_show_whole_seconds():
    assert (format_timecode(3723.4), format_timecode(125), format_timecode(0)) == ("1:02:03", "2:05", "0:00")


@pytest.mark.django_db
def test_editor_types_chapter_times_as_h_mm_ss_and_sees_them_so(admin_client, show):
    chapters = inline_formset([{"start_time": "0:00", "title": "Hello"}, {"start_time": "1:02:03", "title": "Later"}])
    audio = SimpleUploadedFile("talk.mp3", silent_mp3(6), content_type="audio/mpeg")
    data = episode_form(audio_file=audio) | nested_form_data({"chapters": chapters})
    response = admin_client.post(f"/admin/pages/add/podcast/episodepage/{show.pk}/", data)
    assert response.status_code == 302
    episode = EpisodePage.objects.get(slug="admin-episode")
    assert [c.start_time for c in episode.chapters.all()] == [0, 3723]
    edit = admin_client.get(f"/admin/pages/{episode.pk}/edit/").content.decode()
    assert 'value="1:02:03"' in edit

    wrong = episode_form() | nested_form_data({"chapters": inline_formset([{"start_time": "1:75", "title": "No"}])})
    response = admin_client.post(f"/admin/pages/{episode.pk}/edit/", wrong)
    assert response.status_code == 200
    assert "h:mm:ss" in response.content.decode()
