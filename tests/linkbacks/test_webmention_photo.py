"""A webmention's h-card photo is kept on its response and shown instead of the Gravatar."""

import pytest

from discussion.models import Response
from tests.linkbacks.test_webmention import H_ENTRY, mention

pytestmark = pytest.mark.django_db


def test_h_card_photo_is_stored_on_the_response_and_shown(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    mention(client, source, post.full_url)
    stored = Response.objects.get(page=post)
    assert stored.author_photo == web.url("/me.jpg")
    Response.objects.update(status="approved")  # held: Akismet is not configured in these tests
    html = client.get(post.url).content.decode()
    assert f'<img src="{web.url("/me.jpg")}" alt=""' in html
    assert "gravatar.com" not in html


def test_repeat_webmention_updates_or_clears_the_photo(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    mention(client, source, post.full_url)
    web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url).replace("/me.jpg", "/new.png"))
    mention(client, source, post.full_url)
    assert Response.objects.get().author_photo == web.url("/new.png")
    without_photo = H_ENTRY.format(content="Loved", target=post.full_url).replace(
        '<img class="u-photo" src="/me.jpg" alt="">', ""
    )
    web.page("/alice/note", without_photo)
    mention(client, source, post.full_url)
    assert Response.objects.get().author_photo == ""
