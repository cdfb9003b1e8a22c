"""The 404 and 500 pages a reader meets in production carry the site's theme and a way on."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from tests.builders import make_blog_index, make_post


def broken_view(request) -> HttpResponse:
    raise RuntimeError("a fault in a view")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
handler500 = "config.errors.server_error"


@pytest.fixture
def blog(db):
    index = make_blog_index("Field Notes")
    make_post(index, "A recent post")
    return index


@override_settings(DEBUG=False)
def test_missing_page_is_a_themed_404_with_search_and_recent_posts(blog):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html and "Field Notes" in html
    assert 'role="search"' in html
    assert "A recent post" in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_fault_in_a_view_is_a_themed_500_with_the_site_header(blog):
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'class="site-header"' in html and "Field Notes" in html
    assert "A recent post" in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_page_falls_back_to_plain_text_when_the_theme_cannot_render(blog, monkeypatch):
    def failing_render(*args, **kwargs):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr("config.errors.loader.render_to_string", failing_render)
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
