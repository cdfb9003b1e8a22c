"""Title and excerpt of a page that links to us: the words around the link, shown as "[…] … […]".

WordPress counts bytes and needs whitespace around the link, so a link at the start or end of a
paragraph keeps the whole paragraph and multibyte text can end up empty. Here the windows count
characters, are cut at word boundaries (or at a character when a language has no spaces), and the
link may sit anywhere in its block. Only a parsed link counts: text in comments, scripts or escaped
HTML is never a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

ELLIPSIS = "[…]"
WINDOW = 100
TITLE_MAX = 300

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption dd details div dl dt fieldset figcaption figure footer form "  # noqa: SIM905
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
MEDIA_SELECTOR = "img[src], video[src], audio[src], source[src], video[poster]"
_SPACE = re.compile(r"\s+")
TITLE_SEPARATORS = (" – ", " — ", " | ", " - ", " · ", " :: ", " » ")
_FEED_TITLE = re.compile(r"^(.+?)\s*(?:»|&raquo;|-|–)\s*(?:Feed|Comments Feed|RSS)", re.IGNORECASE)


@dataclass(frozen=True)
class Excerpt:
    title: str
    text: str


def canonical(url: str) -> str:
    """A URL in the form we compare: scheme and host lower-cased, default port and fragment dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, {"http": 80, "https": 443}.get(scheme)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def parse(html: str | bytes) -> LexborHTMLParser:
    return LexborHTMLParser(html)


def page_title(tree: LexborHTMLParser, site_names: tuple[str, ...] = ()) -> str:
    """og:title, else the first <h1> (unless it is the site's name), else <title> without a trailing
    " – Site" / " | Site" / " - Site" naming the site, else the first heading; empty when none.

    The site's name comes from ``site_names`` (a caller's h-card), og:site_name, a WordPress theme's
    ``.site-title``, its feed link ("Site » Feed"), or an <h1> that the <title> ends with."""
    names = {collapse(name).casefold() for name in (*site_names, *site_names_in(tree)) if collapse(name)}
    meta = tree.css_first('meta[property="og:title"], meta[name="og:title"]')
    h1 = tree.css_first("h1")
    title = tree.css_first("title")
    heading = tree.css_first("h2, h3, h4, h5, h6")
    h1_text = collapse(h1.text()) if h1 else ""
    title_text = collapse(title.text()) if title else ""
    if h1_text and any(title_text.endswith(separator + h1_text) for separator in TITLE_SEPARATORS):
        names.add(h1_text.casefold())  # "Post – Blog" over an <h1>Blog</h1>: the heading is the site's name
    candidates = [
        meta.attributes.get("content") if meta else None,
        h1_text if h1_text.casefold() not in names else None,
        without_site_suffix(title_text, names),
        heading.text() if heading else None,
    ]
    for candidate in candidates:
        text = collapse(candidate or "")
        if text:
            return _shorten(text, TITLE_MAX)
    return ""


def site_names_in(tree: LexborHTMLParser) -> list[str]:
    """What the page says its site is called: og:site_name, ``.site-title``, the feed link's title."""
    names = []
    meta = tree.css_first('meta[property="og:site_name"], meta[name="og:site_name"]')
    if meta is not None:
        names.append(meta.attributes.get("content") or "")
    site_title = tree.css_first(".site-title")
    if site_title is not None:
        names.append(site_title.text())
    for link in tree.css('link[rel="alternate"][type="application/rss+xml"][title]'):
        feed = _FEED_TITLE.match(collapse(link.attributes.get("title") or ""))
        if feed:
            names.append(feed.group(1))
    return names


def without_site_suffix(title: str, site_names: set[str]) -> str:
    """ "Post – Blog" → "Post" when "Blog" is the site's name (compared without case)."""
    for separator in TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and tail.strip().casefold() in site_names:
            return head.strip()
    return title


