from datetime import datetime, timedelta

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from tests.builders import make_author, make_category, make_post


def parse(response):
    assert response.status_code == 200
    return feedparser.parse(
        response.content,
        response_headers={"content-type": response["Content-Type"], "content-location": "http://testserver/"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )


@pytest.fixture
def posts(blog_index):
    grace = make_author("Grace Hopper")
    news = make_category("News")
    older = make_post(
        blog_index,
        "Older post",
        intro="The summary.",
        body="<p>Full <em>older</em> body.</p>",
        date=timezone.make_aware(datetime(2024, 1, 2, 9, 30)),
        authors=[grace],
        categories=[news],
    )
    newer = make_post(
        blog_index,
        "Newer post",
        body="<p>Newer body.</p>",
        tags=["rss"],
        date=timezone.make_aware(datetime(2024, 2, 3, 10, 0)),
    )
    return older, newer


@pytest.mark.django_db
def test_rss_feed_has_full_content_summary_author_categories_and_dates(client, posts):
    feed = parse(client.get("/feed/"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert feed.feed.title == "Test Blog"
    assert [entry.title for entry in feed.entries] == ["Newer post", "Older post"]
    older = feed.entries[1]
    assert older.link == "http://testserver/older-post/"
    assert older.summary == "The summary."
    assert "Full <em>older</em> body." in older.content[0].value
    assert older.author == "Grace Hopper"
    assert {tag.term for tag in older.tags} == {"News"}
    assert older.published_parsed[:5] == (2024, 1, 2, 9, 30)


@pytest.mark.django_db
def test_guid_is_stable_when_the_post_is_renamed(client, posts):
    older, _ = posts
    guid_before = parse(client.get("/feed/")).entries[1].id
    older.title, older.slug = "Renamed", "renamed"
    older.save_revision().publish()
    entry = parse(client.get("/feed/")).entries[1]
    assert entry.id == guid_before == f"tag:testserver,{older.first_published_at:%Y-%m-%d}:post-{older.pk}"
    assert entry.guidislink is False
    assert entry.link == "http://testserver/renamed/"


@pytest.mark.django_db
def test_atom_feed_is_valid_with_content(client, posts):
    feed = parse(client.get("/feed/atom/"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == ["Newer post", "Older post"]
    assert "Full <em>older</em> body." in feed.entries[1].content[0].value
    assert feed.entries[1].updated_parsed is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "titles"),
    [
        ("/category/news/feed/", ["Older post"]),
        ("/tag/rss/feed/", ["Newer post"]),
        ("/author/grace-hopper/feed/", ["Older post"]),
        ("/category/news/feed/atom/", ["Older post"]),
    ],
)
def test_archive_feeds_hold_only_their_posts(client, posts, path, titles):
    feed = parse(client.get(path))
    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == titles


@pytest.mark.django_db
def test_drafts_never_reach_the_feed(client, posts, blog_index):
    make_post(blog_index, "Secret draft", live=False)
    assert "Secret draft" not in client.get("/feed/").content.decode()


@pytest.mark.django_db
def test_attached_media_becomes_an_enclosure(client, blog_index):
    audio = Document(title="Episode audio")
    audio.file.save("episode.mp3", ContentFile(b"ID3" + b"\0" * 1021), save=False)
    audio.save()
    make_post(blog_index, "With audio", attachment=audio)
    entry = parse(client.get("/feed/")).entries[0]
    enclosure = entry.enclosures[0]
    assert enclosure.href.startswith("http://testserver/") and enclosure.href.endswith(".mp3")
    assert enclosure.type == "audio/mpeg"
    assert enclosure.length == "1024"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/tag/rss/feed/"])
def test_feeds_answer_conditional_get_with_304(client, posts, path):
    first = client.get(path)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.django_db
def test_feed_changes_its_etag_when_a_post_is_published(client, posts, blog_index):
    first = client.get("/feed/")
    make_post(blog_index, "Brand new", date=timezone.now() - timedelta(minutes=1))
    again = client.get("/feed/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "Brand new" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/hello-world/", "/category/news/", "/tag/rss/", "/2024/"])
def test_pages_advertise_their_feeds(client, posts, post, path):
    html = client.get(path).content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Test Blog (RSS)" href="/feed/">' in html
    assert '<link rel="alternate" type="application/atom+xml" title="Test Blog (Atom)" href="/feed/atom/">' in html


@pytest.mark.django_db
def test_archive_pages_advertise_their_own_feed(client, posts):
    html = client.get("/category/news/").content.decode()
    assert 'title="Test Blog » News (RSS)" href="/category/news/feed/"' in html


@pytest.mark.django_db
def test_post_page_advertises_its_responses_feed(client, post):
    html = client.get(post.url).content.decode()
    assert f'href="/discussion/{post.pk}/feed/"' in html


@pytest.mark.django_db
def test_feed_content_links_are_absolute_so_readers_can_follow_them(client, blog_index):
    make_post(blog_index, "Linking", body='<p>See <a href="/older-post/">the older post</a>.</p>')
    content = parse(client.get("/feed/")).entries[0].content[0].value
    assert '<a href="http://testserver/older-post/">the older post</a>' in content


@pytest.mark.django_db
def test_feeds_carry_the_featured_image_as_media_content(client, blog_index):
    from wagtail.images.models import Image

    from tests.podcast.builders import image_bytes

    picture = Image.objects.create(title="Cover", file=ContentFile(image_bytes(640, 360, "JPEG"), name="cover.jpg"))
    make_post(blog_index, "Illustrated", featured_image=picture)
    make_post(blog_index, "Plain")
    for url in ("/feed/", "/feed/atom/"):
        entries = {entry.title: entry for entry in parse(client.get(url)).entries}
        media = entries["Illustrated"].media_content
        assert len(media) == 1
        assert media[0]["url"].startswith("http://testserver/") and media[0]["url"].endswith(".jpg")
        assert media[0]["medium"] == "image" and media[0]["type"] == "image/jpeg"
        assert (media[0]["width"], media[0]["height"]) == ("640", "360")
        assert "media_content" not in entries["Plain"]


@pytest.mark.django_db
def test_atom_entry_without_an_author_falls_back_to_the_feed_author(client, blog_index):
    make_post(blog_index, "Anonymous post")
    feed = parse(client.get("/feed/atom/"))
    assert feed.bozo == 0
    assert feed.feed.author == "Test Blog"
    assert feed.entries[0].author == "Test Blog"
