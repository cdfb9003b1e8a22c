"""TrackBack (Six Apart): a form POST to ``<page>/trackback/`` answered with a small XML document.

Unlike WordPress, the source must really link to the page before anything is stored; only ``url``
is required (as the spec says), and the sender's charset is honoured.
"""

from __future__ import annotations

import codecs
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException, ElementTree
from wagtail.models import Page

from discussion import moderation
from discussion.models import Response, takes_linkbacks
from discussion.text import clean_line, clean_text

from . import excerpt, receiving

TITLE_MAX = 250
EXCERPT_MAX = 500
BLOG_NAME_MAX = 200
REFUSED_CHARSETS = {"utf-7", "utf_7", "u7", "unicode-1-1-utf-7"}


def reply(error: str = "") -> str:
    """The spec's answer: ``<error>0</error>``, or ``1`` with a message."""
    body = f"<error>1</error><message>{escape(error)}</message>" if error else "<error>0</error>"
    return f'<?xml version="1.0" encoding="utf-8"?>\n<response>{body}</response>\n'


def read_reply(content: bytes) -> tuple[bool, str]:
    """A receiver's answer to our ping: (refused, message). An answer that is not the spec's XML
    counts as accepted, as WordPress counts it, with the reason in the message."""
    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return False, "The answer was not a TrackBack reply; counted as sent."
    error = (root.findtext("error") or "").strip()
    message = excerpt.collapse(root.findtext("message") or "")[:500]
    return error not in ("", "0"), message


def decode_form(body: bytes, content_type: str) -> dict[str, str]:
    """Form fields decoded with the charset from the Content-Type or the ``charset`` field (else UTF-8)."""
    charset = ""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"')
    try:
        fields = dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True, max_num_fields=20, encoding="latin-1"))
    except ValueError:
        raise receiving.LinkbackError("A trackback has at most 20 form fields.") from None
    charset = charset or fields.get("charset", "") or "utf-8"
    try:
        codec = codecs.lookup(charset).name
    except (LookupError, ValueError):
        raise receiving.LinkbackError(f"Unknown charset {charset[:40]!r}.") from None
    if codec in REFUSED_CHARSETS:
        raise receiving.LinkbackError("The UTF-7 charset is not accepted.")
    try:
        return {key: value.encode("latin-1").decode(codec, errors="replace") for key, value in fields.items()}
    except (LookupError, UnicodeError):  # rot13, base64…: not text encodings; idna refuses errors="replace"
        raise receiving.LinkbackError(f"The charset {charset[:40]!r} is not a text encoding; send UTF-8.") from None


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain(html: str) -> str:
    """Senders put tags in excerpts; keep the text."""
    text = clean_text(html)
    return excerpt.collapse(excerpt.parse(f"<p>{text}</p>").body.text()) if "<" in text or "&" in text else text


def receive(page: Page, fields: dict[str, str], context: moderation.RequestContext) -> Response:
    """Verify and register one trackback to ``page``; raises ``receiving.LinkbackError`` when refused."""
    source = fields.get("url", "").strip()
    if not source:
        raise receiving.LinkbackError("The url parameter is required.")
    target = page.full_url or ""
    receiving.check_source(source)
    receiving.throttle(context.ip, source)
    receiving.check_not_same(source, target)
    if not takes_linkbacks(page):
        raise receiving.TargetRefused("This page does not take trackbacks.")
    if not page.linkbacks_open():
        raise receiving.TargetClosed("Sorry, trackbacks are closed for this item.")
    receiving.check_not_registered(page, source)
    verified = receiving.verify(source, target, page=page, in_request=True)
    title = _shorten(clean_line(fields.get("title", "")), TITLE_MAX) or verified.title
    sender_excerpt = _shorten(_plain(fields.get("excerpt", "")), EXCERPT_MAX)
    blog_name = _shorten(clean_line(fields.get("blog_name", "")), BLOG_NAME_MAX)
    response = receiving.new_response(
        Response.Kind.TRACKBACK, page, verified, author_name=blog_name or title, content=sender_excerpt
    )
    response.source_title = title[:300]
    return receiving.submit(response, context)