def find_link(
    tree: LexborHTMLParser, target_url: str, base_url: str = "", also: Iterable[str] = ()
) -> LexborNode | None:
    """The first <a href> (else image, video or audio source) whose URL, resolved against the
    source and ignoring the #fragment, is exactly the target, or one of its other addresses (``also``)."""
    target = {canonical(url) for url in (target_url, *also)}
    for selector, attributes in (("a[href], area[href]", ("href",)), (MEDIA_SELECTOR, ("src", "poster"))):
        for node in tree.css(selector):
            for attribute in attributes:
                value = node.attributes.get(attribute)
                if value and _resolves_to(value, base_url, target):
                    return node
    return None


def _resolves_to(value: str, base_url: str, target: set[str]) -> bool:
    try:
        return canonical(urljoin(base_url, value.strip())) in target
    except ValueError:
        return False


def extract(html: str | bytes, target_url: str, source_url: str = "", also: Iterable[str] = ()) -> Excerpt | None:
    """Title and excerpt of ``html`` around its link to ``target_url`` (or to one of ``also``, the
    target's other addresses); None when there is no such link."""
    tree = parse(html)
    link = find_link(tree, target_url, source_url, also)
    if link is None:
        return None
    return Excerpt(title=page_title(tree), text=excerpt_around(link))


def excerpt_around(link: LexborNode) -> str:
    """About WINDOW characters each side of the link text, within the link's block."""
    block = _block_of(link)
    before, inside, after = [], [], []
    part = before
    for node in block.traverse(include_text=True):
        if node.mem_id == link.mem_id:
            part = inside
            continue
        if node.is_text_node:
            if _skipped(node, block):
                continue
            if part is inside and not _is_within(node, link):
                part = after
            part.append(node.text_content or "")
        elif node.tag == "img" and part is inside and _is_within(node, link):
            part.append(f" {node.attributes.get('alt') or ''} ")
        elif node.tag in BLOCK_TAGS or node.tag == "br":
            if part is inside and not _is_within(node, link):
                part = after
            part.append(" ")
    link_text = collapse("".join(inside)) or collapse(link.attributes.get("alt") or "")
    link_text = _shorten(link_text, WINDOW)
    left = _tail(_SPACE.sub(" ", "".join(before)), WINDOW)
    right = _head(_SPACE.sub(" ", "".join(after)), WINDOW)
    body = collapse(f"{left}{link_text}{right}") if link_text else collapse(f"{left} {right}")
    return f"{ELLIPSIS} {body} {ELLIPSIS}" if body else ""


def _block_of(node: LexborNode) -> LexborNode:
    parent = node.parent
    while parent is not None and parent.tag not in BLOCK_TAGS:
        if parent.parent is None:
            return parent
        parent = parent.parent
    return parent or node


def _is_within(node: LexborNode, ancestor: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id == ancestor.mem_id:
            return True
        parent = parent.parent
    return False


def _skipped(node: LexborNode, block: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != block.mem_id:
        if parent.tag in SKIP_TAGS:
            return True
        parent = parent.parent
    return False


def _tail(text: str, limit: int) -> str:
    """The last ``limit`` characters, starting at a word boundary when the text has spaces."""
    if len(text.lstrip()) <= limit:
        return text.lstrip()
    cut = text[-limit:]
    if not text[-limit - 1].isspace() and not cut[0].isspace():
        space = cut.find(" ")
        if space != -1 and cut[space + 1 :].strip():
            cut = cut[space + 1 :]
    return cut.lstrip()


def _head(text: str, limit: int) -> str:
    """The first ``limit`` characters, ending at a word boundary when the text has spaces."""
    if len(text.rstrip()) <= limit:
        return text.rstrip()
    cut = text[:limit]
    if not text[limit].isspace() and not cut[-1].isspace():
        space = cut.rfind(" ")
        if space != -1 and cut[:space].strip():
            cut = cut[:space]
    return cut.rstrip()


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return _head(text, limit - 1).rstrip(" ,;:") + "…"
