"""Webmention receiving: 400s for bad requests, 202 with a status URL, verification, update, delete, h-entry."""

import re

import pytest

from discussion.models import Response
from linkbacks.models import IncomingWebmention
from tests.builders import make_post
from tests.linkbacks.conftest import linking_page
from tests.web import closed_port, non_http_service

pytestmark = pytest.mark.django_db

H_ENTRY = """<html><head><title>Alice’s notes</title></head><body>
<article class="h-entry">
  <div class="p-author h-card"><img class="u-photo" src="/me.jpg" alt="">
    <a class="p-name u-url" href="https://alice.test/">Alice Example</a></div>
  <div class="e-content">{content} <a class="u-in-reply-to" href="{target}">your post</a>!</div>
</article></body></html>"""


def mention(client, source, target):
    return client.post("/webmention/", {"source": source, "target": target})


def status_url(response) -> str:
    match = re.search(r"https?://\S+/webmention/status/[0-9a-f-]+/", response.content.decode())
    assert match, response.content
    return match.group(0)


def test_valid_webmention_answers_202_with_a_status_url_and_no_location(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    response = mention(client, source, post.full_url)
    assert response.status_code == 202
    assert not response.has_header("Location")
    page = client.get(status_url(response))
    assert page.status_code == 200 and "Verified and registered" in page.content.decode()


def test_h_entry_gives_author_name_photo_and_content(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    mention(client, source, post.full_url)
    stored = Response.objects.get(page=post)
    assert stored.kind == "webmention"
    assert stored.author_name == "Alice Example"
    assert stored.author_url == "https://alice.test/"
    assert stored.content == "Loved your post!"
    assert stored.source_title == "Alice’s notes"
    assert IncomingWebmention.objects.get().author_photo == web.url("/me.jpg")


def test_page_without_microformats_uses_title_and_excerpt(client, web, post):
    source = web.page("/plain", linking_page(post.full_url))
    mention(client, source, post.full_url)
    stored = Response.objects.get()
    assert (stored.author_name, stored.content) == ("Alice’s blog", "[…] I just read this post and liked it. […]")


def test_repeat_webmention_updates_the_same_response(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    mention(client, source, post.full_url)
    web.page("/alice/note", H_ENTRY.format(content="Edited: really loved", target=post.full_url))
    response = mention(client, source, post.full_url)
    assert "the existing response was updated" in client.get(status_url(response)).content.decode()
    stored = Response.objects.get()
    assert stored.content == "Edited: really loved your post!"


def test_source_that_answers_410_removes_the_response(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    mention(client, source, post.full_url)
    web.page("/alice/note", "<html><p>Deleted.</p></html>", status=410)
    response = mention(client, source, post.full_url)
    assert not Response.objects.exists()
    assert "the response was removed" in client.get(status_url(response)).content.decode()


def test_source_that_no_longer_links_removes_the_response(client, web, post):
    source = web.page("/alice/note", H_ENTRY.format(content="Loved", target=post.full_url))
    mention(client, source, post.full_url)
    web.page("/alice/note", "<html><p>I changed my mind.</p></html>")
    mention(client, source, post.full_url)
    assert not Response.objects.exists()


def test_source_without_link_is_rejected_and_nothing_is_stored(client, web, post):
    source = web.page("/nolink", "<html><p>Nothing here.</p></html>")
    response = mention(client, source, post.full_url)
    assert response.status_code == 202
    body = client.get(status_url(response)).content.decode()
    assert "Rejected" in body and "does not contain a link" in body
    assert not Response.objects.exists()


@pytest.mark.parametrize("source", ["http://10.0.0.1/", "http://169.254.169.254/latest/", "http://[::1]/"])
def test_private_source_is_rejected_by_verification(client, post, source):
    response = mention(client, source, post.full_url)
    body = client.get(status_url(response)).content.decode()
    assert "Rejected" in body and "The source could not be fetched." in body
    assert "not a public internet address" not in body
    assert not Response.objects.exists()


def test_a_closed_port_and_a_service_that_is_not_http_read_alike_on_the_status_page(client, post):
    with non_http_service() as ssh:
        sources = [f"http://127.0.0.1:{closed_port()}/note", f"http://127.0.0.1:{ssh}/note"]
        pages = [client.get(status_url(mention(client, source, post.full_url))).content.decode() for source in sources]
    details = [re.search(r"<dt>Details</dt><dd>(.*?)</dd>", page).group(1) for page in pages]
    assert details == ["The source could not be fetched."] * 2
    assert [row.message for row in IncomingWebmention.objects.order_by("pk")] == details


@pytest.mark.parametrize(
    ("source", "target", "words"),
    [
        ("jwoijgoiwjgoiwjg", "{target}", "source"),
        ("{source}", "ijwgoiwjgoiwjgoi", "target"),
        ("jwoijgoiwjgoiwjg", "ijwgoiwjgoiwjgoi", "source"),
        ("", "", "source"),
        ("ftp://a.test/x", "{target}", "source"),
        ("{target}", "{target}", "same URL"),
        ("{source}", "http://testserver/no-such-post/", "no page"),
        ("{source}", "https://elsewhere.test/post/", "not on this site"),
        ("{source}", "http://testserver/", "cannot take linkbacks"),
    ],
)
def test_invalid_requests_answer_400_with_a_message(client, post, source, target, words):
    fill = {"source": "https://alice.test/note", "target": post.full_url}
    response = mention(client, source.format(**fill), target.format(**fill))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not IncomingWebmention.objects.exists()


def test_closed_page_answers_400(client, blog_index):
    closed = make_post(blog_index, "Closed", accept_linkbacks=False)
    response = mention(client, "https://alice.test/note", closed.full_url)
    assert response.status_code == 400 and "closed" in response.content.decode()


def test_target_fragment_is_ignored(client, web, post):
    source = web.page("/plain", linking_page(post.full_url))
    assert mention(client, source, post.full_url + "#comments").status_code == 202
    assert Response.objects.count() == 1


def test_rate_limit_answers_429(client, post, settings):
    settings.LINKBACK_RATE_PER_IP = "1/60"
    mention(client, "http://10.0.0.1/a", post.full_url)
    response = mention(client, "http://10.0.0.2/b", post.full_url)
    assert response.status_code == 429 and "Too many" in response.content.decode()


def test_get_is_not_allowed(client, blog_index):
    assert client.get("/webmention/").status_code == 405


def test_unknown_status_token_is_404(client, blog_index):
    assert client.get("/webmention/status/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_slow_trickling_source_is_rejected_quickly(client, web, post):
    import time

    from tests.web import Route, trickle

    source = web.raw("/slow", Route(headers=[("Content-Type", "text/html")], writer=trickle))
    started = time.monotonic()
    response = mention(client, source, post.full_url)
    assert time.monotonic() - started < 2.5
    body = client.get(status_url(response)).content.decode()
    assert "Rejected" in body and "longer than" in body
    assert not Response.objects.exists()


def test_source_redirecting_to_a_private_address_is_rejected(client, web, post):
    source = web.redirect("/hop", "http://169.254.169.254/latest/meta-data/")
    body = client.get(status_url(mention(client, source, post.full_url))).content.decode()
    assert "The source could not be fetched." in body and "169.254" not in body
    assert not Response.objects.exists()
