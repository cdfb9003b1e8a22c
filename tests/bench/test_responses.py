"""The bench's thread: threaded, approved, and shown on the page like any reader's responses."""

import pytest

from bench.responses import add_responses
from discussion.models import Response

pytestmark = pytest.mark.django_db


def test_add_responses_builds_an_approved_thread_with_replies_and_pingbacks(client, post):
    add_responses(post, 30)
    responses = Response.objects.filter(page=post)
    assert responses.count() == 30 and not responses.exclude(status=Response.Status.APPROVED).exists()
    assert responses.filter(parent__isnull=False).count() >= 10
    assert responses.filter(kind=Response.Kind.PINGBACK).count() == 2
    page = client.get(post.url, secure=True).content.decode()
    assert "Response 29: thanks" in page and "Reader 0" in page
