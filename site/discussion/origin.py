"""The comment form's cross-site check, in place of Django's CSRF cookie.

Pages with the form are cached and shared, so they carry no per-reader CSRF token. A browser says
where a POST comes from (`Origin`, or `Sec-Fetch-Site`, or at least `Referer`): a comment sent from
another site's page is refused. A client that sends none of them is not a browser, so there is no
reader's browser to trick; the signed form token is still required. Signed-in readers, whose comment
is trusted by their account, get Django's full CSRF check as well (views.py).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

REFUSAL = (
    "This comment was sent from a page on another site, so it was not accepted. "
    "If you wrote it here, please go back to the post, reload it and send your comment again."
)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _trusted(origin: str, request: HttpRequest) -> bool:
    if origin == f"{request.scheme}://{request.get_host()}".lower():
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted = trusted.lower()
        if origin == trusted:
            return True
        scheme, _, host = trusted.partition("://")
        if host.startswith("*.") and origin.startswith(f"{scheme}://") and origin.endswith(host[1:]):
            return True
    return False


def cross_site(request: HttpRequest) -> bool:
    """True when the browser says the POST came from a page that is not this site's."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin == "null" or not _trusted(origin.lower(), request)
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    referer = request.META.get("HTTP_REFERER")
    if referer is not None:
        return not _trusted(_origin_of(referer), request)
    return False
