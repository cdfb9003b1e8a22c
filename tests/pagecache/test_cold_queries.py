"""Without the page cache, pages cost a constant number of SQL queries, however many posts, episodes
or responses there are, measured at two sizes: at most 10 on the first render after a change, which
builds this content version's fragments (site, navigation, restrictions, discussion switches,
thread, feed bodies), and fewer on the renders after it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection

from pagecache import version
from tests.builders import make_author, make_category, make_document, make_image, make_post
from tests.discussion.test_performance import add_thread
from tests.podcast.builders import make_episode, make_show

pytestmark = pytest.mark.django_db
LIMIT = 10
EPISODE_PAGES = ("/show/pilot/",)  # the show's first episode (make_show, make_episode)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        reply = client.get(path)
    assert reply.status_code == 200, path
    assert "X-Page-Cache" not in reply
    return len(captured)


def cold_queries(client, path: str) -> tuple[int, int]:
    """(first render after a content change, the renders after it), without the page cache."""
    client.get(path)  # image renditions are made on a page's first render ever, not per version
    version.bump()  # a content change: every fragment and feed is built again
    return count(client, path), count(client, path)


def add_posts(index, count: int, start: int, authors, categories, collection) -> list:
    return [
        make_post(
            index,
            f"Post {start + n}",
            authors=authors,
            categories=categories,
            tags=["shared", f"tag-{start + n}"],
            featured_image=make_image(collection, f"p{start + n}.png"),
            attachment=make_document(collection, f"p{start + n}.pdf"),
        )
        for n in range(count)
    ]


def paths(post, show, episode) -> list[str]:
    year, month = post.date.year, f"{post.date.month:02d}"
    return [
        "/",
        post.url,
        f"{post.url}?replyto={post.responses.first().pk}",
        f"/{year}/",
        f"/{year}/{month}/",
        "/category/essays/",
        "/tag/shared/",
        "/author/ada-writer/",
        "/category/",
        "/search/?q=post",
        "/feed/",
        "/feed/atom/",
        "/category/essays/feed/",
        "/discussion/feed/",
        f"/discussion/{post.pk}/feed/",
        show.url,
        episode.url,
        show.url + "feed/",
    ]


@pytest.fixture
def measured(client, blog_index, settings) -> tuple[dict, dict]:
    """Every page's (first, later) query counts at a small and at a large size."""
    settings.PAGE_CACHE = False
    settings.BLOG_POSTS_PER_PAGE = 20
    collection = Collection.get_first_root_node()
    authors = [make_author("Ada Writer"), make_author("Bo Second")]
    categories = [make_category("Essays"), make_category("Notes")]
    post = add_posts(blog_index, 2, 0, authors, categories, collection)[0]
    add_thread(post, 3)
    show = make_show(blog_index)
    episode = make_episode(show, "Pilot")
    add_thread(episode, 2)
    small = {path: cold_queries(client, path) for path in paths(post, show, episode)}

    add_posts(blog_index, 18, 2, authors, categories, collection)
    add_thread(post, 200, seed=9)
    for n in range(8):
        add_thread(make_episode(show, f"Episode {n}"), 3)
    large = {path: cold_queries(client, path) for path in paths(post, show, episode)}
    return small, large


def test_cold_query_counts_do_not_grow_with_content(measured):
    """Once this version's fragments are built; the first render of a grown thread still costs more."""
    small, large = measured
    assert {path: later for path, (_, later) in large.items()} == {path: later for path, (_, later) in small.items()}


def over_limit(measured, paths) -> dict:
    return {
        (size, path): counts
        for size, counted in zip(("small", "large"), measured, strict=True)
        for path, counts in counted.items()
        if path in paths and max(counts) > LIMIT
    }


def test_no_page_but_an_episode_costs_more_than_ten_queries(measured):
    """At both sizes, on the first render after a change (which builds the fragments) and after it."""
    small, _ = measured
    assert set(EPISODE_PAGES) <= set(small), small  # the pages left out below are really measured
    assert over_limit(measured, set(small) - set(EPISODE_PAGES)) == {}


def test_no_episode_page_costs_more_than_ten_queries(measured):
    assert over_limit(measured, EPISODE_PAGES) == {}
