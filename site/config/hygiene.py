"""Requests no page could ever answer are refused before any view or query sees them."""

from django.http import HttpResponseBadRequest


class RejectNulMiddleware:
    """400 for a NUL character in the path or query: PostgreSQL cannot even compare text holding one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest(
                "Bad request: the address contains a NUL character.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
