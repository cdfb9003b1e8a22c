"""Every page's footer lists the archive by month, the categories and the latest responses."""

from datetime import datetime

import pytest
from django.utils import timezone

from discussion import moderation
from tests.builders import make_category, make_post
from tests.discussion.conftest import make_response

pytestmark = pytest.mark.django_db


def footer(client, url: str = "/") -> str:
    html = client.get(url).content.decode()
    return html.split('<div class="site-navigation">', 1)[1].split("</footer>", 1)[0]


def test_footer_lists_months_categories_and_recent_responses(client, blog_index):
    news = make_category("News")
    march = make_post(blog_index, "In March", categories=[news], date=timezone.make_aware(datetime(2024, 3, 5, 9)))
    make_post(blog_index, "In May", categories=[news], date=timezone.make_aware(datetime(2024, 5, 5, 9)))
    make_post(blog_index, "Unpublished", categories=[make_category("Hidden")], live=False)
    said = make_response(march, author_name="Ada", status="approved")
    make_response(march, author_name="Pending Pete", status="pending")
    make_response(march, author_name="Spam Sam", status="spam")

    html = footer(client)
    assert '<a href="/2024/05/">May 2024</a>' in html and '<a href="/2024/03/">March 2024</a>' in html
    assert '<a href="/category/news/">News</a> <span class="count">(2)</span>' in html
    assert "Hidden" not in html
    assert f'<bdi>Ada</bdi> on <a href="{march.url}#{said.anchor}">In March</a>' in html
    assert "Pending Pete" not in html and "Spam Sam" not in html
    assert client.get("/2024/03/").status_code == 200


def test_a_newly_approved_response_shows_in_the_footer_at_once(client, blog_index):
    post = make_post(blog_index, "Talked about")
    held = make_response(post, author_name="Late Lucy", status="pending")
    assert "Late Lucy" not in footer(client)
    moderation.set_status(held, "approved")
    assert "Late Lucy" in footer(client)
