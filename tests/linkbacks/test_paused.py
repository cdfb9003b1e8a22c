"""Publishing while linkbacks are paused (demo content, imports) tells nobody."""

import pytest

from linkbacks.signal_handlers import sending_paused
from tests.builders import make_post

pytestmark = pytest.mark.django_db


def test_publishing_while_paused_sends_nothing(blog_index, django_capture_on_commit_callbacks):
    from linkbacks.models import OutgoingLinkback

    with sending_paused(), django_capture_on_commit_callbacks(execute=True):
        make_post(blog_index, "Imported", body='<p><a href="http://10.0.0.1/x">x</a></p>')
    assert not OutgoingLinkback.objects.exists()
