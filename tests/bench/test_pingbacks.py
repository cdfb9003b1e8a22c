"""The pingback bench runs (a few pings here) and leaves nothing behind; `make bench` prints it at full size."""

import pytest
from wagtail.models import Page

from bench import pingbacks as bench
from discussion.models import Response

pytestmark = pytest.mark.django_db


def test_report_pings_a_local_source_and_rolls_back(blog_index, capsys):
    pages = Page.objects.count()
    figures = bench.report(pings=12)  # over the default 10/60 per source host: the limits are raised
    assert figures["pings"] == 12 and figures["p99_ms"] >= figures["p50_ms"] > 0 and figures["per_second"] > 0
    assert "pingback.ping (source on 127.0.0.1): p50" in capsys.readouterr().out
    assert Page.objects.count() == pages and not Response.objects.exists()


def test_measure_stores_one_pingback_per_distinct_source(post):
    bench.measure(post, pings=3)
    sources = list(Response.objects.filter(page=post, kind="pingback").values_list("source_url", flat=True))
    assert len(set(sources)) == 3
