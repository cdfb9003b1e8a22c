"""A page's child rows in one query, kept per content version, never stale and never the draft's."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from pagecache import clusters, version
from podcast.models import EpisodeChapter, EpisodePerson, ShowPlatform
from tests.podcast.builders import make_episode, make_show, publish

pytestmark = pytest.mark.django_db
RELATIONS = ("chapters", "transcripts", "persons")


@pytest.fixture
def episode(blog_index, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    show = make_show(blog_index)
    show.platforms.create(platform="spotify", url="https://open.spotify.com/show/abc")
    show.platforms.create(platform="apple", url="https://podcasts.apple.com/podcast/id1")
    episode = make_episode(publish(show), "Pilot")
    episode.chapters.create(start_time=90.25, title="Later, entered first", toc=False)
    episode.chapters.create(start_time=0, title="Intro", url="https://example.org/intro")
    episode.transcripts.create(file=ContentFile(b"WEBVTT\n", name="t.vtt"), language="en", captions=True)
    episode.persons.create(name="Grace Guest", role="guest", group="cast", href="https://grace.example/")
    return publish(episode)  # the rows are held in memory until the page is saved


def read(episode) -> list[list]:
    return clusters.rows([*((episode, name) for name in RELATIONS), (episode.show, "platforms")])


def through_managers(episode) -> list[list]:
    fresh = type(episode).objects.get(pk=episode.pk)
    return [list(getattr(fresh, name).all()) for name in RELATIONS] + [list(fresh.show.platforms.all())]


def as_values(relations: list[list]) -> list[list[dict]]:
    return [[model_to_dict(row) | {"pk": row.pk, "class": type(row)} for row in rows] for rows in relations]


def child_queries(captured) -> int:
    return sum("podcast_" in query["sql"] for query in captured)


def test_the_rows_of_several_relations_come_in_one_query_as_their_managers_give_them(episode):
    with CaptureQueriesContext(connection) as captured:
        found = read(episode)
        assert [row.page for row in found[0]] == [episode, episode]  # their page, without a query
        assert found[3][0].page is episode.show
    assert child_queries(captured) == 1
    assert as_values(found) == as_values(through_managers(episode))
    assert [chapter.title for chapter in found[0]] == ["Intro", "Later, entered first"]  # the chapters' order
    assert found[0][1].start_time == 90.25 and found[0][1].toc is False and found[1][0].captions is True
    assert found[1][0].file.name == episode.transcripts.get().file.name
    assert [link.get_platform_display() for link in found[3]] == ["Spotify", "Apple Podcasts"]


def test_the_rows_are_read_once_per_content_version(episode):
    read(episode)
    with CaptureQueriesContext(connection) as captured:
        again = read(episode)
    assert child_queries(captured) == 0
    assert as_values(again) == as_values(through_managers(episode))


def test_rows_written_without_their_page_show_on_the_next_read(episode):
    """As an importer or a shell might: the row alone, its page not loaded with it."""
    read(episode)
    EpisodeChapter.objects.create(page_id=episode.pk, start_time=30, title="Added alone")
    assert [c.title for c in read(episode)[0]] == ["Intro", "Added alone", "Later, entered first"]
    guest = EpisodePerson.objects.get(name="Grace Guest")
    guest.name = "Grace Renamed"
    guest.save()
    assert [person.name for person in read(episode)[2]] == ["Grace Renamed"]
    ShowPlatform.objects.get(platform="spotify").delete()
    assert [link.platform for link in read(episode)[3]] == ["apple"]
    assert as_values(read(episode)) == as_values(through_managers(episode))


def test_rows_held_in_memory_are_read_from_it(episode):
    """A preview or a revision's page: what it holds is not the database's state."""
    read(episode)
    draft = episode.get_latest_revision_as_object()
    draft.chapters = [EpisodeChapter(start_time=5, title="Only in the draft")]
    with CaptureQueriesContext(connection) as captured:
        chapters = clusters.rows([(draft, "chapters")])[0]
    assert [chapter.title for chapter in chapters] == ["Only in the draft"]
    assert child_queries(captured) == 0


def test_a_drafts_child_rows_leave_the_version_alone(blog_index):
    show = make_show(blog_index)
    before = version.current()
    draft = make_episode(show, "Draft", live=False, audio=False)
    draft.chapters = [EpisodeChapter(start_time=0, title="Draft chapter")]
    draft.save()
    assert draft.chapters.count() == 1
    assert version.current() == before
