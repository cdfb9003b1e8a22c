"""What pingback, trackback and webmention share on the way in: which page is the target, may this
sender ask now, does the source really link to us, and handing the result to moderation.

Errors carry the Pingback 1.0 fault code and an HTTP status, so each protocol answers in its own
terms with the same meaning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from django.conf import settings
from django.utils.encoding import iri_to_uri
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from discussion import limits, moderation
from discussion.models import Response, takes_linkbacks
from safefetch import fetch

from . import excerpt

logger = logging.getLogger(__name__)
VERIFYING = fetch.UserAgent("Backchannel-Linkbacks/1.0", "verifying a pingback, trackback or webmention")


class LinkbackError(Exception):
    fault_code = 0
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SourceMissing(LinkbackError):
    fault_code = 0x10

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status  # the source's HTTP status (404, 410) when it answered one


class NoLink(LinkbackError):
    fault_code = 0x11


class TargetMissing(LinkbackError):
    fault_code = 0x20
    http_status = 404


class TargetRefused(LinkbackError):
    fault_code = 0x21


class TargetClosed(TargetRefused):
    http_status = 403


class AlreadyRegistered(LinkbackError):
    fault_code = 0x30
    http_status = 409


class AccessDenied(LinkbackError):
    fault_code = 0x31
    http_status = 403


class RateLimited(AccessDenied):
    http_status = 429


class UpstreamError(LinkbackError):
    fault_code = 0x32
    http_status = 502


class Busy(LinkbackError):
    """Every in-request verification place is taken: the sender should simply send again later."""

    fault_code = 0  # Pingback's generic fault; TrackBack answers <error>1</error>, both with HTTP 200
    http_status = 503


BUSY = "This site is busy checking other linkbacks; nothing was recorded. Please send it again in a minute."
VERIFYING_SLOTS = "linkbacks:verifying"
SLOT_GRACE = 10  # seconds a killed process's place outlives its fetch deadline


_FETCH_ERRORS: dict[type[fetch.FetchError], type[LinkbackError]] = {
    fetch.InvalidURL: SourceMissing,
    fetch.SourceMissing: SourceMissing,
    fetch.NotHTML: NoLink,
    fetch.UpstreamError: UpstreamError,
}


def from_fetch_error(error: fetch.FetchError) -> LinkbackError:
    """The sender's answer. A failure before the source answered in HTTP (refused address, no such
    host, closed port, not an HTTP service, timeout) is one fault with one text whatever happened, so
    faults cannot map our network or scan ports; the detail goes to the log."""
    if error.opaque:
        logger.info("Linkback source could not be fetched: %s", error)
        return SourceMissing(error.public("The source"))
    if isinstance(error, fetch.SourceMissing):
        return SourceMissing(str(error), error.status)
    for fetch_type, linkback_type in _FETCH_ERRORS.items():
        if isinstance(error, fetch_type):
            return linkback_type(str(error))
    return UpstreamError(str(error))


# --- target -----------------------------------------------------------------------------------------


def _same_port(a: int, b: int) -> bool:
    """Equal, or both default ports (a site on port 80 also answers https links through its proxy)."""
    return a == b or {a, b} <= {80, 443}


def _site_for(host: str, port: int) -> Site | None:
    """Our site at that host and port; SITE_URL's host and port stand for the default site."""
    sites = Site.objects.select_related("root_page")
    site = next((site for site in sites if site.hostname.lower() == host and _same_port(site.port, port)), None)
    if site is not None:
        return site
    own = urlsplit(getattr(settings, "SITE_URL", ""))
    own_port = own.port or (443 if own.scheme == "https" else 80)
    if own.hostname and own.hostname.lower() == host and _same_port(own_port, port):
        return Site.objects.select_related("root_page").filter(is_default_site=True).first()
    return None


