"""Figures for ``make bench``: what one page-cache hit costs in process, ours beside Django's own
cache framework (``UpdateCacheMiddleware``/``FetchFromCacheMiddleware``, which wagtail-cache wraps),
on the same page through the same WSGI application. Usage:
``python manage.py shell -c "from bench.hit_cost import report; report()"``.
"""

from __future__ import annotations

import io
import statistics
import sys
import time

from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

from pagecache.front import HitFront

CALLS = 2000
PATHS = ("/", "/feed/", "/discussion/feed/")
DJANGO_CACHE = {
    "PAGE_CACHE": False,
    "CACHE_MIDDLEWARE_SECONDS": 600,
}


class ForgetLifetime:
    """Drops the page's `max-age=0`, which would tell Django's cache middleware not to keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        del response["Cache-Control"]
        return response


def environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }


def per_call_us(application, path: str) -> float:
    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), (path, status)

    def call() -> None:
        body = application(environ(path), start_response)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    for _ in range(20):  # the first stores the page
        call()
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(CALLS // 5):
            call()
        rounds.append((time.perf_counter() - started) / (CALLS // 5) * 1e6)
    return statistics.median(rounds)


def report() -> None:
    from django.conf import settings

    ours_front = HitFront(WSGIHandler())
    ours_middleware = WSGIHandler()
    middleware = [
        "django.middleware.cache.UpdateCacheMiddleware",
        "bench.hit_cost.ForgetLifetime",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    with override_settings(MIDDLEWARE=middleware, **DJANGO_CACHE):
        django_cache = WSGIHandler()
        figures = {path: [per_call_us(django_cache, path)] for path in PATHS}
    for path in PATHS:
        figures[path] += [per_call_us(ours_middleware, path), per_call_us(ours_front, path)]
    print("One cache hit in process, median µs: Django's cache middleware | ours through the middleware | in front")
    for path, (django, middleware_us, front_us) in figures.items():
        ratio = django / front_us
        print(f"  {path:<20} {django:7.0f} | {middleware_us:7.0f} | {front_us:7.0f}   ({ratio:.1f}× cheaper in front)")
