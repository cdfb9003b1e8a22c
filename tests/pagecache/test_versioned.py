"""Without the page cache, the parts of a page kept per content version (`{% versioned %}`: a post's
article and meta, a listing's cards, the site's header and footer) change with the content at once,
are kept apart per listing page, archive and host, and never show a preview's draft to a reader."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Collection

from tests.builders import make_category, make_image, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold(settings):
    settings.PAGE_CACHE = False


def render(client, path: str, **headers) -> str:
    """The page, rendered twice so the second comes from what the first kept."""
    client.get(path, **headers)
    reply = client.get(path, **headers)
    assert reply.status_code == 200, path
    assert "X-Page-Cache" not in reply
    return reply.content.decode()


def publish_edit(post, **fields) -> None:
    for name, value in fields.items():
        setattr(post, name, value)
    post.save_revision().publish()


def test_an_edited_post_shows_at_once_on_its_page_and_the_listing(client, blog_index):
    post = make_post(blog_index, "First words", body="<p>Old body.</p>")
    assert "First words" in render(client, post.url) and "First words" in render(client, "/")
    publish_edit(post, title="Second words", body=[("paragraph", "<p>New body.</p>")])
    page, listing = render(client, post.url), render(client, "/")
    assert '<h1 class="p-name">Second words</h1>' in page
    assert '<meta property="og:title" content="Second words">' in page
    assert "New body." in page and "Old body." not in page
    assert "Second words" in listing and "First words" not in listing


def test_a_new_post_and_a_new_category_show_in_the_header_footer_and_listing(client, blog_index):
    make_post(blog_index, "Older")
    assert "Travel" not in render(client, "/")
    make_post(blog_index, "Newer", categories=[make_category("Travel")])
    home = render(client, "/")
    assert "Newer" in home
    assert '<a href="/category/travel/">Travel</a>' in home  # the footer's categories


def test_each_listing_page_and_archive_has_its_own_cards(client, blog_index, settings):
    settings.BLOG_POSTS_PER_PAGE = 1
    essays = make_category("Essays")
    make_post(blog_index, "Older essay", date=timezone.now() - timedelta(days=2), categories=[essays])
    make_post(blog_index, "Newest note")
    first, second = render(client, "/"), render(client, "/?page=2")
    assert "Newest note" in first and "Older essay" not in first
    assert "Older essay" in second and "Newest note" not in second
    assert "Page 2 of 2" in second
    archive = render(client, "/category/essays/")
    assert "Older essay" in archive and "Newest note" not in archive


def test_absolute_addresses_follow_the_request_host(client, blog_index, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    post = make_post(blog_index, "Pictured", featured_image=make_image(Collection.get_first_root_node()))
    assert 'content="http://testserver/media/' in render(client, post.url)
    elsewhere = render(client, post.url, HTTP_HOST="other.example")
    assert 'content="http://other.example/media/' in elsewhere
    assert "http://testserver/media/" not in elsewhere


def test_a_preview_shows_its_draft_and_readers_still_get_the_live_post(client, blog_index):
    post = make_post(blog_index, "Live title", body="<p>Live body.</p>")
    render(client, post.url)
    draft = post.specific
    draft.title = "Draft title"
    draft.body = [("paragraph", "<p>Draft body.</p>")]
    preview = draft.make_preview_request().content.decode()
    assert "Draft title" in preview and "Draft body." in preview
    assert "Live body." not in preview
    live = render(client, post.url)
    assert "Live body." in live and "Draft" not in live


def test_linkback_endpoints_and_the_trackback_url_go_when_the_post_closes_with_age(
    client, blog_index, settings, monkeypatch
):
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 1
    post = make_post(blog_index, "Closing soon", date=timezone.now() - timedelta(days=1) + timedelta(seconds=30))
    page = render(client, post.url)
    assert '<link rel="pingback"' in page and "Trackback URL:" in page
    monkeypatch.setattr(timezone, "now", lambda: post.date + timedelta(days=1, seconds=1))
    page = render(client, post.url)
    assert '<link rel="pingback"' not in page and "Trackback URL:" not in page
