"""`python -m bench.queries PATH...`: the SQL queries each page costs, as JSON on stdout.

Run in a process of its own because settings (PAGE_CACHE) are read once at start-up: `bench.run`
calls it with each mode's environment. Each page is fetched once to warm the per-process caches a
running server has (and, with the page cache on, to fill it), then counted on the second fetch.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def count(paths: list[str]) -> dict[str, int]:
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}
    for path in paths:
        client.get(path, HTTP_HOST="127.0.0.1")
        with CaptureQueriesContext(connection) as queries:
            client.get(path, HTTP_HOST="127.0.0.1")
        counts[path] = len(queries)
    return counts


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1:])))
