"""Feed content is read far from the site, so its links and images need absolute URLs."""

from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

URL_ATTRIBUTES = {"a": "href", "img": "src", "audio": "src", "video": "src", "source": "src", "iframe": "src"}


def absolutize(html: str, base_url: str) -> str:
    """`html` with every relative link and media address resolved against `base_url`."""
    if not html or ("href=" not in html and "src=" not in html):
        return html
    tree = LexborHTMLParser(html)
    for tag, attribute in URL_ATTRIBUTES.items():
        for node in tree.css(f"{tag}[{attribute}]"):
            value = node.attributes.get(attribute) or ""
            if value and not value.startswith(("http://", "https://", "mailto:", "#", "data:")):
                node.attrs[attribute] = urljoin(base_url, value)
    return tree.body.inner_html if tree.body else html
