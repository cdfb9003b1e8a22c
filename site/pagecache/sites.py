"""Wagtail's site lookup, read once per content version instead of on every request.

Every page Wagtail serves starts with `Site.find_for_request` (a query) and routing from the site's
root page (another, for its specific type). Wagtail keeps the site it found on the request
(`request._wagtail_site`, see its docstring) and looks there first, so putting the site, root page
loaded, there before Wagtail asks saves both queries on a cold render.
"""

from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site

from . import fragments


def prime(request: HttpRequest) -> None:
    if hasattr(request, "_wagtail_site"):
        return

    def find() -> Site | None:
        site = Site.find_for_request(request)
        if site is not None:
            site.root_page.specific  # noqa: B018 (loaded now, so it is kept with the site)
        return site

    hostname = split_domain_port(request._get_raw_host())[0]
    request._wagtail_site = fragments.cached("wagtail-site", (hostname, request.get_port()), find)
