"""Turn a WordPress post body into StreamField data for ``blog.blocks.BodyBlock``.

Bodies come in two dialects: classic HTML (paragraphs implied by blank lines, shortcodes such as
[caption], [gallery] and [embed]) and Gutenberg, where the same HTML is wrapped in
``<!-- wp:name {"attrs"} -->`` comments. Both end up as paragraph (rich text), image, quote, embed
and code blocks. Markup that has no block of its own is kept as sanitised HTML in a paragraph and
named in the notes, so nothing the author wrote disappears without the person importing being told.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import lxml.html
import nh3
from lxml.etree import ParserError

# Tags the blog's rich text editor understands (RICH_TEXT_FEATURES); anything else is "kept as HTML".
EDITOR_TAGS = {"p", "h2", "h3", "h4", "b", "strong", "i", "em", "a", "ol", "ul", "li", "blockquote", "code", "hr", "br"}
INLINE_TAGS = {
    "a",
    "abbr",
    "acronym",
    "b",
    "bdi",
    "bdo",
    "big",
    "br",
    "cite",
    "code",
    "data",
    "del",
    "dfn",
    "em",
    "font",
    "i",
    "img",
    "ins",
    "kbd",
    "mark",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "time",
    "tt",
    "u",
    "var",
    "wbr",
}
FLATTENED_TAGS = {"div", "section", "article", "main", "aside", "header", "footer", "center"}
UNSAFE_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea", "select", "frame"}
# Shortcodes of WordPress and Jetpack that have no block here: kept as text, and said so.
KNOWN_SHORTCODES = {
    "audio",
    "video",
    "playlist",
    "wpvideo",
    "youtube",
    "vimeo",
    "soundcloud",
    "spotify",
    "tweet",
    "instagram",
    "googlemaps",
    "slideshow",
    "contact-form",
    "contact-field",
    "archives",
    "sitemap",
    "code",
    "sourcecode",
    "latex",
    "polldaddy",
    "recipe",
    "portfolio",
    "testimonials",
}
DYNAMIC_BLOCKS = {
    "archives",
    "calendar",
    "categories",
    "latest-comments",
    "latest-posts",
    "rss",
    "search",
    "tag-cloud",
    "page-list",
    "loginout",
    "social-links",
    "query",
    "post-title",
    "post-content",
    "navigation",
}
CONTAINER_BLOCKS = {"group", "columns", "column", "media-text", "cover", "buttons", "row", "stack", "details"}
SANITISE_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"alt", "src", "width", "height", "title"},
    "a": {"href", "title"},
}


class MediaLookup(Protocol):
    """What the converter needs to know about imported attachments (``media.Attachments`` during an import)."""

    def image_id(self, attachment_id: str | None, url: str | None) -> int | None: ...

    def attachment_url(self, attachment_id: str) -> str | None: ...

    def media_url(self, url: str) -> str: ...

    def gallery(self, post_id: str) -> list[str]: ...


class NoMedia:
    """Nothing imported: every image stays remote."""

    def image_id(self, attachment_id: str | None, url: str | None) -> int | None:
        return None

    def attachment_url(self, attachment_id: str) -> str | None:
        return None

    def media_url(self, url: str) -> str:
        return url

    def gallery(self, post_id: str) -> list[str]:
        return []


@dataclass
class Conversion:
    blocks: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def add(self, block_type: str, value) -> None:
        if block_type == "paragraph":
            value = value.strip()
            if not value:
                return
            if self.blocks and self.blocks[-1]["type"] == "paragraph":  # one rich text block per run of prose
                self.blocks[-1]["value"] += value
                return
        self.blocks.append({"type": block_type, "value": value})


def convert(
    body: str, media: MediaLookup | None = None, post_id: str = "", reusable: dict[str, str] | None = None
) -> Conversion:
    """Convert a post body; ``post_id`` lets a bare [gallery] find the post's own images, and
    ``reusable`` (wp_block id -> content) lets a reusable block be written out where it is used."""
    converter = _Converter(media or NoMedia(), post_id, reusable or {})
    if "<!-- wp:" in body:
        converter.gutenberg(body)
    else:
        converter.classic(body)
    return converter.result


# --- shortcodes ---------------------------------------------------------------------------------

_SHORTCODE = re.compile(
    r"\[(?P<name>caption|wp_caption|gallery|embed)\b(?P<attrs>[^\]]*)\]"
    r"(?:(?P<inner>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)""")
_OTHER_SHORTCODE = re.compile(r"\[([a-zA-Z][\w-]*)(?=[\s\]/])[^\]]*\]")


