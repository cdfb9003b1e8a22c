"""Hostile input: XSS never comes out live, oversized input gets a clear 4xx, fuzzing never breaks."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from discussion import text
from discussion.models import Response
from tests.discussion.conftest import form_data, fresh_ip, make_response, post_comment

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data:text/html,<script>alert(1)</script>",
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    "<<img src=x onerror=alert(1)//<",
    "<iframe src=javascript:alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    'http://example.com/"onmouseover="alert(1)',
    "https://x.example/<script>alert(1)</script>",
    "java\u200bscript:alert(1)",
    "\u202egnp.exe and \u2066isolate\u2069 and zero\u200bwidth\ufeff",
    "<style>body{display:none}</style>",
    "<!--<script>alert(1)//-->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<a href=' javascript:alert(1)'>x</a>",
    "<form action=javascript:alert(1)><button>x",
    "<details open ontoggle=alert(1)>",
    "<p style=\"background:url('javascript:alert(1)')\">styled</p>",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "</textarea><script>alert(1)</script>",
]
SAFE_SCHEMES = {"", "http", "https"}
DANGEROUS_TAGS = {"script", "svg", "iframe", "style", "math", "object", "embed", "details", "base", "meta"}
INVISIBLE = "\u202e\u202d\u2066\u2069\u200b\ufeff"


class LiveMarkup(HTMLParser):
    """Collects what a browser would treat as markup: tags, event handlers, URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "formaction", "srcdoc"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme not in SAFE_SCHEMES or value.strip().lower().startswith(("javascript", "data")):
                    self.problems.append(f"{tag}[{name}={value}]")


