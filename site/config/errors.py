"""The themed 500 page: the site's header, search and recent posts, and never a second fault.

Django's own handler renders `500.html` without a request, so the theme's navigation would be
missing. This one renders it with the request's context; if that fails too (the database may be
what broke), it falls back to a plain page rather than raising inside the error handler.
"""

import logging

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

PLAIN = (
    "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>The page could not be shown because of a fault on our side. "
    "Please try again in a moment.</p></html>"
)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    try:
        body = loader.render_to_string("500.html", request=request)
    except Exception:
        logger.exception("The themed 500 page could not be rendered")
        body = PLAIN
    return HttpResponseServerError(body)
