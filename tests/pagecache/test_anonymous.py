"""An anonymous read of anything public sets no cookie, does not vary on cookies, and can be shared."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import parse_http_date

from blog.models import BlogPage
from pagecache.middleware import entry_key
from tests.builders import make_post
from tests.discussion.conftest import make_response
from tests.podcast.builders import make_episode, make_show

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_paths(blog_index, busy_post):
    make_response(busy_post, status="approved", content="A shared comment.")
    show = make_show(blog_index)
    episode = make_episode(show, "Pilot")
    year = busy_post.date.year
    return [
        "/",
        "/?page=2",
        busy_post.url,
        f"{busy_post.url}?replyto=1",
        f"/{year}/",
        f"/{year}/{busy_post.date.month:02d}/",
        "/category/essays/",
        "/tag/caching/",
        f"/author/{busy_post.authors.first().slug}/",
        "/search/?q=cached",
        "/feed/",
        "/feed/atom/",
        "/category/essays/feed/",
        "/discussion/feed/",
        f"/discussion/{busy_post.pk}/feed/",
        show.url,
        episode.url,
        show.url + "feed/",
        "/sitemap.xml",
        "/robots.txt",
    ]


@pytest.mark.parametrize("method", ["get", "head"])
def test_public_reads_set_no_cookie_and_do_not_vary_on_cookies(client, public_paths, method):
    for path in public_paths:
        for attempt in ("first (rendered)", "second (from the cache)"):
            reply = getattr(client, method)(path)
            assert reply.status_code == 200, (path, attempt)
            assert not reply.cookies, (path, attempt, reply.cookies)
            assert "cookie" not in reply.get("Vary", "").lower(), (path, attempt, reply["Vary"])
            assert "private" not in reply.get("Cache-Control", ""), (path, attempt)


def test_pages_say_a_shared_cache_may_keep_them_briefly(client, busy_post, settings):
    settings.PAGE_CACHE_S_MAXAGE = 2
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 30
    for path in ("/", busy_post.url, "/feed/", "/discussion/feed/"):
        directives = {d.strip() for d in client.get(path)["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=0", "s-maxage=2", "stale-while-revalidate=30"}, path


@pytest.mark.parametrize("page_cache", [True, False])
def test_pages_answer_etag_and_304(client, busy_post, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    for path in ("/", busy_post.url, "/feed/", "/discussion/feed/"):
        first = client.get(path)
        etag = first["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again["ETag"] == etag
        assert not again.content
        assert client.get(path, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_conditional_request_that_misses_still_stores_the_page(client, busy_post, rf):
    """A proxy revalidates with If-None-Match; when the app's entry is gone, the page is rendered and
    stored whole, and only then is the condition answered, so the next request is a hit."""
    etag = client.get(busy_post.url)["ETag"]
    cache.delete(entry_key(rf.get(busy_post.url)))
    revalidated = client.get(busy_post.url, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    hit = client.get(busy_post.url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["ETag"] == etag


def test_a_hit_answers_head_with_headers_and_no_body(client, busy_post):
    client.get(busy_post.url)
    head = client.head(busy_post.url)
    assert head["X-Page-Cache"] == "hit"
    assert head.status_code == 200 and not head.content
    assert int(head["Content-Length"]) > 1000


SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def test_a_hit_carries_the_security_headers_of_the_render(client, busy_post):
    """Hits are answered before the security and CSP middleware, with the headers the page was stored with."""
    miss = client.get(busy_post.url)
    hit = client.get(busy_post.url)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert {name: hit.get(name) for name in SECURITY_HEADERS} == {name: miss.get(name) for name in SECURITY_HEADERS}


def test_nginx_is_told_to_keep_a_page_no_longer_than_s_maxage(client, busy_post, settings):
    """nginx keeps a page while its whole-second clock reads at most the second given (`@t`)."""
    settings.PAGE_CACHE_S_MAXAGE = 3
    for expected in ("miss", "hit"):
        before = time.time()
        reply = client.get(busy_post.url)
        assert reply["X-Page-Cache"] == expected
        fresh_until = int(reply["X-Accel-Expires"].removeprefix("@")) + 1
        assert before + 1 < fresh_until <= time.time() + 3, expected


def test_static_files_pass_the_page_cache_by(client, settings):
    settings.STATIC_URL = "/static/"
    reply = client.get("/static/css/site.css")
    assert reply.status_code == 200 and "X-Page-Cache" not in reply
    assert not cache.get(entry_key(reply.wsgi_request))


def test_last_modified_is_never_later_than_the_response(client, blog_index, busy_post):
    BlogPage.objects.filter(pk=busy_post.pk).update(last_published_at=timezone.now() - timedelta(hours=1))
    future = make_post(blog_index, "From the future", date=timezone.now() + timedelta(days=30))
    BlogPage.objects.filter(pk=future.pk).update(last_published_at=None)  # as an import may leave it
    show = make_show(blog_index)
    make_episode(show, "Pilot")
    busy_post.save()  # a content change, so the pages above are rendered afresh
    for path in ("/feed/", "/feed/atom/", "/discussion/feed/", f"/discussion/{busy_post.pk}/feed/", show.url + "feed/"):
        reply = client.get(path)
        assert parse_http_date(reply["Last-Modified"]) <= time.time(), path
    for path in ("/", future.url, busy_post.url, show.url):
        reply = client.get(path)
        assert not reply.has_header("Last-Modified") or parse_http_date(reply["Last-Modified"]) <= time.time(), path
    stamp = client.get("/feed/")["Last-Modified"]
    # HTTP dates count whole seconds: a post in the stamp's own second is invisible to If-Modified-Since
    # by the protocol, so the next post is published once that second is over (as a reader's next visit is).
    deadline = time.monotonic() + 3
    while time.time() < parse_http_date(stamp) + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    make_post(blog_index, "Published after the reader's last visit", date=timezone.now())
    reply = client.get("/feed/", headers={"If-Modified-Since": stamp})
    assert reply.status_code == 200
    assert "Published after the reader" in reply.content.decode()
