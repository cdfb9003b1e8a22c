"""Pages that take linkbacks say where: X-Pingback and Link headers, and <link> elements via the tag."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tests.builders import make_post

pytestmark = pytest.mark.django_db


def test_open_post_sends_pingback_and_webmention_headers(client, post):
    response = client.get(post.url)
    assert response.status_code == 200
    assert response["X-Pingback"] == "http://testserver/xmlrpc/"
    assert '<http://testserver/webmention/>; rel="webmention"' in response["Link"]


def test_closed_post_and_the_index_send_no_linkback_headers(client, blog_index):
    closed = make_post(blog_index, "Closed", accept_linkbacks=False)
    for url in (closed.url, blog_index.url):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.has_header("X-Pingback") and "webmention" not in response.get("Link", "")


def test_head_tag_renders_link_elements_only_for_pages_taking_linkbacks(post, blog_index):
    template = Template("{% load linkback_tags %}{% linkback_head page %}")
    request = RequestFactory().get(post.url)
    html = template.render(Context({"page": post, "request": request}))
    assert '<link rel="pingback" href="http://testserver/xmlrpc/">' in html
    assert '<link rel="webmention" href="http://testserver/webmention/">' in html
    assert template.render(Context({"page": blog_index, "request": request})).strip() == ""


def test_discovery_of_our_own_post_finds_the_webmention_endpoint(client, post):
    from linkbacks.discovery import WEBMENTION, Endpoint, find_endpoint

    response = client.get(post.url)
    found = find_endpoint(post.full_url, dict(response.headers), response.content.decode())
    assert found == Endpoint(WEBMENTION, "http://testserver/webmention/")
