"""Feed guids are given once and never change, and never look like an address a WordPress redirect could claim."""

import importlib

import feedparser
import pytest
from django.apps import apps
from wagtail.models import Site

from blog.models import BlogPage
from tests.builders import make_post

pytestmark = pytest.mark.django_db


def feed_ids(client) -> dict[str, str]:
    feed = feedparser.parse(client.get("/feed/").content)
    return {entry.title: entry.id for entry in feed.entries}


def test_a_new_post_gets_a_tag_uri_at_first_publish_not_a_query_address(client, blog_index):
    post = make_post(blog_index, "Fresh")
    assert post.guid == f"tag:testserver,{post.first_published_at:%Y-%m-%d}:post-{post.pk}"
    assert feed_ids(client) == {"Fresh": post.guid}
    assert "?p=" not in post.guid


def test_a_draft_has_no_guid_until_it_is_published(blog_index):
    draft = make_post(blog_index, "Draft", live=False)
    assert BlogPage.objects.get(pk=draft.pk).guid == ""
    draft.get_latest_revision().publish()
    assert BlogPage.objects.get(pk=draft.pk).guid.startswith("tag:testserver,")


def test_publishing_an_older_revision_or_a_new_host_keeps_the_guid(client, blog_index):
    post = make_post(blog_index, "Kept")
    first = post.get_latest_revision()
    post.title = "Kept, edited"
    post.save_revision().publish()
    first.publish()  # the revision was saved before the post had its guid
    Site.objects.update(hostname="new.example")
    assert BlogPage.objects.get(pk=post.pk).guid == post.guid
    assert feed_ids(client) == {"Kept": post.guid}


def test_a_copied_post_gets_a_guid_of_its_own(blog_index):
    post = make_post(blog_index, "Original")
    copy = post.copy(update_attrs={"slug": "copy", "title": "Copy"})
    assert copy.guid and copy.guid != post.guid


def test_posts_published_before_the_upgrade_keep_the_guid_readers_have_seen(blog_index):
    post = make_post(blog_index, "Old")
    BlogPage.objects.filter(pk=post.pk).update(guid="")
    migration = importlib.import_module("blog.migrations.0003_blogpage_guid")
    migration.keep_published_guids(apps, None)
    assert BlogPage.objects.get(pk=post.pk).guid == f"http://testserver/?p={post.pk}"