def shortcode_attrs(text: str) -> dict[str, str]:
    """WordPress's shortcode_parse_atts: name="v", name='v', name=v; positional values get 0, 1, ..."""
    attrs: dict[str, str] = {}
    position = 0
    for match in _ATTR.finditer(html.unescape(text)):
        if match.group(1):
            attrs[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            attrs[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            attrs[match.group(5).lower()] = match.group(6)
        else:
            attrs[str(position)] = match.group(7) if match.group(7) is not None else match.group(8)
            position += 1
    return attrs


# --- Gutenberg block comments ---------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*?\}\s+)?(?P<void>/)?-->",
    re.DOTALL,
)


@dataclass
class Block:
    name: str
    attrs: dict
    full: str = ""  # everything between its opening and closing comments, inner blocks included
    inner: list[Block] = field(default_factory=list)


def parse_blocks(body: str) -> list[Block | str]:
    """Top-level blocks and the freeform HTML between them, like WordPress's parse_blocks()."""
    root = Block("root", {})
    stack = [root]
    position = 0

    def close() -> None:
        finished = stack.pop()
        stack[-1].inner.append(finished)
        stack[-1].full += finished.full

    for match in _BLOCK_COMMENT.finditer(body):
        between = body[position : match.start()]
        position = match.end()
        if len(stack) > 1:
            stack[-1].full += between
        elif between.strip():
            root.inner.append(between)  # type: ignore[arg-type]
        name = match.group("name").removeprefix("core/")
        if match.group("closer"):
            if len(stack) > 1 and stack[-1].name == name:
                close()
            continue
        try:
            attrs = json.loads(match.group("attrs")) if match.group("attrs") else {}
        except ValueError:
            attrs = {}
        stack.append(Block(name, attrs if isinstance(attrs, dict) else {}))
        if match.group("void"):
            close()
    tail = body[position:]
    if len(stack) > 1:  # unclosed blocks: keep what they hold
        stack[-1].full += tail
        tail = ""
    while len(stack) > 1:
        close()
    if tail.strip():
        root.inner.append(tail)  # type: ignore[arg-type]
    return root.inner  # type: ignore[return-value]


# --- the converter --------------------------------------------------------------------------------


_VOID = re.compile(r"<(area|br|col|hr|img|wbr)\b([^>]*?)\s*/?>", re.IGNORECASE)


def sanitise(markup: str) -> str:
    """nh3-clean HTML, with void elements closed (``<br/>``) as Wagtail's rich text editor expects."""
    clean = nh3.clean(markup, attributes=SANITISE_ATTRIBUTES, link_rel="noopener noreferrer nofollow").strip()
    return _VOID.sub(r"<\1\2/>", clean)


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _tags(markup: str) -> set[str]:
    return {tag.lower() for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9-]*)", markup)}


