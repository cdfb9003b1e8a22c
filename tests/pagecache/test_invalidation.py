"""Every change a reader could see shows on the very next request, through the real cache
(local memory and Redis): invalidation by content version, never by time."""

import io
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from discussion import moderation
from discussion.models import DiscussionSettings, Response
from podcast.models import EpisodeChapter, EpisodePerson, ShowPlatform
from tests.builders import make_post
from tests.discussion.conftest import make_response
from tests.podcast.builders import make_episode, make_show
from tests.wordpress.test_hostile import comment
from tests.wordpress.test_hostile import post as wxr_post
from wordpress import wxr
from wordpress.importer import import_wordpress

pytestmark = pytest.mark.django_db


def cached(client, path: str) -> str:
    """The page, after proving the copy now kept is the one served."""
    client.get(path)
    again = client.get(path)
    assert again["X-Page-Cache"] == "hit", path
    return again.content.decode()


def fresh(client, path: str) -> str:
    reply = client.get(path)
    assert reply.status_code == 200, path
    return reply.content.decode()


def test_publishing_a_post_shows_on_the_home_page_and_feed(client, real_cache, blog_index, busy_post):
    assert "Brand new" not in cached(client, "/") + cached(client, "/feed/")
    make_post(blog_index, "Brand new")
    assert "Brand new" in fresh(client, "/")
    assert "Brand new" in fresh(client, "/feed/")


def test_unpublishing_and_deleting_a_post_take_it_away(client, real_cache, blog_index, busy_post):
    other = make_post(blog_index, "Short lived")
    assert "Short lived" in cached(client, "/")
    cached(client, other.url)
    other.unpublish()
    assert "Short lived" not in fresh(client, "/")
    assert client.get(other.url).status_code == 404
    assert "Cached post" in cached(client, "/")
    busy_post.delete()
    assert "Cached post" not in fresh(client, "/")
    assert client.get(busy_post.url).status_code == 404


def test_moving_a_page_shows_it_at_its_new_place(client, real_cache, blog_index):
    first, second = (
        make_show(blog_index, "First show", slug="first"),
        make_show(blog_index, "Second show", slug="second"),
    )
    episode = make_episode(first, "Travelling episode")
    assert "Travelling episode" in cached(client, first.url)
    assert "Travelling episode" not in cached(client, second.url)
    episode.move(second, pos="last-child")
    assert "Travelling episode" not in fresh(client, first.url)
    assert "Travelling episode" in fresh(client, second.url)


@pytest.mark.parametrize(
    ("start", "change", "shown"),
    [
        ("pending", "approved", True),
        ("approved", "spam", False),
        ("approved", "trash", False),
    ],
)
def test_moderating_a_response_shows_at_once(client, real_cache, busy_post, start, change, shown):
    response = make_response(busy_post, status=start, content="Moderated words")
    assert ("Moderated words" in cached(client, busy_post.url)) is (start == "approved")
    cached(client, "/discussion/feed/")
    moderation.set_status(Response.objects.get(pk=response.pk), change, reason="test")
    assert ("Moderated words" in fresh(client, busy_post.url)) is shown
    assert ("Moderated words" in fresh(client, "/discussion/feed/")) is shown


def test_editing_and_deleting_an_approved_response(client, real_cache, busy_post):
    response = make_response(busy_post, status="approved", content="First words")
    assert "First words" in cached(client, busy_post.url)
    response = Response.objects.get(pk=response.pk)
    response.content, response.content_html = "Second thoughts", ""  # as the admin's edit form does
    response.save()
    assert "Second thoughts" in fresh(client, busy_post.url)
    assert "Second thoughts" in cached(client, busy_post.url)
    response.delete()
    assert "Second thoughts" not in fresh(client, busy_post.url)


def test_a_held_comment_does_not_empty_the_cache(client, real_cache, busy_post):
    cached(client, busy_post.url)
    make_response(busy_post, status="pending", content="Waiting")
    assert client.get(busy_post.url)["X-Page-Cache"] == "hit"


def test_an_import_shows_its_comments(client, real_cache, blog_index):
    def export(comments: str) -> bytes:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Old</title><link>http://old.example</link>
