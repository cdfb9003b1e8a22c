"""Backchannel's feeds as WordPress reads them: SimplePie through `fetch_feed()`, as its RSS block
and widgets do, with its cache off."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Category
from discussion.models import Response
from tests.podcast.builders import make_episode, make_show

pytestmark = pytest.mark.django_db(transaction=True)

READ = """
$read = [];
foreach (json_decode('%s', true) as $url) {
    $feed = fetch_feed($url);
    $read[$url] = is_wp_error($feed)
        ? ['error' => $feed->get_error_message()]
        : ['error' => $feed->error(), 'title' => $feed->get_title(),
           'items' => array_map(fn ($item) => $item->get_title(), $feed->get_items())];
}
$result = $read;
"""


def test_wordpress_reads_our_blog_category_responses_and_podcast_feeds_without_error(wordpress, backchannel):
    tea = Category.objects.create(name="Tea")
    backchannel.post(
        "Green tea at noon", "<p>Steep it briefly.</p>", categories=[tea], date=timezone.now() - timedelta(days=1)
    )
    about_bread = backchannel.post("Bread at dawn", "<p>Knead before sunrise.</p>")
    Response.objects.create(
        page=about_bread, author_name="A reader", author_email="reader@example.invalid",
        content="Tried it, loved it.", status=Response.Status.APPROVED,
    )  # fmt: skip
    show = make_show(backchannel.index, "Kitchen Radio")
    make_episode(show, "Episode one: kettles")
    base = backchannel.url
    expected = {
        f"{base}/feed/": ["Bread at dawn", "Green tea at noon"],
        f"{base}/feed/atom/": ["Bread at dawn", "Green tea at noon"],
        f"{base}/category/{tea.slug}/feed/": ["Green tea at noon"],
        f"{base}/discussion/feed/": None,  # one item, titled by the response's author and post
        f"{show.full_url}feed/": ["Episode one: kettles"],
    }

    read = wordpress.php(READ % json.dumps(list(expected)))

    for url, titles in expected.items():
        assert read[url]["error"] is None, (url, read[url])
        if titles is None:
            [title] = read[url]["items"]
            assert "A reader" in title and "Bread at dawn" in title, title
        else:
            assert read[url]["items"] == titles, url
    assert read[f"{show.full_url}feed/"]["title"] == "Kitchen Radio"
