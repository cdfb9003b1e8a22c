"""The client's address behind trusted reverse proxies."""

from django.conf import settings


class ForwardedClientMiddleware:
    """Replace REMOTE_ADDR with the address our own proxies saw, when TRUSTED_PROXY_COUNT says they exist.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the entry TRUSTED_PROXY_COUNT places from the right; anything further left was written
    by the client and is not believed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.TRUSTED_PROXY_COUNT
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if proxies and len(forwarded) >= proxies:
            request.META["REMOTE_ADDR"] = forwarded[-proxies]
        return self.get_response(request)
