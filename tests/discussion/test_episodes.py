"""Podcast episodes take responses exactly like blog posts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from discussion.models import Response
from tests.discussion.conftest import post_comment
from tests.podcast.builders import make_episode, make_show

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(blog_index, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_episode(make_show(blog_index), "Episode one")


def test_listener_comments_on_an_episode(client, episode):
    assert post_comment(client, episode, content="Great episode").status_code == 303
    html = client.get(episode.url).content.decode()
    assert "One response to “Episode one”" in html and "Great episode" in html
    feed = client.get(reverse("discussion:page_feed", args=[episode.pk])).content.decode()
    assert "Great episode" in feed


def test_errors_on_an_episode_come_back_on_the_episode_page(client, episode):
    reply = post_comment(client, episode, author_email="nope", content="Keep my words")
    assert reply.status_code == 400
    html = reply.content.decode()
    assert "Episode one" in html and "Keep my words" in html and "Enter a valid email address." in html
    assert not Response.objects.exists()


def test_episodes_close_after_n_days_from_their_publish_date(client, blog_index, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 14
    show = make_show(blog_index)
    old = make_episode(show, "Old one", date=timezone.now() - timedelta(days=30))
    assert "Comments close 14 days after publication" in client.get(old.url).content.decode()
    assert post_comment(client, old).status_code == 403
