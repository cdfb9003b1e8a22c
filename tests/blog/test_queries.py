"""Pages cost a constant number of SQL queries, however much content they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pagecache import version
from tests.builders import make_author, make_category, make_post


def query_count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_listing_query_count_does_not_grow_with_posts(client, blog_index, settings):
    settings.PAGE_CACHE = False
    settings.BLOG_POSTS_PER_PAGE = 20
    author = make_author()
    category = make_category("News")
    make_post(blog_index, "One", authors=[author], categories=[category], tags=["a"])
    query_count(client, "/")  # warm per-process caches (site root paths)
    few = query_count(client, "/")
    query_count(client, "/feed/")  # warm per-process caches for the feed too
    version.bump()
    feed = query_count(client, "/feed/")  # a feed is built once per content version: its first render
    for n in range(15):
        make_post(blog_index, f"Post {n}", authors=[author], categories=[category], tags=["a", f"t{n}"])
    query_count(client, "/")  # the first render after a change builds this version's fragments (pagecache)
    assert query_count(client, "/") == few
    version.bump()
    assert query_count(client, "/feed/") == feed


@pytest.mark.django_db
def test_post_page_has_a_small_constant_query_count(client, blog_index, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE = False
    authors = [make_author(f"Author {n}") for n in range(5)]
    categories = [make_category(f"Category {n}") for n in range(5)]
    post = make_post(
        blog_index, "Busy post", authors=authors, categories=categories, tags=[f"tag {n}" for n in range(10)]
    )
    client.get(post.url)  # warm per-process caches (site root paths)
    with django_assert_max_num_queries(15):
        response = client.get(post.url)
    assert "Busy post" in response.content.decode()
