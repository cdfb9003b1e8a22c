"""The bench helpers run (small sizes here); `make bench` prints their figures at full size."""

import pytest

from bench import responses as bench
from discussion.models import Response

pytestmark = pytest.mark.django_db


def test_bench_measures_page_and_comment_post(post):
    figures = bench.measure(post, responses=30, gets=2, posts=3)
    assert figures["page_queries"] > 0
    assert figures["comment_post"]["p50_ms"] > 0
    assert Response.objects.filter(page=post).count() == 33
