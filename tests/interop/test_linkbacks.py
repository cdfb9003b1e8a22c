"""Pingback, trackback and webmention between Backchannel and a real WordPress 6.1, both ways,
checked where a reader (or WordPress's admin) sees them."""

import httpx
import pytest

from linkbacks.models import OutgoingLinkback
from tests.interop.conftest import responses_on

pytestmark = pytest.mark.django_db(transaction=True)

FAR_AWAY = "This paragraph is about something else entirely and never mentions the post at all."


def test_a_wordpress_post_linking_to_ours_pings_it_and_shows_its_title_and_the_words_around_the_link(
    wordpress, backchannel
):
    post = backchannel.post("Tea at noon", "<p>Why noon is the best hour for tea.</p>")
    theirs = wordpress.publish(
        "Why I drink tea",
        f'<p>{FAR_AWAY}</p><p>Yesterday I read <a href="{post.full_url}">a post about tea at noon</a> '
        f"and agreed with every word.</p><p>{FAR_AWAY}</p>",
    )

    assert wordpress.do_pings() == 1

    [shown] = responses_on(post.full_url, "pingback")
    title = shown.css_first(".linkback-title a")
    assert title.text() == "Why I drink tea"
    assert title.attributes["href"] == theirs["url"]
    excerpt = shown.css_first(".linkback-excerpt").text(separator=" ")
    assert "Yesterday I read a post about tea at noon and agreed with every word." in excerpt
    assert "something else entirely" not in excerpt


def test_a_post_of_ours_linking_to_a_wordpress_post_pings_it_and_wordpress_stores_the_pingback(wordpress, backchannel):
    theirs = wordpress.publish("Worth answering", "<p>A claim about kettles.</p>")

    post = backchannel.post(
        "On kettles", f'<p>I disagree with <a href="{theirs["url"]}">that claim about kettles</a>, politely.</p>'
    )

    sent = OutgoingLinkback.objects.get(page=post, target_url=theirs["url"])
    assert (sent.kind, sent.status) == (OutgoingLinkback.Kind.PINGBACK, OutgoingLinkback.Status.SENT), sent.answer
    [pingback] = [c for c in wordpress.comments(theirs["id"]) if c["type"] == "pingback"]
    assert pingback["author_url"] == post.full_url
    assert pingback["author"].startswith("On kettles")
    assert pingback["status"] == "approve"
    assert "disagree with that claim about kettles" in pingback["content"]  # WordPress's own excerpt


def test_a_trackback_we_send_reaches_wordpress_and_wordpress_stores_it(wordpress, backchannel):
    theirs = wordpress.publish("Trackbacks welcome", "<p>Tell me where you wrote about this.</p>")

    post = backchannel.post(
        "Written elsewhere",
        "<p>Thoughts on a post I read, without a link in the text.</p>",
        send_trackbacks_to=theirs["url"] + "trackback/",
    )

    sent = OutgoingLinkback.objects.get(page=post, kind=OutgoingLinkback.Kind.TRACKBACK)
    assert sent.status == OutgoingLinkback.Status.SENT, sent.answer
    [trackback] = [c for c in wordpress.comments(theirs["id"]) if c["type"] == "trackback"]
    assert trackback["author_url"] == post.full_url
    assert trackback["author"] == "Backchannel Blog"  # the blog_name we sent, as WordPress shows it
    assert "Written elsewhere" in trackback["content"]
    assert "Thoughts on a post I read" in trackback["content"]


def test_a_webmention_from_a_wordpress_post_shows_the_words_around_the_link_and_its_clean_title(wordpress, backchannel):
    post = backchannel.post("Bread at dawn", "<p>Baking before sunrise.</p>")
    theirs = wordpress.publish(
        "Dawn baking, reconsidered",
        f'<p>{FAR_AWAY}</p><p>A friend wrote <a href="{post.full_url}">about bread at dawn</a> and I tried it '
        f"this morning.</p><p>{FAR_AWAY}</p>",
    )

    answer = httpx.post(
        f"{backchannel.url}/webmention/", data={"source": theirs["url"], "target": post.full_url}, timeout=30
    )
    assert answer.status_code in (201, 202), answer.text

    [shown] = responses_on(post.full_url, "webmention")
    assert shown.css_first(".linkback-title a").text() == "Dawn baking, reconsidered"
    excerpt = shown.css_first(".linkback-excerpt").text(separator=" ")
    assert "A friend wrote about bread at dawn and I tried it this morning." in excerpt
    assert "something else entirely" not in excerpt