<wp:wxr_version>1.2</wp:wxr_version>{wxr_post("1", "moved-in", comments, title="Moved in")}</channel></rss>""".encode()

    import_wordpress(wxr.parse(io.BytesIO(export(""))), into=blog_index, fetch_media=False)
    url = "/moved-in/"
    assert "Imported words" not in cached(client, url)
    later = comment("7", comment_content="Imported words", comment_author_email="a@example.com")
    import_wordpress(wxr.parse(io.BytesIO(export(later))), into=blog_index, fetch_media=False)
    assert "Imported words" in fresh(client, url)


def test_author_category_and_tag_changes_show_on_posts_and_archives(client, real_cache, busy_post):
    assert "Grace Author" in cached(client, busy_post.url)
    author = busy_post.authors.get()
    author.name = "Grace Renamed"
    author.save()
    assert "Grace Renamed" in fresh(client, busy_post.url)
    assert "Essays" in cached(client, "/category/essays/")
    category = busy_post.categories.get()
    category.name = "Long reads"
    category.save()
    assert "Long reads" in fresh(client, "/category/essays/")
    tag = busy_post.tags.get()
    assert "caching" in cached(client, busy_post.url)
    tag.name = "page-caching"
    tag.save()
    assert "page-caching" in fresh(client, busy_post.url)


def test_saving_discussion_settings_renders_pages_again(client, real_cache, blog_index, busy_post):
    cached(client, busy_post.url)
    from wagtail.models import Site

    settings_row = DiscussionSettings.for_site(Site.objects.get())
    settings_row.blocked_words = "casino"
    settings_row.save()
    assert client.get(busy_post.url)["X-Page-Cache"] == "miss"


def test_a_new_episode_shows_on_the_show_page_and_in_its_feed(client, real_cache, blog_index):
    show = make_show(blog_index)
    make_episode(show, "Pilot")
    assert "Second episode" not in cached(client, show.url) + cached(client, show.url + "feed/")
    make_episode(show, "Second episode")
    assert "Second episode" in fresh(client, show.url)
    assert "Second episode" in fresh(client, show.url + "feed/")


def test_an_episodes_rows_written_without_a_revision_show_at_once(client, real_cache, blog_index):
    """Chapters, guests and the show's directory links, written alone (as a script or an import might)."""
    show = make_show(blog_index)
    episode = make_episode(show, "Pilot")
    assert "Listen on Spotify" not in cached(client, episode.url)
    EpisodeChapter.objects.create(page_id=episode.pk, start_time=0, title="Cold open")
    EpisodePerson.objects.create(page_id=episode.pk, name="Grace Guest", role="guest")
    link = ShowPlatform.objects.create(page_id=show.pk, platform="spotify", url="https://open.spotify.com/show/abc")
    html = fresh(client, episode.url)
    assert "</time> Cold open</a>" in html and "<li>Grace Guest (guest)</li>" in html
    assert '<a href="https://open.spotify.com/show/abc">Listen on Spotify</a>' in html
    assert "Listen on Spotify" in cached(client, episode.url)
    link.delete()
    assert "Listen on Spotify" not in fresh(client, episode.url)


def test_a_scheduled_episode_appears_when_its_time_comes(client, real_cache, blog_index, monkeypatch):
    show = make_show(blog_index)
    make_episode(show, "Pilot")
    soon = timezone.now() + timedelta(seconds=30)
    make_episode(show, "Released later", date=soon)
    assert "Released later" not in cached(client, show.url) + cached(client, show.url + "feed/")
    later = time.time() + 31
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(timezone, "now", lambda: soon + timedelta(seconds=1))
    assert "Released later" in fresh(client, show.url)
    assert "Released later" in fresh(client, show.url + "feed/")


def test_comments_closing_with_age_close_the_cached_form(client, real_cache, blog_index, settings, monkeypatch):
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 1
    post = make_post(blog_index, "Closing soon", date=timezone.now() - timedelta(days=1) + timedelta(seconds=30))
    assert 'class="comment-form"' in cached(client, post.url)
    later = time.time() + 31
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(timezone, "now", lambda: post.date + timedelta(days=1, seconds=1))
    assert 'class="comment-form"' not in fresh(client, post.url)
