"""The comment form as a reader's browser sees it: read from the page, so the POSTs carry what it does.

Its hidden fields (the signed time token, and a CSRF token if the page has one) and any cookie the
page set are sent back unchanged; the visible fields are filled per request by bench/load.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin

from .load import fetch

FILLED = ("hidden", "text", "url", "email")  # input types a browser sends as typed (checkboxes only when ticked)


@dataclass(frozen=True)
class CommentForm:
    action: str  # absolute URL
    fields: str  # urlencoded hidden and empty fields
    cookie: str


class FormReader(HTMLParser):
    """Collects the action and inputs of the form that holds a `token` field."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append((attrs.get("action", ""), {}))
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("name") and attrs.get("type", "text") in FILLED:
            self.forms[-1][1][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def parse_comment_form(html: str) -> tuple[str, dict[str, str]]:
    reader = FormReader()
    reader.feed(html)
    for action, inputs in reader.forms:
        if "token" in inputs:
            return action, inputs
    raise RuntimeError("The page has no comment form.")


def comment_form(url: str) -> CommentForm:
    page = fetch(url)
    action, inputs = parse_comment_form(page.body.decode())
    hidden = {name: value for name, value in inputs.items() if name not in {"author_name", "author_email", "content"}}
    cookies = SimpleCookie()
    for header in page.set_cookies:
        cookies.load(header)
    return CommentForm(
        action=urljoin(url, action),
        fields=urlencode(hidden),
        cookie="; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items()),
    )
