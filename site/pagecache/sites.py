"""Wagtail's site lookup, read once per content version instead of on every request.

Every page Wagtail serves starts with `Site.find_for_request` (a query) and routing from the site's
root page (another, for its specific type). Wagtail keeps the site it found on the request
(`request._wagtail_site`, see its docstring) and looks there first, so putting the site there before
Wagtail asks saves both on most renders. The one query that finds the site (Wagtail's own, with the
root page joined) also says whether any view restriction exists (`restrictions.py`), and the root
page is taken in its specific type without another query: its own fields load if a page reads them.
Apps join their site settings to the same query (`join`: the discussion's switches).
"""

from collections.abc import Callable

from django.db.models import Case, Exists, IntegerField, Q, When
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import PageViewRestriction, Site
from wagtail.models.sites import MATCH_DEFAULT, MATCH_HOSTNAME, MATCH_HOSTNAME_DEFAULT, MATCH_HOSTNAME_PORT

from . import fragments, restrictions

# One-to-one rows of the site (site settings) joined into the lookup, and who is given each once found.
_joined: dict[str, Callable[[Site], None]] = {}


def join(relation: str, found: Callable[[Site], None]) -> None:
    """Read the site's `relation` (a setting's reverse one-to-one) in the site lookup's own query, and
    pass the site to `found` each time it is looked up (once per content version)."""
    _joined[relation] = found


def find(hostname: str, port: int) -> Site | None:
    """Wagtail's `get_site_for_hostname`, in the same order of preference, in one query with the root
    page and whether any view restriction exists."""
    sites = list(
        Site.objects.annotate(
            match=Case(
                When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
                When(hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT),
                When(is_default_site=True, then=MATCH_DEFAULT),
                default=MATCH_HOSTNAME,
                output_field=IntegerField(),
            ),
            any_restriction=Exists(PageViewRestriction.objects.all()),
        )
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page", *_joined)
    )
    if not sites:
        restrictions.seed(PageViewRestriction.objects.exists())
        return None
    restrictions.seed(sites[0].any_restriction)
    if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        site = sites[0]
    elif sites[0].match == MATCH_DEFAULT:
        site = sites[len(sites) == 2]
    else:
        return None
    root = site.root_page
    root.specific = root.specific_deferred  # routing asks for it; no query for the root's own fields
    for found in _joined.values():
        found(site)
    return site


def prime(request: HttpRequest) -> None:
    if hasattr(request, "_wagtail_site"):
        return
    hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
    request._wagtail_site = fragments.cached("wagtail-site", (hostname, port), lambda: find(hostname, port))
