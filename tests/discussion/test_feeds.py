"""Response feeds (site-wide and per page, RSS and Atom), conditional GET, and the post feed's comment links."""

import feedparser
import pytest
from django.template import Context, Template
from django.urls import reverse

from tests.builders import make_post
from tests.discussion.conftest import make_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def responses(post):
    first = make_response(post, author_name="Mezzo", author_email="mezzo@example.com", content="First!")
    reply = make_response(post, parent=first, author_name="Bob", author_email="bob@example.com", content="Reply")
    ping = make_response(
        post,
        kind="pingback",
        author_name="Alice's blog",
        author_email="",
        source_url="https://alice.example/p",
        content="[…] linked […]",
    )
    make_response(post, status="pending", content="held text")
    make_response(post, status="spam", content="spam text")
    return first, reply, ping


def parse(reply):
    assert reply.status_code == 200
    feed = feedparser.parse(reply.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def test_site_feed_lists_approved_responses_newest_first(client, responses):
    reply = client.get(reverse("discussion:feed"))
    assert reply["Content-Type"].startswith("application/rss+xml")
    feed = parse(reply)
    titles = [e.title for e in feed.entries]
    assert titles == [
        "Pingback on Hello world by Alice's blog",
        "Comment on Hello world by Bob",
        "Comment on Hello world by Mezzo",
    ]
    body = reply.content.decode()
    assert "held text" not in body and "spam text" not in body
    assert "mezzo@example.com" not in body and "bob@example.com" not in body
    first = responses[0]
    assert feed.entries[-1].link == f"http://testserver/hello-world/#response-{first.pk}"
    assert "<p>First!</p>" in feed.entries[-1].content[0].value


def test_site_atom_feed_marks_replies(client, responses):
    reply = client.get(reverse("discussion:feed_atom"))
    feed = parse(reply)
    assert feed.version == "atom10"
    assert len(feed.entries) == 3
    first = responses[0]
    body = reply.content.decode()
    link = f"http://testserver/hello-world/#response-{first.pk}"
    assert f'<thr:in-reply-to href="{link}" ref="{link}"/>' in body


def test_page_feed_and_its_atom_twin(client, responses, post, blog_index):
    other = make_post(blog_index, "Other")
    make_response(other, content="elsewhere")
    feed = parse(client.get(reverse("discussion:page_feed", args=[post.pk])))
    assert feed.feed.title == "Responses on: Hello world"
    assert [e.title for e in feed.entries] == ["By: Alice's blog", "By: Bob", "By: Mezzo"]
    atom = parse(client.get(reverse("discussion:page_feed_atom", args=[post.pk])))
    assert len(atom.entries) == 3


def test_page_feed_of_unknown_page_is_404(client):
    assert client.get(reverse("discussion:page_feed", args=[424242])).status_code == 404


def test_feeds_answer_conditional_get_with_304(client, responses):
    url = reverse("discussion:feed")
    first = client.get(url)
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    make_response(responses[0].page, content="new one")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_post_feed_items_carry_comment_links(client, responses, post):
    reply = client.get("/feed/")
    body = reply.content.decode()
    assert "<comments>http://testserver/hello-world/#responses</comments>" in body
    assert f"<wfw:commentRss>http://testserver/discussion/{post.pk}/feed/</wfw:commentRss>" in body
    assert "<slash:comments>3</slash:comments>" in body
    atom = client.get("/feed/atom/").content.decode()
    assert 'rel="replies"' in atom and 'thr:count="3"' in atom


def test_closed_post_without_responses_has_no_comment_links(client, blog_index):
    make_post(blog_index, "Quiet", accept_comments=False)
    body = client.get("/feed/").content.decode()
    assert "<wfw:commentRss>" not in body and "<comments>" not in body


def test_post_feed_counts_without_a_query_per_post(client, blog_index, django_assert_max_num_queries):
    for n in range(8):
        post = make_post(blog_index, f"Post {n}")
        make_response(post)
    with django_assert_max_num_queries(20):
        assert client.get("/feed/").status_code == 200


def test_autodiscovery_links_for_the_feeds_block(post):
    html = Template("{% load discussion_tags %}{% discussion_feed_links page %}").render(Context({"page": post}))
    assert 'rel="alternate" type="application/rss+xml" title="Responses on Hello world (RSS)"' in html
    assert f'href="/discussion/{post.pk}/feed/"' in html
    assert f'href="/discussion/{post.pk}/feed/atom/"' in html


@pytest.mark.parametrize("name", ["discussion:feed", "discussion:feed_atom"])
def test_site_feeds_are_titled_with_the_wagtail_sites_name(client, responses, settings, name):
    from wagtail.models import Site

    settings.WAGTAIL_SITE_NAME = "Backchannel (the setting)"
    Site.objects.filter(is_default_site=True).update(site_name="Neville’s Blog")
    feed = parse(client.get(reverse(name))).feed
    assert feed.title == "Responses for Neville’s Blog"
    assert "Neville’s Blog" in feed.get("subtitle", feed.get("description", ""))
