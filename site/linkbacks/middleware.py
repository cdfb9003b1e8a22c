"""410 Gone, not 404, where a page we told other sites about used to be.

Webmention receivers remove a mention when its source answers 410; after an unpublish or delete we
re-send our webmentions (``sending.plan_gone``), and this is what the receivers then find. Only a
response that is already a 404 is changed, so a live page is never hidden.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

from .models import OutgoingLinkback

TOMBSTONE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gone</title></head>'
    "<body><h1>Gone</h1><p>This page was removed by its author.</p></body></html>"
)


def was_removed(request: HttpRequest) -> bool:
    """Is this address (host and path) a page of ours that was unpublished or deleted after linking out?"""
    host = (urlsplit(f"//{request.get_host()}").hostname or "").lower()
    sources = (
        OutgoingLinkback.objects.filter(source_gone=True, source_url__endswith=request.path)
        .values_list("source_url", flat=True)
        .distinct()[:20]
    )
    return any(urlsplit(url).path == request.path and (urlsplit(url).hostname or "") == host for url in sources)


class GoneMiddleware:
    """Put it just before Wagtail's RedirectMiddleware, so a redirect set for the old address still wins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD") and was_removed(request):
            return HttpResponse(TOMBSTONE, status=410, content_type="text/html; charset=utf-8")
        return response
