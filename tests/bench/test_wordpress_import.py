import pytest
from wagtail.models import Page

from bench.wordpress_import import measure_import
from tests.wordpress.test_wxr import WXR_10

pytestmark = pytest.mark.django_db


def test_benchmark_measures_an_import_and_leaves_nothing_behind(tmp_path):
    export = tmp_path / "small.xml"
    export.write_bytes(WXR_10)
    pages = Page.objects.count()
    result = measure_import(export, traced=True)
    assert result["seconds"] > 0 and result["peak_traced_mib"] > 0 and result["max_rss_mib"] > 0
    assert result["items"]["posts"] == 1 and result["items"]["comments"] == 1
    assert Page.objects.count() == pages
