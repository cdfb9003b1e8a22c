"""TrackBack: POST <page>/trackback/, the spec's XML reply, and a source that must really link to us."""

import pytest
from defusedxml import ElementTree

from discussion.models import Response
from tests.builders import make_post
from tests.linkbacks.conftest import linking_page
from tests.web import closed_port, non_http_service

pytestmark = pytest.mark.django_db


def trackback(client, page, content_type="application/x-www-form-urlencoded; charset=utf-8", **fields):
    from urllib.parse import urlencode

    charset = content_type.partition("charset=")[2] or "utf-8"
    body = urlencode(fields, encoding=charset)
    return client.post(f"{page.url}trackback/", body, content_type=content_type)


def reply(response) -> tuple[str, str]:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "response"
    return root.findtext("error"), root.findtext("message") or ""


def test_trackback_is_registered_and_answers_error_0(client, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    response = trackback(
        client, post, url=source, title="On greetings", excerpt="A <b>short</b> summary.", blog_name="Alice’s blog"
    )
    assert response.status_code == 200
    assert reply(response) == ("0", "")
    stored = Response.objects.get(page=post)
    assert stored.kind == "trackback"
    assert (stored.author_name, stored.source_title, stored.content) == (
        "Alice’s blog",
        "On greetings",
        "A short summary.",
    )
    assert stored.source_url == source


def test_only_url_is_required_and_the_excerpt_comes_from_the_source(client, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    assert reply(trackback(client, post, url=source)) == ("0", "")
    stored = Response.objects.get()
    assert stored.content == "[…] I just read this post and liked it. […]"
    assert stored.author_name == "Alice’s blog"


def test_missing_url_is_an_error(client, post):
    response = trackback(client, post, title="No url")
    assert response.status_code == 200
    assert reply(response) == ("1", "The url parameter is required.")


@pytest.mark.parametrize("url", ["http://example.com/a\x00b", "=\x00¬ª", "javascript:alert(1)"])
def test_a_source_that_is_not_a_url_is_an_error_and_nothing_is_stored(client, post, url):
    error, message = reply(trackback(client, post, url=url, title="t\x00", excerpt="e\x00"))
    assert error == "1"
    assert message.startswith("The source is not a valid URL")
    assert not Response.objects.exists()


def test_source_without_link_is_refused_unlike_wordpress(client, web, post):
    source = web.page("/spam", "<html><p>Buy things at <a href='https://spam.test/'>spam</a>.</p></html>")
    response = trackback(client, post, url=source, title="Totally relevant", excerpt="spam spam")
    assert response.status_code == 200
    error, message = reply(response)
    assert error == "1" and "does not contain a link" in message
    assert not Response.objects.exists()


def test_duplicate_trackback_is_an_error(client, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    trackback(client, post, url=source)
    response = trackback(client, post, url=source)
    assert response.status_code == 200
    assert reply(response) == ("1", "A trackback from this page is already recorded.")


def test_a_trackback_after_a_pingback_from_the_same_page_names_the_pingback(client, rpc, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    rpc.pingback.ping(source, post.full_url)
    response = trackback(client, post, url=source, title="Same post")
    assert response.status_code == 200
    assert reply(response) == ("1", "A pingback from this page is already recorded.")
    assert list(Response.objects.values_list("kind", flat=True)) == ["pingback"]


def test_closed_page_refuses_trackbacks(client, web, blog_index):
    closed = make_post(blog_index, "Closed", accept_linkbacks=False)
    response = trackback(client, closed, url=web.page("/s", linking_page(closed.full_url)))
    assert response.status_code == 200
    assert reply(response) == ("1", "Sorry, trackbacks are closed for this item.")
    assert web.hits == []


def test_private_source_is_refused_without_naming_an_address(client, post):
    response = trackback(client, post, url="http://169.254.169.254/latest/meta-data/")
    assert response.status_code == 200
    assert reply(response) == ("1", "The source could not be fetched.")


def test_a_closed_port_and_a_service_that_is_not_http_get_the_same_reply(client, post):
    with non_http_service() as ssh:
        replies = set()
        for port in (closed_port(), ssh):
            response = trackback(client, post, url=f"http://127.0.0.1:{port}/post")
            replies.add((response.status_code, reply(response)))
    assert replies == {(200, ("1", "The source could not be fetched."))}


def test_latin1_charset_is_decoded(client, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    response = trackback(
        client,
        post,
        content_type="application/x-www-form-urlencoded; charset=iso-8859-1",
        url=source,
        title="Café crème",
        blog_name="Zoë",
    )
    assert reply(response) == ("0", "")
    assert Response.objects.get().source_title == "Café crème"
    assert Response.objects.get().author_name == "Zoë"


def test_charset_field_is_honoured_and_utf7_refused(client, web, post):
    from urllib.parse import urlencode

    source = web.page("/alice/post", linking_page(post.full_url))
    body = urlencode({"url": source, "title": "Straße", "charset": "iso-8859-1"}, encoding="iso-8859-1")
    response = client.post(f"{post.url}trackback/", body, content_type="application/x-www-form-urlencoded")
    assert reply(response) == ("0", "") and Response.objects.get().source_title == "Straße"
    body = urlencode({"url": source + "?2", "charset": "utf-7"})
    response = client.post(f"{post.url}trackback/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "UTF-7" in reply(response)[1]


def test_oversized_fields_are_shortened(client, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    assert reply(trackback(client, post, url=source, title="t" * 5000, excerpt="word " * 2000))[0] == "0"
    stored = Response.objects.get()
    assert len(stored.source_title) <= 250 and len(stored.content) <= 500


def test_huge_body_is_refused(client, post):
    response = trackback(client, post, url="http://a.test/", excerpt="x" * 200_000)
    assert response.status_code == 200 and reply(response) == ("1", "The trackback is too large.")


def test_unknown_page_and_get_are_errors(client, post):
    unknown = client.post(
        "/no-such-post/trackback/", "url=http://a.test/", content_type="application/x-www-form-urlencoded"
    )
    assert unknown.status_code == 200 and reply(unknown) == ("1", "There is no page at this address.")
    response = client.get(f"{post.url}trackback/")
    assert response.status_code == 405 and reply(response)[0] == "1"


def test_too_many_fields_is_an_error(client, post):
    body = "&".join(f"f{i}=x" for i in range(100))
    response = client.post(f"{post.url}trackback/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "at most 20" in reply(response)[1]
