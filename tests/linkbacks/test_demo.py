"""The demo's seed pingback: on the seed post, approved, in the seed's "[…] … […]" format, added once."""

import json
from pathlib import Path

import pytest

from discussion.models import Response
from linkbacks.demo import add_seed_pingbacks
from linkbacks.signal_handlers import sending_paused
from tests.builders import make_post

pytestmark = pytest.mark.django_db
SEED = json.loads((Path(__file__).parents[2] / "site/demo/mayo-clinic-post.json").read_text(encoding="utf-8"))


def test_seed_pingback_is_added_once_with_its_excerpt(post):
    assert add_seed_pingbacks(post, SEED) == 1
    assert add_seed_pingbacks(post, SEED) == 0
    pingback = Response.objects.get(page=post, kind="pingback")
    assert pingback.status == "approved"
    assert pingback.author_name == pingback.source_title == "The Business Journals"
    assert pingback.content.startswith("[…] The Mayo Clinic") and pingback.content.endswith(" […]")
    assert "Mall of America" in pingback.content_html


def test_publishing_while_paused_sends_nothing(blog_index, django_capture_on_commit_callbacks):
    from linkbacks.models import OutgoingLinkback

    with sending_paused(), django_capture_on_commit_callbacks(execute=True):
        make_post(blog_index, "Imported", body='<p><a href="http://10.0.0.1/x">x</a></p>')
    assert not OutgoingLinkback.objects.exists()
