"""The seed post's comment (by Mezzo) and pingback, as its blog showed them."""

import json

import pytest

from demo.content import SEED, add_seed_responses
from discussion.models import Response

pytestmark = pytest.mark.django_db


def test_seed_comment_by_mezzo_is_approved_with_an_avatar_once(client, post):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    assert add_seed_responses(post, seed) == 2
    assert add_seed_responses(post, seed) == 0
    html = client.get(post.url).content.decode()
    assert '<bdi class="response-author">Mezzo</bdi>' in html
    assert "Clearly, Mayo is a trendsetter" in html
    assert '<span class="avatar" aria-hidden="true">M<img src="https://www.gravatar.com/avatar/' in html


def test_seed_pingback_is_added_once_with_its_excerpt(post):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    add_seed_responses(post, seed)
    pingback = Response.objects.get(page=post, kind="pingback")
    assert pingback.status == "approved"
    assert pingback.author_name == pingback.source_title == "The Business Journals"
    assert pingback.content.startswith("[…] The Mayo Clinic") and pingback.content.endswith(" […]")
    assert "Mall of America" in pingback.content_html