def live_problems(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    return parser.problems


def discussion_section(html: str) -> str:
    """The thread and form as readers' words made them: the site's own deferred scripts left out."""
    start = html.index('<section class="discussion"')
    section = html[start : html.index("</section>", start)]
    return re.sub(rf'<script src="{re.escape(django_settings.STATIC_URL)}[^"<>]+" defer></script>', "", section)


FEEDS = ("discussion:feed", "discussion:feed_atom", "discussion:page_feed", "discussion:page_feed_atom")


def feed_problems(client, post, expected: int) -> list[str]:
    """Every responses feed, read as a feed reader would, without feedparser's own sanitiser."""
    problems = []
    for name in FEEDS:
        url = reverse(name, args=[post.pk] if name.startswith("discussion:page") else [])
        feed = feedparser.parse(client.get(url).content, sanitize_html=False)
        assert feed.bozo == 0 and len(feed.entries) >= expected, (name, feed.get("bozo_exception"))
        for entry in feed.entries:
            html = [entry.summary, *(c.value for c in entry.get("content", []))]
            if entry.title_detail.type != "text/plain":
                html.append(entry.title)
            problems += [f"{name}: {p}" for value in html for p in live_problems(value)]
            links = [entry.link, entry.get("author_detail", {}).get("href", "")]
            links += [link.href for link in entry.get("links", [])]
            problems += [f"{name}: link {link}" for link in links if link and not link.startswith("http")]
            problems += [f"{name}: {c!r}" for c in INVISIBLE if c in entry.title + entry.summary]
    return problems


def test_the_detector_sees_live_markup():
    assert live_problems("<img src=x onerror=alert(1)>") == ["img[onerror]"]
    assert live_problems('<a href=" javascript:alert(1)">x</a>')
    assert live_problems("<svg></svg><script></script>") == ["<svg>", "<script>"]
    assert live_problems('<a href="https://ok.example/">ok</a><p>&lt;script&gt;</p>') == []


@pytest.mark.parametrize("payload", XSS)
def test_text_renderer_never_outputs_live_markup(payload):
    html = text.render(payload)
    assert live_problems(html) == []
    assert not any(c in html for c in INVISIBLE)


def test_xss_corpus_through_the_form_never_comes_out_live(client, post, settings):
    settings.FEED_ITEMS = 100  # every payload in every feed
    for n, payload in enumerate(XSS):
        reply = post_comment(
            client,
            post,
            author_name=f"{payload[:150]} {n}",
            author_email=f"x{n}@example.com",
            content=f"{payload} #{n}",
        )
        assert reply.status_code == 303, payload
    assert Response.objects.filter(status="approved").count() >= len(XSS) - 5
    Response.objects.update(status="approved")
    section = discussion_section(client.get(post.url).content.decode())
    assert live_problems(section) == []
    assert not any(c in section for c in INVISIBLE)
    assert feed_problems(client, post, expected=len(XSS) - 5) == []


def test_hostile_rows_written_directly_are_neutralised(client, post, settings):
    """The WordPress importer writes rows directly; the page and feeds must still be safe."""
    settings.FEED_ITEMS = 100
    for n, payload in enumerate(XSS):
        make_response(
            post,
            author_name=payload,
            author_url="javascript:alert(1)",
            content=payload,
            content_html=payload,
            kind="pingback" if n % 2 else "comment",
            source_url="data:text/html,<script>alert(1)</script>",
            source_title=payload,
        )
    section = discussion_section(client.get(post.url).content.decode())
    assert live_problems(section) == []
    assert not any(c in section for c in INVISIBLE)
    assert feed_problems(client, post, expected=len(XSS)) == []


class PayloadRunsIn(HTMLParser):
    """For pages full of their own markup (the Wagtail admin): does any of *our* payloads run?"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script" and not any(v and "json" in v for k, v in attrs if k == "type")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if "alert" in value and (name.startswith("on") or name in ("style", "srcdoc")):
                self.problems.append(f"{tag}[{name}={value}]")
            if name in ("href", "src", "action", "formaction") and value.startswith(("javascript", "data:", "jav")):
                self.problems.append(f"{tag}[{name}={value}]")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(1)" in data:
            self.problems.append(f"<script>{data[:60]}")


def test_hostile_responses_are_inert_in_the_admin(admin_client, post):
    for n, payload in enumerate(XSS):
        make_response(
            post,
            status="pending",
            author_name=payload,
            author_url="javascript:alert(1)",
            author_photo="javascript:alert(1)",
            content=payload,
            kind="webmention" if n % 2 else "comment",
            source_url="data:text/html,<script>alert(1)</script>",
            source_title=payload,
            akismet_payload={"comment_content": payload},
        )
    pages = [reverse("wagtailsnippets_discussion_response:list"), reverse("wagtailadmin_home")]
    pages += [reverse("wagtailsnippets_discussion_response:list") + "?q=alert"]
    pages += [reverse("wagtailsnippets_discussion_response:edit", args=[r.pk]) for r in Response.objects.all()]
    for url in pages:
        reply = admin_client.get(url)
        assert reply.status_code == 200, url
        parser = PayloadRunsIn()
        parser.feed(reply.content.decode())
        assert parser.problems == [], url
    listing = admin_client.get(pages[0]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing, "the names are listed, as text"
    assert "Responses (26)" in admin_client.get(pages[1]).content.decode()
    detector = PayloadRunsIn()
    detector.feed('<img src=x onerror=alert(1)><a href="javascript:alert(1)"></a><script>alert(1)</script>')
    assert len(detector.problems) == 3


def test_email_never_reaches_the_page_or_feeds(client, post):
    make_response(post, author_email="Secret.Person@Example.com")
    assert "secret.person" not in client.get(post.url).content.decode().lower()
    assert b"secret.person" not in client.get(reverse("discussion:feed")).content.lower()
    assert b"secret.person" not in client.get(reverse("discussion:page_feed_atom", args=[post.pk])).content.lower()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("content", "x" * 20_001, "Ensure this value has at most 20000 characters"),
        ("author_name", "n" * 201, "Ensure this value has at most 200 characters"),
        ("author_email", "e" * 250 + "@example.com", "at most 254 characters"),
        ("author_url", "https://example.com/" + "p" * 500, "at most 500 characters"),
        ("content", "nul\x00byte", "Null characters are not allowed."),
        ("content", "   \u200b\u202e  ", "Please write a comment."),
        ("author_name", "\u200b\u202e", "Please enter your name."),
    ],
)
def test_oversized_or_empty_fields_get_a_clear_400(client, post, field, value, message):
    reply = post_comment(client, post, **{field: value})
    assert reply.status_code == 400
    assert message in reply.content.decode()
    assert not Response.objects.exists()


def test_oversized_body_gets_413(client, post):
    reply = post_comment(client, post, content="x" * 300_000)
    assert reply.status_code == 413
    assert "too large" in reply.content.decode()


def test_too_many_fields_is_a_4xx(client, post):
    data = form_data(post) | {f"f{n}": "x" for n in range(1100)}
    reply = client.post(reverse("discussion:post", args=[post.pk]), data, REMOTE_ADDR=fresh_ip())
    assert reply.status_code == 400


def test_huge_page_ids_are_404(client):
    huge = "9" * 30
    assert client.get(f"/discussion/{huge}/feed/").status_code == 404
    assert client.post(f"/discussion/{huge}/comment/", {}).status_code == 404


def test_non_utf8_body_is_not_a_500(client, post):
    body = b"author_name=\xff\xfe&author_email=a%40b.com&content=%C0%AF&token=x"
    reply = client.generic(
        "POST",
        reverse("discussion:post", args=[post.pk]),
        body,
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR=fresh_ip(),
    )
    assert 400 <= reply.status_code < 500


field_text = st.one_of(st.text(max_size=60), st.text(max_size=3000), st.sampled_from(XSS), st.just(""))


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=field_text,
    email=st.one_of(st.emails(), field_text),
    url=st.one_of(st.just(""), field_text),
    content=field_text,
    parent=st.one_of(st.just(""), st.integers(-5, 10**12).map(str), st.text(max_size=10)),
    valid_token=st.booleans(),
    honeypot=st.one_of(st.just(""), st.text(max_size=20)),
    notify=st.sampled_from(["", "on", "garbage"]),
)
def test_fuzzing_the_form_never_500s_or_corrupts_a_row(
    client, post, name, email, url, content, parent, valid_token, honeypot, notify
):
    token = form_data(post)["token"] if valid_token else "x"
    reply = post_comment(
        client,
        post,
        author_name=name,
        author_email=email,
        author_url=url,
        content=content,
        parent=parent,
        token=token,
        homepage=honeypot,
        notify_replies=notify,
    )
    assert reply.status_code in (303, 400, 403, 409, 413, 429), reply.status_code
    for response in Response.objects.filter(pk__gt=0).order_by("-pk")[:1]:
        assert response.status in Response.Status.values
        assert response.author_name.strip() and response.content.strip()
        assert live_problems(response.content_html) == []
        assert "\x00" not in response.content
    assert connection.is_usable()
