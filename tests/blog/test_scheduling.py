"""A future publish date schedules a post; it never goes live early, and goes live dated as scheduled."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import BlogPage
from blog.scheduling import align_publish_date
from tests.builders import make_post


def editor_form(title: str, date: str, **extra) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "date": date,
            "intro": "",
            "body": streamfield([("paragraph", rich_text("<p>Words.</p>"))]),
            "tags": "",
            "canonical_url": "",
            "og_title": "",
            "og_description": "",
            "accept_comments": "on",
            "accept_linkbacks": "on",
            "action-publish": "action-publish",
            **extra,
        }
    )


def unsaved_post(**dates) -> SimpleNamespace:
    """What align_publish_date reads and writes of a post, without a database."""
    return SimpleNamespace(**{"go_live_at": None, **dates})


def test_future_date_becomes_the_go_live_time():
    now = timezone.now()
    post = unsaved_post(date=now + timedelta(days=2))
    align_publish_date(post, now)
    assert post.go_live_at == post.date


def test_go_live_time_becomes_the_public_date():
    now = timezone.now()
    post = unsaved_post(date=now - timedelta(days=3), go_live_at=now + timedelta(hours=5))
    align_publish_date(post, now)
    assert post.date == post.go_live_at


def test_past_dates_are_left_alone():
    now = timezone.now()
    earlier = now - timedelta(days=400)
    post = unsaved_post(date=earlier, go_live_at=now - timedelta(days=1))
    align_publish_date(post, now)
    assert post.date == earlier


@pytest.mark.django_db
def test_publishing_a_post_dated_in_the_future_schedules_it(admin_client, client, blog_index):
    make_post(blog_index, "Already out")
    future = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=("blog", "blogpage", blog_index.pk)),
        editor_form("Next week's news", future.strftime("%Y-%m-%d %H:%M"), slug="next-weeks-news"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = BlogPage.objects.get(slug="next-weeks-news")
    assert not post.live
    assert post.go_live_at == future
    assert client.get("/next-weeks-news/").status_code == 404
    assert "Next week" not in client.get("/").content.decode()
    assert "Next week" not in client.get("/feed/").content.decode()

    # The go-live time arrives and the scheduler publishes it, dated when it went live.
    with mock.patch("django.utils.timezone.now", return_value=future + timedelta(minutes=1)):
        call_command("publish_scheduled")
    post.refresh_from_db()
    assert post.live and post.date == future
    assert client.get("/next-weeks-news/").status_code == 200


@pytest.mark.django_db
def test_post_scheduled_in_the_dialog_shows_its_go_live_date(admin_client, blog_index):
    post = make_post(blog_index, "Drafted long ago", live=False, date=timezone.now() - timedelta(days=10))
    go_live = timezone.localtime(timezone.now() + timedelta(hours=6)).replace(second=0, microsecond=0)
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=(post.pk,)),
        editor_form(
            "Drafted long ago",
            timezone.localtime(post.date).strftime("%Y-%m-%d %H:%M"),
            slug=post.slug,
            go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = Page.objects.get(pk=post.pk).specific
    assert not post.live
    assert post.latest_revision.as_object().date == go_live
