"""Read a WordPress eXtended RSS (WXR 1.0-1.2) export into plain dataclasses, safely.

The whole file is parsed before anything is written, so a truncated or malformed export is refused
with its line number and leaves the database untouched. defusedxml refuses entity declarations and
external references outright: WordPress never writes them, so their presence means a hostile file
(billion laughs, external entities reading local files or the network).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

_NAMESPACES = (
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
    (re.compile(r"^http://wellformedweb\.org/CommentAPI/$"), "wfw"),
)


class WXRError(Exception):
    """The file is not an export we can read; the message says why (and where) for the person importing."""


@dataclass
class WPAuthor:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class WPCategory:
    term_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class WPTag:
    term_id: str
    slug: str
    name: str
    description: str = ""


@dataclass
class WPTerm:
    """A term attached to an item: ``<category domain="post_tag" nicename="slug">Name</category>``."""

    domain: str
    slug: str
    name: str


@dataclass
class WPComment:
    comment_id: str
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    comment_type: str = ""
    parent_id: str = "0"
    user_id: str = "0"


@dataclass
class WPItem:
    """One ``<item>``: a post, page, attachment, menu item or any custom post type."""

    post_id: str
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    parent_id: str = "0"
    menu_order: int = 0
    comment_status: str = ""
    ping_status: str = ""
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[WPTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # first value of each key
    old_slugs: list[str] = field(default_factory=list)  # every _wp_old_slug (WordPress keeps them all)
    comments: list[WPComment] = field(default_factory=list)

    def terms_in(self, domain: str) -> list[WPTerm]:
        return [term for term in self.terms if term.domain == domain]


@dataclass
class WXRExport:
    version: str
    title: str = ""
    description: str = ""  # the blog's tagline
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    authors: list[WPAuthor] = field(default_factory=list)
    categories: list[WPCategory] = field(default_factory=list)
    tags: list[WPTag] = field(default_factory=list)
    items: list[WPItem] = field(default_factory=list)

    @property
    def site_url(self) -> str:
        """The blog's own address: WordPress's ``home``, the identity of everything imported from it."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


