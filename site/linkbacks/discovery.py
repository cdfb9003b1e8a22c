"""Where does a page take linkbacks? Webmention first (W3C order), then pingback.

Webmention: the first HTTP ``Link`` header with rel=webmention (every Link header, every value,
quoted or bare rel, exact token match), else the first ``<link>`` or ``<a>`` with rel=webmention
in document order; resolved against the final URL after redirects, query kept. Pingback: the
``X-Pingback`` header, else ``<link rel="pingback">``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from selectolax.lexbor import LexborHTMLParser

from safefetch import fetch

WEBMENTION = "webmention"
PINGBACK = "pingback"
AGENT = fetch.UserAgent("Backchannel-Linkbacks/1.0", "sending a pingback or webmention")

_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL_PARAM = re.compile(r';\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))', re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    kind: str  # WEBMENTION or PINGBACK
    url: str


def _has_rel(value: str | None, rel: str) -> bool:
    return rel in (value or "").lower().split()


def link_header_urls(headers: httpx.Headers, rel: str) -> list[str]:
    """URLs of every Link header value carrying ``rel``, in header order."""
    urls = []
    for value in headers.get_list("link"):
        for url, params in _LINK_VALUE.findall(value):
            match = _REL_PARAM.search(params)
            if match and _has_rel(match.group(1) or match.group(2), rel):
                urls.append(url.strip())
    return urls


def _html_endpoint(tree: LexborHTMLParser, selector: str, rel: str) -> str | None:
    for node in tree.css(selector):
        href = node.attributes.get("href")
        if href is not None and _has_rel(node.attributes.get("rel"), rel):
            return href.strip()
    return None


def find_endpoint(final_url: str, headers: httpx.Headers | dict, html: str | None) -> Endpoint | None:
    """Pure discovery over a fetched page: webmention (headers, then HTML), then pingback."""
    headers = httpx.Headers(headers)
    tree = LexborHTMLParser(html) if html else None
    for url in link_header_urls(headers, WEBMENTION):
        return Endpoint(WEBMENTION, urljoin(final_url, url))
    if tree is not None:
        href = _html_endpoint(tree, "link, a", WEBMENTION)
        if href is not None:
            return Endpoint(WEBMENTION, urljoin(final_url, href))
    header = headers.get("x-pingback", "").strip()
    if header:
        return Endpoint(PINGBACK, urljoin(final_url, header))
    if tree is not None:
        href = _html_endpoint(tree, "link", PINGBACK)
        if href:
            return Endpoint(PINGBACK, urljoin(final_url, href))
    return None


def discover(target_url: str) -> Endpoint | None:
    """Fetch ``target_url`` (guarded, redirects followed) and find its linkback endpoint.

    Raises ``fetch.FetchError`` when the page cannot be fetched; None when it takes no linkbacks."""
    page = fetch.get(target_url, agent=AGENT, read_non_html=False)
    return find_endpoint(page.url, page.headers, page.text if page.is_html else None)
