"""Time and peak memory of a WordPress import, for ``make bench``.

The import runs for real and is rolled back, so the database is left as it was. Peak memory is
the growth of the process's maximum resident set size during the import (``resource``), which
costs nothing to measure; ``traced=True`` adds a second run under tracemalloc for the Python heap
alone (several times slower). Usage:
``python manage.py shell -c "from bench.wordpress_import import report; report()"``.
"""

from __future__ import annotations

import resource
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Page

from blog.models import BlogIndexPage
from wordpress import wxr
from wordpress.importer import Importer

THEME_UNIT_TEST = Path(settings.BASE_DIR) / "tests" / "fixtures" / "wordpress-theme-unit-test.xml"


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _import_once(path: Path) -> dict[str, int]:
    with transaction.atomic():
        index = BlogIndexPage.objects.first() or Page.get_first_root_node().add_child(
            instance=BlogIndexPage(title="WordPress import benchmark", slug="wordpress-import-benchmark")
        )
        summary = Importer(wxr.parse(path), index, fetch_media=False).run()
        transaction.set_rollback(True)
    return {kind: sum(counter.values()) for kind, counter in summary.counts.items()}


def measure_import(path: str | Path = THEME_UNIT_TEST, *, traced: bool = False) -> dict:
    """Seconds and peak memory to import ``path`` with media left remote."""
    path = Path(path)
    rss_before = _max_rss_mib()
    started = time.perf_counter()
    items = _import_once(path)
    result = {
        "file": path.name,
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 3),
        "max_rss_mib": round(_max_rss_mib(), 1),
        "rss_growth_mib": round(_max_rss_mib() - rss_before, 1),
        "items": items,
    }
    if traced:
        tracemalloc.start()
        try:
            _import_once(path)
            result["peak_traced_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        finally:
            tracemalloc.stop()
    return result


def report(path: str | Path = THEME_UNIT_TEST) -> None:
    r = measure_import(path)
    print(
        f"WordPress import of {r['file']} ({r['bytes'] / 1024:.0f} KiB, {r['items'].get('posts', 0)} posts, "
        f"{r['items'].get('comments', 0)} comments): {r['seconds']:.2f} s, max RSS {r['max_rss_mib']} MiB "
        f"(+{r['rss_growth_mib']} MiB during the import)"
    )