def _name(tag: str) -> str:
    """``{https://wordpress.org/export/1.2/}post_id`` -> ``wp:post_id``, whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    for pattern, prefix in _NAMESPACES:
        if pattern.match(uri):
            return f"{prefix}:{local}"
    return f"{{{uri}}}{local}"


def _fields(element: Element) -> dict[str, str]:
    """Child name -> text for the simple children (the first of each name wins)."""
    values: dict[str, str] = {}
    for child in element:
        values.setdefault(_name(child.tag), (child.text or "").strip())
    return values


def _author(element: Element) -> WPAuthor:
    f = _fields(element)
    return WPAuthor(
        login=f.get("wp:author_login", ""),
        email=f.get("wp:author_email", ""),
        display_name=f.get("wp:author_display_name", ""),
        first_name=f.get("wp:author_first_name", ""),
        last_name=f.get("wp:author_last_name", ""),
    )


def _category(element: Element) -> WPCategory:
    f = _fields(element)
    return WPCategory(
        term_id=f.get("wp:term_id", ""),
        slug=f.get("wp:category_nicename", ""),
        name=f.get("wp:cat_name", ""),
        parent_slug=f.get("wp:category_parent", ""),
        description=f.get("wp:category_description", ""),
    )


def _tag(element: Element) -> WPTag:
    f = _fields(element)
    return WPTag(
        term_id=f.get("wp:term_id", ""),
        slug=f.get("wp:tag_slug", ""),
        name=f.get("wp:tag_name", ""),
        description=f.get("wp:tag_description", ""),
    )


def _comment(element: Element) -> WPComment:
    f = _fields(element)
    return WPComment(
        comment_id=f.get("wp:comment_id", ""),
        author=f.get("wp:comment_author", ""),
        author_email=f.get("wp:comment_author_email", ""),
        author_url=f.get("wp:comment_author_url", ""),
        author_ip=f.get("wp:comment_author_IP", ""),
        date=f.get("wp:comment_date", ""),
        date_gmt=f.get("wp:comment_date_gmt", ""),
        content=_raw_text(element, "wp:comment_content"),
        approved=f.get("wp:comment_approved", "1"),
        comment_type=f.get("wp:comment_type", ""),
        parent_id=f.get("wp:comment_parent", "0") or "0",
        user_id=f.get("wp:comment_user_id", "0") or "0",
    )


def _raw_text(element: Element, name: str) -> str:
    """Body text keeps its inner whitespace (wpautop needs the blank lines)."""
    for child in element:
        if _name(child.tag) == name:
            return child.text or ""
    return ""


def _item(element: Element) -> WPItem:
    f = _fields(element)
    terms, meta, comments, old_slugs = [], {}, [], []
    for child in element:
        name = _name(child.tag)
        if name == "category":
            terms.append(
                WPTerm(domain=child.get("domain", ""), slug=child.get("nicename", ""), name=(child.text or "").strip())
            )
        elif name == "wp:postmeta":
            meta_fields = _fields(child)
            key, value = meta_fields.get("wp:meta_key", ""), meta_fields.get("wp:meta_value", "")
            meta.setdefault(key, value)
            if key == "_wp_old_slug" and value:
                old_slugs.append(value)
        elif name == "wp:comment":
            comments.append(_comment(child))
    try:
        menu_order = int(f.get("wp:menu_order") or 0)
    except ValueError:
        menu_order = 0
    return WPItem(
        post_id=f.get("wp:post_id", ""),
        post_type=f.get("wp:post_type", ""),
        title=f.get("title", ""),
        link=f.get("link", ""),
        guid=f.get("guid", ""),
        creator=f.get("dc:creator", ""),
        content=_raw_text(element, "content:encoded"),
        excerpt=_raw_text(element, "excerpt:encoded").strip(),
        post_date=f.get("wp:post_date", ""),
        post_date_gmt=f.get("wp:post_date_gmt", ""),
        post_name=f.get("wp:post_name", ""),
        status=f.get("wp:status", ""),
        parent_id=f.get("wp:post_parent", "0") or "0",
        menu_order=menu_order,
        comment_status=f.get("wp:comment_status", ""),
        ping_status=f.get("wp:ping_status", ""),
        password=f.get("wp:post_password", ""),
        is_sticky=f.get("wp:is_sticky", "0") == "1",
        attachment_url=f.get("wp:attachment_url", ""),
        terms=terms,
        meta=meta,
        old_slugs=old_slugs,
        comments=comments,
    )


_CHANNEL_CHILDREN = {"wp:author": "authors", "wp:category": "categories", "wp:tag": "tags", "item": "items"}
_READERS = {"authors": _author, "categories": _category, "tags": _tag, "items": _item}


def parse(source: str | Path | IO[bytes]) -> WXRExport:
    """Parse a whole export; raises ``WXRError`` naming the line of the first problem."""
    collected: dict[str, list] = {"authors": [], "categories": [], "tags": [], "items": []}
    channel: dict[str, str] = {}
    depth = 0
    root_name = ""
    try:
        for event, element in iterparse(source, events=("start", "end"), forbid_dtd=False):
            if event == "start":
                depth += 1
                if depth == 1:
                    root_name = _name(element.tag)
                    if root_name != "rss":
                        raise WXRError(f"This is not a WordPress export: the root element is <{root_name}>, not <rss>.")
                continue
            depth -= 1
            name = _name(element.tag)
            if depth == 2 and name in _CHANNEL_CHILDREN:  # rss > channel > (item | wp:author | ...)
                kind = _CHANNEL_CHILDREN[name]
                collected[kind].append(_READERS[kind](element))
                element.clear()
            elif depth == 2:
                channel.setdefault(name, (element.text or "").strip())
    except ParseError as exc:
        line, column = exc.position
        raise WXRError(
            f"The file is not well-formed XML at line {line}, column {column} ({_reason(exc)}); "
            "it may be truncated or damaged. Nothing was imported."
        ) from None
    except DefusedXmlException as exc:
        raise WXRError(
            f"The file was refused: {type(exc).__name__} ({exc}). WordPress exports never declare XML entities "
            "or reference external resources, so this file may be an attack (entity expansion or external "
            "entities). Nothing was imported."
        ) from None
    version = channel.get("wp:wxr_version", "")
    if not version:
        raise WXRError("This is not a WordPress export: the channel has no <wp:wxr_version>.")
    if version not in SUPPORTED_VERSIONS:
        raise WXRError(f"WXR version {version} is not supported (only {', '.join(SUPPORTED_VERSIONS)}).")
    return WXRExport(
        version=version,
        title=channel.get("title", ""),
        description=channel.get("description", ""),
        link=channel.get("link", ""),
        base_site_url=channel.get("wp:base_site_url", ""),
        base_blog_url=channel.get("wp:base_blog_url", ""),
        **collected,
    )


def _reason(exc: ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))
