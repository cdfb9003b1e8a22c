"""Reader text to HTML, and the avatar hash: pure functions, no database."""

import hashlib

import pytest

from discussion import text
from discussion.models import Response


def test_paragraphs_and_line_breaks():
    assert text.render("one\ntwo\n\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>\n"


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("see https://example.com/a.", "https://example.com/a"),
        ("(https://example.com/wiki/X_(y))", "https://example.com/wiki/X_(y)"),
        ("http://example.com/?a=1&b=2!", "http://example.com/?a=1&amp;b=2"),
    ],
)
def test_urls_become_nofollow_ugc_links(source, href):
    assert f'<a href="{href}" rel="nofollow ugc">' in text.render(source)


def test_markup_is_text_not_html():
    assert text.render("<b>bold</b> & co") == "<p>&lt;b&gt;bold&lt;/b&gt; &amp; co</p>\n"


def test_links_are_counted_after_autolinking():
    assert text.count_links(text.render("https://a.example and https://b.example")) == 2


def test_sanitise_keeps_simple_formatting_from_imports_and_forces_rel():
    html = text.sanitise('<p><strong>hi</strong> <a href="https://x.example" rel="follow" onclick="x">x</a></p>')
    assert html == '<p><strong>hi</strong> <a href="https://x.example" rel="nofollow ugc">x</a></p>'


def test_invisible_and_bidi_characters_are_removed():
    assert text.clean_line(" Mal\u202elory\u200b \u200d ") == "Mallory"
    assert text.clean_text("a\u2066b\u2069c\x07") == "abc"


def test_avatar_is_a_gravatar_hash_of_the_trimmed_lowercased_email():
    response = Response(author_email="  Mezzo@Example.COM ")
    digest = hashlib.sha256(b"mezzo@example.com").hexdigest()
    assert response.avatar_url == f"https://www.gravatar.com/avatar/{digest}?s=64&d=identicon"
    assert "mezzo" not in response.avatar_url.lower()


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("[…] accel…/strong> Latest from <em>The</em> Journal […]", "[…] accel… Latest from The Journal […]"),
        ('cut short <a href="https://example.com/x', "cut short"),
        ("2 </p><p> 3", "2 3"),
        ("x > y, a/b> c and <3", "x > y, a/b> c and <3"),
    ],
)
def test_linkback_excerpts_lose_stray_markup_but_keep_their_words(stored, shown):
    assert text.clean_excerpt(stored) == shown
