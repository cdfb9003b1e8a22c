"""Hits answered in front of Django's request handler, by the WSGI application (config/wsgi.py).

Django's handler does work a hit never needs: the request_started and request_finished signals
(which check every database connection and cache), the script prefix, the middleware chain. The
front asks the middleware's own question (`middleware.shared_hit`) of the same entry, so it gives
the same answer, and passes everything else to Django. Only a WSGI server goes through it: the
test client calls Django's handler, where the middleware answers hits itself.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest

from .middleware import READ_METHODS, shared_hit


class HitFront:
    def __init__(self, application: Callable):
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if settings.PAGE_CACHE and environ.get("REQUEST_METHOD") in READ_METHODS:  # else no request to build
            response = shared_hit(WSGIRequest(environ))
            if response is not None:
                start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
                return [response.content]
        return self.application(environ, start_response)