def autop(text: str) -> str:
    """A small wpautop: blank lines separate paragraphs, single newlines become <br>."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()]
    return "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)


class _Converter:
    def __init__(self, media: MediaLookup, post_id: str, reusable: dict[str, str]):
        self.media = media
        self.post_id = post_id
        self.reusable = reusable
        self.expanding: set[str] = set()
        self.result = Conversion()

    # Gutenberg ------------------------------------------------------------------------------------

    def gutenberg(self, body: str) -> None:
        for node in parse_blocks(body):
            if isinstance(node, str):
                self.classic(node)
            else:
                self.block(node)

    def block(self, block: Block) -> None:
        name, attrs = block.name, block.attrs
        if name.startswith("core-embed/"):
            self.embed(attrs.get("url") or _first_url(block.full))
            return
        handler: Callable[[Block], None] | None = getattr(self, "block_" + name.replace("-", "_"), None)
        if handler is not None and "/" not in name:
            handler(block)
        elif name in ("paragraph", "heading", "list", "list-item", "separator"):
            self.prose(block.full, allow_autop=False)
        elif name in ("quote", "pullquote", "code", "preformatted"):
            self.elements(block.full, allow_autop=False)
        elif name in ("embed", "video-embed"):
            self.embed(attrs.get("url") or _first_url(block.full))
        elif name in ("more", "nextpage", "spacer"):
            return
        elif name in DYNAMIC_BLOCKS:
            self.result.note(f"dynamic block wp:{name} (drawn by WordPress when viewed) has no content to import")
        elif name == "shortcode":
            self.classic(block.full)
        elif name in CONTAINER_BLOCKS or block.inner:
            if name not in CONTAINER_BLOCKS:
                self.result.note(f"block wp:{name} flattened to its inner blocks")
            self.layout(block)
        else:
            self.keep_html(block.full, f"block wp:{name}")

    def layout(self, block: Block) -> None:
        """Columns, groups, covers: the layout goes, their content stays in reading order."""
        if block.name in ("columns", "group", "cover", "media-text"):
            self.result.note(f"layout of wp:{block.name} flattened (its content is kept in order)")
        if block.name == "media-text" and block.attrs.get("mediaId"):
            self.image(str(block.attrs["mediaId"]), block.attrs.get("mediaUrl"), "", "")
        if block.name == "cover" and block.attrs.get("url"):
            self.image(str(block.attrs.get("id") or "") or None, block.attrs["url"], "", "")
        for inner in block.inner:
            self.block(inner)

    def block_image(self, block: Block) -> None:
        self.elements(block.full, allow_autop=False, attachment_id=str(block.attrs.get("id") or "") or None)

    def block_gallery(self, block: Block) -> None:
        if block.inner:  # WordPress 5.9+: a gallery is a group of image blocks
            for inner in block.inner:
                self.block(inner)
            return
        ids = [str(i) for i in block.attrs.get("ids") or []]
        fragment = _fragment(block.full)
        images = fragment.xpath(".//img") if fragment is not None else []
        for position, img in enumerate(images):
            attachment_id = img.get("data-id") or (ids[position] if position < len(ids) else None)
            caption = ""
            figure = img.getparent()
            while figure is not None and figure.tag not in ("figure", "li"):
                figure = figure.getparent()
            if figure is not None:
                captions = figure.xpath(".//figcaption")
                caption = _text(captions[0]) if captions else ""
            self.image(attachment_id, img.get("src"), img.get("alt", ""), caption)

    def block_block(self, block: Block) -> None:
        """A reusable block: its content lives in a wp_block item of the export."""
        ref = str(block.attrs.get("ref", ""))
        if ref in self.expanding:
            self.result.note(f"reusable block {ref} includes itself; written out once")
            return
        if ref not in self.reusable:
            self.result.note(f"reusable block {ref} is not in the export")
            return
        self.expanding.add(ref)
        self.gutenberg(self.reusable[ref])
        self.expanding.discard(ref)

    def block_verse(self, block: Block) -> None:
        fragment = _fragment(block.full)
        if fragment is not None:
            lines = [html.escape(line) for line in fragment.text_content().strip("\n").split("\n")]
            self.rich_text("<p>" + "<br>".join(lines) + "</p>")

    def block_html(self, block: Block) -> None:
        self.keep_html(block.full, "custom HTML block (wp:html)")

    def block_table(self, block: Block) -> None:
        self.keep_html(block.full, "table")

    def block_audio(self, block: Block) -> None:
        self.keep_html(block.full, "audio player (wp:audio)")

    def block_video(self, block: Block) -> None:
        self.keep_html(block.full, "video player (wp:video)")

    def block_file(self, block: Block) -> None:
        self.keep_html(block.full, "file download (wp:file)")

    def block_button(self, block: Block) -> None:
        self.keep_html(block.full, "button (wp:button)")

    # classic HTML and shortcodes ---------------------------------------------------------------------

    def classic(self, body: str) -> None:
        body = re.sub(r"<!--\s*(more|nextpage|noteaser)\b.*?-->", "", body)
        position = 0
        for match in _SHORTCODE.finditer(body):
            self.prose(body[position : match.start()])
            position = match.end()
            self.shortcode(match.group("name"), shortcode_attrs(match.group("attrs")), match.group("inner") or "")
        self.prose(body[position:])

    def shortcode(self, name: str, attrs: dict[str, str], inner: str) -> None:
        if name in ("caption", "wp_caption"):
            fragment = _fragment(inner)
            img = fragment.xpath(".//img") if fragment is not None else []
            if not img:
                self.prose(inner)
                return
            caption = (
                attrs.get("caption")
                or re.sub(r"\s+", " ", _strip_tags(re.sub(r"<a\b.*?</a>|<img[^>]*>", "", inner, flags=re.S))).strip()
            )
            attachment_id = attrs.get("id", "").removeprefix("attachment_") or _wp_image_id(img[0])
            self.image(attachment_id or None, img[0].get("src"), img[0].get("alt", ""), caption)
        elif name == "gallery":
            ids = [i.strip() for i in (attrs.get("ids") or attrs.get("include") or "").split(",") if i.strip()]
            if not ids:
                excluded = {i.strip() for i in attrs.get("exclude", "").split(",")}
                ids = [i for i in self.media.gallery(attrs.get("id") or self.post_id) if i not in excluded]
            if not ids:
                self.result.note("[gallery] whose images were not imported")
            for attachment_id in ids:
                self.image(attachment_id, None, "", "")
        elif name == "embed":
            self.embed(html.unescape(_strip_tags(inner)).strip() or attrs.get("src", ""))

    def prose(self, text: str, allow_autop: bool = True) -> None:
        if not text.strip():
            return
        for match in _OTHER_SHORTCODE.finditer(text):
            if match.group(1).lower() in KNOWN_SHORTCODES:
                self.result.note(f"shortcode [{match.group(1)}] kept as text")
        lines = []
        for line in text.split("\n"):
            url = line.strip()
            if allow_autop and re.fullmatch(r"https?://\S+", url) and _embeddable(html.unescape(url)):
                self.elements("\n".join(lines), allow_autop)
                lines = []
                self.embed(html.unescape(url))
            else:
                lines.append(line)
        self.elements("\n".join(lines), allow_autop)

    def elements(self, markup: str, allow_autop: bool = True, attachment_id: str | None = None) -> None:
        """Walk the top-level elements: prose runs become rich text, figures, quotes and code their blocks."""
        root = _fragment(markup)
        if root is None:
            return
        run: list[str] = []

        def flush() -> None:
            if run:
                chunk = "".join(run)
                self.rich_text(autop(chunk) if allow_autop else chunk)
                run.clear()

        if root.text:
            run.append(html.escape(root.text, quote=False))
        for element in root:
            tag = element.tag if isinstance(element.tag, str) else ""
            tail = element.tail or ""
            element.tail = None
            if not tag:  # comments, processing instructions
                pass
            elif tag in INLINE_TAGS and _lone_image(element, inline_only=True) is None:
                run.append(lxml.html.tostring(element, encoding="unicode"))
            else:
                flush()
                self.element(element, attachment_id)
            if tail:
                run.append(html.escape(tail, quote=False))
        flush()

    def element(self, element, attachment_id: str | None = None) -> None:
        tag = element.tag
        img = _lone_image(element)
        if img is not None:
            self.image(attachment_id or _wp_image_id(img), img.get("src"), img.get("alt", ""), "")
            return
        if tag in ("p", "h2", "h3", "h4", "ul", "ol", "hr"):
            self.rich_text(lxml.html.tostring(element, encoding="unicode"))
        elif tag in ("h1", "h5", "h6"):
            element.tag = {"h1": "h2", "h5": "h4", "h6": "h4"}[tag]
            self.rich_text(lxml.html.tostring(element, encoding="unicode"))
        elif tag == "blockquote":
            self.quote(element)
        elif tag == "pre":
            code = element.find(".//code")
            source = code if code is not None else element
            language = re.search(
                r"(?:language|lang)[-:](\w+)", " ".join([element.get("class", ""), source.get("class", "")])
            )
            self.result.add(
                "code", {"language": language.group(1) if language else "", "code": source.text_content().strip("\n")}
            )
        elif tag == "figure":
            img = element.xpath(".//img")
            if img:
                captions = element.xpath(".//figcaption")
                self.image(
                    attachment_id or _wp_image_id(img[0]),
                    img[0].get("src"),
                    img[0].get("alt", ""),
                    _text(captions[0]) if captions else "",
                )
            else:
                self.elements(_inner_html(element), attachment_id=attachment_id)
        elif tag in FLATTENED_TAGS:
            self.elements(_inner_html(element), attachment_id=attachment_id)
        else:
            self.keep_html(lxml.html.tostring(element, encoding="unicode"), f"<{tag}>")

    def rich_text(self, markup: str) -> None:
        markup = self.players_to_links(self.localise_images(markup))
        extra = _tags(markup) - EDITOR_TAGS - {"img"}
        removed = _tags(markup) & UNSAFE_TAGS
        clean = sanitise(markup)
        if removed:
            self.result.note(f"unsafe markup removed: {', '.join(sorted(f'<{t}>' for t in removed))}")
        if extra - removed:
            self.result.note(
                "markup beyond the editor's features kept as HTML: "
                + ", ".join(sorted(f"<{t}>" for t in extra - removed))
            )
        if "<img" in clean:
            self.result.note("image inside text kept inline")
        self.result.add("paragraph", clean)

    def keep_html(self, markup: str, what: str) -> None:
        if not markup.strip():
            return
        markup = self.players_to_links(self.localise_images(markup))
        removed = _tags(markup) & UNSAFE_TAGS
        clean = sanitise(markup)
        self.result.note(f"{what} kept as sanitised HTML")
        if removed:
            self.result.note(f"unsafe markup removed: {', '.join(sorted(f'<{t}>' for t in removed))}")
        if _strip_tags(clean).strip() or "<img" in clean:
            self.result.add("paragraph", clean)

    def players_to_links(self, markup: str) -> str:
        """Audio, video and iframes cannot be kept safely; a link to what they played can."""
        found: set[str] = set()

        def link(match: re.Match) -> str:
            found.add(match.group(1).lower())
            source = (
                _attribute(match.group(2), "src")
                or _attribute(match.group(2), "data")
                or _attribute(match.group(3), "src")
            )
            if not source.startswith(("http://", "https://", "/")):
                return ""
            url = html.escape(self.media.media_url(source))
            return f'<a href="{url}">{url}</a>'

        markup = _PLAYER.sub(link, markup)
        markup = _VOID_PLAYER.sub(link, markup)
        if found:
            self.result.note(", ".join(f"<{t}>" for t in sorted(found)) + " replaced by a link to what it played")
        return markup

    def localise_images(self, markup: str) -> str:
        return re.sub(r'(<img\b[^>]*\bsrc=")([^"]+)', lambda m: m.group(1) + self.media.media_url(m.group(2)), markup)

    def quote(self, element) -> None:
        structural = (
            {child.tag for child in element.iter() if isinstance(child.tag, str)}
            - INLINE_TAGS
            - {"blockquote", "p", "cite", "footer", "br"}
        )
        if structural:  # lists, headings, figures in a quote: keep it as a rich text blockquote
            self.rich_text(lxml.html.tostring(element, encoding="unicode"))
            return
        attribution = ""
        for cite in element.xpath(".//cite | .//footer"):
            attribution = attribution or _text(cite)
            cite.drop_tree()
        paragraphs = element.xpath("./p")
        text = "\n\n".join(_text(p) for p in paragraphs) if paragraphs else _text(element)
        if text:
            self.result.add("quote", {"text": text, "attribution": attribution})

    def image(self, attachment_id: str | None, url: str | None, alt: str, caption: str) -> None:
        image_id = self.media.image_id(attachment_id, url)
        url = url or (self.media.attachment_url(attachment_id) if attachment_id else None)
        if image_id is None:
            if url:
                self.result.note("image left remote (not imported)")
                alt_attr = html.escape(alt)
                figure = f'<p><img src="{html.escape(self.media.media_url(url))}" alt="{alt_attr}"></p>'
                self.result.add("paragraph", sanitise(figure + (f"<p>{html.escape(caption)}</p>" if caption else "")))
            else:
                self.result.note(f"image attachment {attachment_id} not found in the export")
            return
        self.result.add("image", {"image": image_id, "alt_text": alt[:255], "caption": caption[:255]})

    def embed(self, url: str) -> None:
        if url:
            self.result.add("embed", url)


_PLAYER = re.compile(r"<(audio|video|iframe|object)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_VOID_PLAYER = re.compile(r"<(embed)\b([^>]*?)/?>()", re.IGNORECASE)


def _attribute(markup: str, name: str) -> str:
    match = re.search(rf"""(?<![\w-]){name}\s*=\s*["']([^"']+)["']""", markup, re.IGNORECASE)
    return html.unescape(match.group(1)).strip() if match else ""


def _embeddable(url: str) -> bool:
    """WordPress auto-embeds a URL alone on its line when an oEmbed provider claims it; so do we."""
    from wagtail.embeds.finders import get_finders

    return any(finder.accept(url) for finder in get_finders())


def _lone_image(element, inline_only: bool = False):
    """The <img> of an element that is only an image (perhaps in a link or a paragraph of its own)."""
    images = element.xpath("descendant-or-self::img")
    allowed = ("img", "a") if inline_only else ("img", "a", "p", "span", "figure")
    if len(images) != 1 or _text(element) or element.tag not in allowed:
        return None
    return images[0]


def _fragment(markup: str):
    if not markup.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return None


def _inner_html(element) -> str:
    return html.escape(element.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in element
    )


def _strip_tags(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


def _first_url(markup: str) -> str:
    match = re.search(r"https?://[^\s<\"']+", markup)
    return html.unescape(match.group(0)) if match else ""


def _wp_image_id(img) -> str | None:
    match = re.search(r"\bwp-image-(\d+)\b", img.get("class", ""))
    return match.group(1) if match else img.get("data-id")
