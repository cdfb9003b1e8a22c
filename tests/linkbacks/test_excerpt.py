"""Excerpts: the words around the link, cut at word boundaries, right where WordPress is wrong."""

from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkbacks.excerpt import canonical, extract

TARGET = "https://blog.test/2011/mayo/"
LONG_BEFORE = (
    "Yesterday I read a long and thoughtful piece about hospital social media strategy, and after "
    "some reflection I think that"
)
LONG_AFTER = (
    "is the best summary so far; the follower counts alone are remarkable and worth a look for anyone "
    "in healthcare marketing who wants numbers."
)


def text(html: str, target: str = TARGET, source: str = "https://alice.test/post") -> str:
    found = extract(html, target, source)
    assert found is not None
    return found.text


def test_link_in_the_middle_keeps_about_100_characters_each_side_at_word_boundaries():
    excerpt = text(f'<p>{LONG_BEFORE} <a href="{TARGET}">Bob’s write-up</a> {LONG_AFTER}</p>')
    assert excerpt.startswith("[…] ") and excerpt.endswith(" […]")
    body = excerpt[4:-4]
    before, after = body.split("Bob’s write-up")
    assert 80 <= len(before) <= 101 and 80 <= len(after) <= 101
    assert LONG_BEFORE.endswith(before.strip()) and before.strip().split()[0] in LONG_BEFORE.split()
    assert LONG_AFTER.startswith(after.strip()) and after.strip().split()[-1] in LONG_AFTER.split()
    assert "Yesterday" not in excerpt and "wants numbers" not in excerpt


def test_link_starting_its_paragraph_is_cut_on_the_right_only():
    paragraph = f'<p><a href="{TARGET}">Bob’s write-up</a> {LONG_AFTER} {LONG_AFTER} {LONG_AFTER}</p>'
    excerpt = text(paragraph)
    assert excerpt.startswith("[…] Bob’s write-up is the best summary")
    assert len(excerpt) < 140  # WordPress keeps the whole ~400-character paragraph here


def test_link_ending_its_paragraph_is_cut_on_the_left_only():
    excerpt = text(f'<p>{LONG_BEFORE} {LONG_BEFORE} <a href="{TARGET}">the write-up</a></p><p>Next paragraph.</p>')
    assert excerpt.endswith("I think that the write-up […]")
    assert "Next paragraph" not in excerpt
    assert len(excerpt) < 130


def test_punctuation_after_the_link_stays_attached():
    assert text(f'<p>I liked <a href="{TARGET}">this post</a>, a lot.</p>') == "[…] I liked this post, a lot. […]"


def test_multibyte_text_is_never_empty_and_never_split():
    words = "Ça répond à l’été ünïcödé “quotes” — naïve façade " * 6
    excerpt = text(f'<p>{words}<a href="{TARGET}">lien vers l’article</a> {words}</p>')
    assert "lien vers l’article" in excerpt
    assert "\ufffd" not in excerpt
    assert len(excerpt) < 240


def test_text_without_spaces_is_cut_at_characters():
    japanese = "日本語の文章です。" * 30
    excerpt = text(f'<p>{japanese}<a href="{TARGET}">記事</a>{japanese}</p>')
    body = excerpt[4:-4]
    assert "記事" in body
    assert 180 <= len(body) <= 205


def test_nested_markup_entities_and_whitespace():
    html = (
        f'<div><p>  Tom &amp; Jerry   <em>said</em>\n\n that <a href="{TARGET}"><strong>the</strong> '
        f"<span>post</span></a>&nbsp;was <b>good</b>.</p></div>"
    )
    assert text(html) == "[…] Tom & Jerry said that the post was good. […]"


def test_first_of_several_links_to_the_target_is_used_and_other_links_are_just_text():
    html = (
        f'<p>See <a href="https://other.test/">another blog</a> and <a href="{TARGET}">ours</a>.</p>'
        f'<p>Again <a href="{TARGET}">here</a>.</p>'
    )
    assert text(html) == "[…] See another blog and ours. […]"


def test_relative_link_resolves_against_the_source_and_fragment_is_ignored():
    assert text('<p>Read <a href="/2011/mayo/#comments">this</a> now.</p>', source="https://blog.test/other/")
    assert extract('<p><a href="/2011/mayo/">x</a></p>', TARGET, "https://elsewhere.test/") is None


def test_only_an_exact_url_counts_as_a_link():
    for href in (
        TARGET + "extra",
        TARGET.rstrip("/"),
        "https://blog.test/2011/mayo/?x=1",
        "http://blog.test/2011/mayo/",
    ):
        assert extract(f'<p><a href="{href}">x</a></p>', TARGET) is None
    assert extract('<p><a href="HTTPS://BLOG.TEST:443/2011/mayo/">x</a></p>', TARGET) is not None


def test_links_in_comments_scripts_or_escaped_html_do_not_count():
    html = (
        f'<!-- <a href="{TARGET}">hidden</a> --><script>document.write(\'<a href="{TARGET}">x</a>\')</script>'
        f'<p>&lt;a href="{TARGET}"&gt;escaped&lt;/a&gt; and plain text {TARGET}</p>'
    )
    assert extract(html, TARGET) is None


def test_script_and_style_text_is_not_part_of_the_excerpt():
    html = f'<p>Before <script>var x = 1;</script><style>p{{}}</style><a href="{TARGET}">link</a> after</p>'
    assert text(html) == "[…] Before link after […]"


def test_image_link_uses_its_alt_text():
    html = f'<p>Look: <a href="{TARGET}"><img src="/i.png" alt="the chart"></a> wow</p>'
    assert text(html) == "[…] Look: the chart wow […]"


def test_very_long_link_text_is_shortened():
    link_text = "word " * 60
    excerpt = text(f'<p><a href="{TARGET}">{link_text}</a></p>')
    assert excerpt.endswith("… […]") and len(excerpt) <= 110


def test_list_items_and_line_breaks_do_not_glue_words():
    html = f'<ul><li>one<br>two <a href="{TARGET}">three</a><ul><li>four</li></ul></li></ul>'
    assert text(html) == "[…] one two three four […]"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:title" content="OG &amp; title"><title>Tab</title>', "OG & title"),
        ("<title>\n  The   Business Journals </title>", "The Business Journals"),
        ("", "First heading"),
    ],
)
def test_title_prefers_og_title_then_title_then_first_heading(head, expected):
    html = f'<html><head>{head}</head><body><h2>First heading</h2><p><a href="{TARGET}">x</a></p></body></html>'
    assert extract(html, TARGET).title == expected


def test_page_without_any_title_gives_empty_title():
    assert extract(f'<p><a href="{TARGET}">x</a></p>', TARGET).title == ""


def test_canonical_drops_fragment_default_port_and_case():
    assert canonical("HTTP://Blog.Test:80/a?b=1#c") == "http://blog.test/a?b=1"
    assert canonical("https://blog.test") == "https://blog.test/"
    assert canonical("https://blog.test:8443/") == "https://blog.test:8443/"


@settings(max_examples=100, deadline=None)
@given(
    before=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400),
    link=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=50),
    after=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400),
)
def test_excerpt_is_bounded_contains_the_link_text_and_never_empty(before, link, after):
    html = f'<p>{escape(before)}<a href="{TARGET}">{escape(link)}</a>{escape(after)}</p>'
    found = extract(html, TARGET)
    assert found is not None
    assert found.text.startswith("[…] ") and found.text.endswith(" […]")
    assert len(found.text) <= 2 * 101 + len(link) + 10
    link_words = " ".join(link.split())
    if link_words:
        assert link_words in found.text
