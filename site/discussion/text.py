"""Reader text to safe HTML: paragraphs, line breaks and auto-linked URLs, then sanitised by nh3.

Readers write plain text; nothing they type is trusted as markup. The HTML we build is passed
through nh3 anyway, so a mistake here can never let markup or a `javascript:` link through.
"""

import re
from urllib.parse import urlsplit

import nh3

# Characters that reorder or hide text (bidi overrides, zero-width spaces, BOM): useful for
# spoofing ("txt.exe" shown as "exe.txt"), never needed in a comment.
INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
# Reader text only ever produces p, br and a; the rest lets imported comments keep simple formatting.
ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li"}


# Markup left in a linkback excerpt by the sender's page or a truncation: whole tags (`<em>`),
# closing tags cut off at the front (`accel…/strong>`), and a tag cut off at the end (`<a href="x`).
HTML_TAG_NAMES = (
    "a|abbr|b|blockquote|br|cite|code|del|div|em|figure|figcaption|h[1-6]|hr|i|img|ins|li|mark|ol|p|pre|q|"
    "s|small|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul"
)
MARKUP_REMNANT = re.compile(
    rf"<\s*/?\s*(?:{HTML_TAG_NAMES})\b[^<>]*>|(?<![\w<])/(?:{HTML_TAG_NAMES})>|<\s*/?\s*(?:{HTML_TAG_NAMES})\b[^<>]*$",
    re.IGNORECASE,
)


def clean_excerpt(value: str) -> str:
    """A linkback excerpt as words: stray markup removed, spaces collapsed, the […] marks kept."""
    return " ".join(MARKUP_REMNANT.sub(" ", clean_text(value)).split())


def clean_text(value: str) -> str:
    """Normalise newlines and remove control and invisible/bidi characters from multi-line text."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return INVISIBLE.sub("", CONTROL.sub("", value)).strip()


def clean_line(value: str) -> str:
    """A single-line field (name, URL): also drops the zero-width joiner and collapses whitespace."""
    return " ".join(clean_text(value).replace("\u200d", "").split())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _linkify(line: str) -> str:
    parts, last = [], 0
    for match in URL.finditer(line):
        url = match.group(0)
        trimmed = url.rstrip(TRAILING_PUNCTUATION)
        if trimmed.count("(") > trimmed.count(")") and url[len(trimmed) : len(trimmed) + 1] == ")":
            trimmed += ")"
        parts.append(_escape(line[last : match.start()]))
        parts.append(f'<a href="{_escape(trimmed)}">{_escape(trimmed)}</a>')
        last = match.start() + len(trimmed)
    parts.append(_escape(line[last:]))
    return "".join(parts)


def render(text: str) -> str:
    """Plain text to sanitised HTML; links get rel="nofollow ugc"."""
    paragraphs = [p for p in re.split(r"\n\s*\n", clean_text(text)) if p.strip()]
    html = "".join("<p>" + "<br>\n".join(_linkify(line) for line in p.split("\n")) + "</p>\n" for p in paragraphs)
    return sanitise(html)


def sanitise(html: str) -> str:
    """The one gate for response HTML, also for linkback excerpts and imported comments."""
    return nh3.clean(
        INVISIBLE.sub("", html),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow ugc",
        strip_comments=True,
    )


def count_links(html: str) -> int:
    return html.count("<a ")


def http_url(url: str) -> str:
    """The URL when it is http(s), else "": what may become a link or an image from a stranger's data."""
    try:
        scheme = urlsplit(url or "").scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""