def find_page(target_url: str) -> Page:
    """The live page at ``target_url`` on one of our sites (query and fragment ignored).

    Raises TargetRefused for URLs that are not ours and TargetMissing for our URLs without a page."""
    try:
        fetch.check_url(target_url)
        parts = urlsplit(target_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (fetch.InvalidURL, ValueError):
        raise TargetRefused(f"The target {target_url!r} is not a valid http or https URL.") from None
    site = _site_for((parts.hostname or "").lower(), port)
    if site is None:
        raise TargetRefused(f"The target {target_url} is not on this site.")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    url_path = site.root_page.url_path + path.lstrip("/")
    page = Page.objects.live().public().filter(url_path=url_path).first() or _redirected_to(site, parts)
    if page is None:
        raise TargetMissing(f"There is no page at {target_url}.")
    return page.specific


def _redirected_to(site: Site, parts: SplitResult) -> Page | None:
    """The live page an old address of ours redirects to (an imported WordPress permalink, a moved
    page): senders that knew the old address still reach the post, as its readers do."""
    old_path = Redirect.normalise_path(urlunsplit(("", "", parts.path, parts.query, "")))
    redirects = Redirect.get_for_site(site).filter(old_path=old_path, redirect_page__isnull=False)
    page_id = redirects.values_list("redirect_page_id", flat=True).first()
    return Page.objects.live().public().filter(pk=page_id).first() if page_id else None


def accepting_page(target_url: str) -> Page:
    """The page at ``target_url`` if it takes linkbacks now; else TargetMissing / TargetRefused."""
    page = find_page(target_url)
    if not takes_linkbacks(page):
        raise TargetRefused(f"{target_url} is not a post or episode, so it cannot take linkbacks.")
    if not page.linkbacks_open():
        raise TargetClosed(f"Linkbacks are closed on {target_url}.")
    return page


OldRoots = Callable[[Page], Iterable[str]]
_old_roots: list[OldRoots] = []


def also_known_as(finder: OldRoots) -> OldRoots:
    """Register ``finder(page)``: other site roots (``scheme://host``) where the page's old paths
    were published (an import names the old WordPress site). Apps built on linkbacks register one
    in ``ready()``."""
    _old_roots.append(finder)
    return finder


def addresses_of(page: Page) -> list[str]:
    """Every address a source may link to for ``page``: its URL, and each old path that redirects to
    it (a Wagtail redirect, with and without the trailing slash) on its site and on the finders' roots."""
    addresses = [page.full_url] if page.full_url else []
    old_paths = list(Redirect.objects.filter(redirect_page=page).values_list("old_path", flat=True))
    if old_paths:
        site = page.get_site()
        roots = [site.root_url] if site is not None else []
        roots += [root for finder in _old_roots for root in finder(page)]
        for root in dict.fromkeys(roots):
            for path in old_paths:
                addresses.append(iri_to_uri(root + path))
                if "?" not in path:
                    addresses.append(iri_to_uri(root + path + "/"))
    return list(dict.fromkeys(addresses))


def check_source(source_url: str) -> None:
    """SourceMissing unless ``source_url`` is an absolute http(s) URL we could fetch (no control bytes)."""
    try:
        fetch.check_url(source_url)
    except fetch.InvalidURL as error:
        raise SourceMissing(f"The source is not a valid URL: {error}") from None


def check_not_registered(page: Page, source_url: str) -> None:
    """AlreadyRegistered when a response from ``source_url`` is on the page, named by its kind
    ("a pingback from this page is already recorded"), whichever protocol asks now."""
    kind = (
        Response.objects.filter(page=page, source_url=source_url)
        .exclude(status=Response.Status.TRASH)
        .values_list("kind", flat=True)
        .first()
    )
    if kind is not None:
        label = Response.Kind(kind).label.lower()
        raise AlreadyRegistered(f"A {label} from this page is already recorded.")


def check_not_same(source_url: str, target_url: str) -> None:
    if excerpt.canonical(source_url) == excerpt.canonical(target_url):
        raise TargetRefused("The source and the target are the same URL; a page cannot link back to itself.")


# --- rate limits ------------------------------------------------------------------------------------


def _rate(name: str, default: str) -> tuple[int, int]:
    count, _, seconds = str(getattr(settings, name, default)).partition("/")
    return int(count), int(seconds or 60)


def throttle(client_ip: str | None, source_url: str) -> None:
    """Count this attempt against the client's and the source host's budgets, in the `limits` cache that
    every process shares, keyed on the normalised address and host (`discussion.limits`)."""
    checks = [
        ("ip", limits.client_key(client_ip), "LINKBACK_RATE_PER_IP", "20/60", "from your address"),
        ("host", limits.host_key(source_url), "LINKBACK_RATE_PER_SOURCE_HOST", "10/60", "from that source's site"),
    ]
    for scope, key, setting, default, who in checks:
        limit, window = _rate(setting, default)
        if limits.count(f"linkbacks:rate:{scope}:{key}", window) > limit:
            raise RateLimited(f"Too many linkbacks {who}; at most {limit} every {window} seconds. Try again later.")


# --- verification and registration ------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    source_url: str
    final_url: str
    html: str
    title: str
    excerpt: str


def verify(source_url: str, target_url: str, *, page: Page | None = None, in_request: bool = False) -> Verified:
    """Fetch the source (guarded) and confirm it links to the target (or, given the target ``page``,
    to any of its addresses: an old permalink redirects to it); title and excerpt come along.

    Pingback and trackback verify while the sender waits (`in_request`), because their answer
    (registered, or fault 0x10 / 0x11; error 0 or 1) depends on it: that fetch gets the small
    LINKBACK_REQUEST_BUDGET as its whole deadline, so eight slow sources hold a worker for about a
    second each, not for SAFEFETCH_DEADLINE, and the per-address and per-host limits cap how often.
    Webmention verifies in a task with the full deadline.

    At most LINKBACK_CONCURRENT_VERIFICATIONS in-request fetches run at once across every app
    process (`limits.slot`), so slow sources can never hold more than that many app workers; the
    next sender hears Busy ("try again later") and nothing is stored."""
    also = addresses_of(page) if page is not None else ()
    if not in_request:
        return _fetch_and_find(source_url, target_url, also, None)
    deadline = min(settings.LINKBACK_REQUEST_BUDGET, settings.SAFEFETCH_DEADLINE)
    places = settings.LINKBACK_CONCURRENT_VERIFICATIONS
    with limits.slot(VERIFYING_SLOTS, places, int(deadline) + SLOT_GRACE) as free:
        if not free:
            raise Busy(BUSY)
        return _fetch_and_find(source_url, target_url, also, deadline)


def _fetch_and_find(source_url: str, target_url: str, also: Iterable[str], deadline: float | None) -> Verified:
    try:
        fetched = fetch.get(source_url, agent=VERIFYING, require_html=True, deadline_seconds=deadline)
    except fetch.FetchError as error:
        raise from_fetch_error(error) from None
    html = fetched.text
    found = excerpt.extract(html, target_url, fetched.url, also=also)
    if found is None:
        raise NoLink(f"The source {source_url} does not contain a link to {target_url}.")
    title = found.title or (urlsplit(fetched.url).hostname or source_url)
    text = found.text or f"{excerpt.ELLIPSIS} {title} {excerpt.ELLIPSIS}"  # a bare image link: never empty
    return Verified(source_url, fetched.url, html, title, text)


def submit(response: Response, context: moderation.RequestContext) -> Response:
    """Moderation (Akismet, word lists, hold rules) decides; its refusals become linkback errors."""
    try:
        return moderation.submit(response, request_context=context)
    except moderation.Rejected as rejected:
        raise _REFUSALS[rejected.kind](rejected.message) from None


_REFUSALS: dict[moderation.Refusal, type[LinkbackError]] = {
    moderation.Refusal.INVALID: LinkbackError,
    moderation.Refusal.NO_DISCUSSION: TargetRefused,
    moderation.Refusal.CLOSED: TargetClosed,
    moderation.Refusal.DUPLICATE: AlreadyRegistered,
    moderation.Refusal.FLOOD: RateLimited,
}


def new_response(kind: str, page: Page, verified: Verified, *, author_name: str = "", content: str = "") -> Response:
    return Response(
        page=page,
        kind=kind,
        author_name=(author_name or verified.title)[:200],
        author_url=verified.source_url if len(verified.source_url) <= 500 else "",
        content=content or verified.excerpt,
        source_url=verified.source_url,
        source_title=verified.title[:300],
    )
