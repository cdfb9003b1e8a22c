"""What each page type tells the discussion: its date, who is emailed, whether it takes linkbacks."""

import xmlrpc.client
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import BlogIndexPage, BlogPage
from discussion.models import takes_linkbacks
from podcast.models import PodcastPage
from tests.builders import make_author, make_post
from tests.discussion.conftest import post_comment
from tests.podcast.builders import make_episode, make_show
from wordpress.models import StandardPage

pytestmark = pytest.mark.django_db


def test_a_post_closes_by_the_date_readers_see_not_by_when_it_was_published_here(client, blog_index, settings):
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 14
    imported = make_post(blog_index, "From 2011", date=timezone.now() - timedelta(days=365))
    assert imported.first_published_at > timezone.now() - timedelta(days=1)
    assert imported.discussion_published_at() == imported.date
    assert not imported.comments_open() and not imported.linkbacks_open()
    assert post_comment(client, imported).status_code == 403


def test_an_episode_closes_by_its_pub_date(blog_index, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 14
    old = make_episode(make_show(blog_index), "Old one", date=timezone.now() - timedelta(days=30))
    assert old.discussion_published_at() == old.pub_date
    assert not old.comments_open()


def test_a_standard_page_never_closes_with_age_as_in_wordpress(blog_index, settings):
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 14
    about = StandardPage(title="About", slug="about", body=[("paragraph", "<p>Me.</p>")])
    blog_index.add_child(instance=about)
    about.save_revision().publish()
    StandardPage.objects.filter(pk=about.pk).update(first_published_at=timezone.now() - timedelta(days=3650))
    about.refresh_from_db()
    assert about.discussion_closes_at() is None
    assert about.comments_open() and about.linkbacks_open()


def test_post_recipients_are_its_authors_else_its_owner(blog_index, admin_user):
    writer = make_author("Wanda", email="wanda@example.com")
    silent = make_author("Silent")
    assert make_post(blog_index, "Written", authors=[writer, silent]).discussion_recipients() == ["wanda@example.com"]
    assert make_post(blog_index, "Owned", authors=[silent], owner=admin_user).discussion_recipients() == [
        admin_user.email
    ]


def test_a_page_type_that_refuses_linkbacks_is_refused_by_every_protocol(client, blog_index, monkeypatch):
    post = make_post(blog_index, "No linkbacks here")
    monkeypatch.setattr(BlogPage, "accepts_linkbacks", lambda self: False)
    post.refresh_from_db()
    assert not takes_linkbacks(post) and not post.linkbacks_open()
    page = client.get(post.url)
    assert "X-Pingback" not in page and b'rel="pingback"' not in page.content
    call = xmlrpc.client.dumps(("https://alice.example/p", post.full_url), "pingback.ping")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(client.post("/xmlrpc/", call, content_type="text/xml").content)
    assert fault.value.faultCode == 0x21
    trackback = client.post(
        post.url + "trackback/", "url=https%3A%2F%2Falice.example%2Fp&title=Hi", "application/x-www-form-urlencoded"
    )
    assert b"<error>1</error><message>This page does not take trackbacks.</message>" in trackback.content
    mention = client.post("/webmention/", {"source": "https://alice.example/p", "target": post.full_url})
    assert mention.status_code == 400


def test_the_blog_holds_posts_shows_and_pages_without_naming_them():
    allowed = set(BlogIndexPage.allowed_subpage_models())
    assert {BlogPage, PodcastPage, StandardPage} <= allowed
    assert BlogIndexPage not in allowed
