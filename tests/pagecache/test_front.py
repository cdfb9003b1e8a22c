"""The WSGI application answers page-cache hits in front of Django's handler, exactly as the
middleware would, and hands everything else to Django."""

import io
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config.wsgi import application

pytestmark = pytest.mark.django_db


def call(path: str, method: str = "GET", **headers: str) -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=dict(response_headers))

    body = application(environ, start_response)
    content = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return answer["status"], answer["headers"], content


@pytest.fixture(autouse=True)
def connection_kept():
    """As Django's test client does: the test's connection (and its transaction) outlives each request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def handled():
    """The requests that reached Django's handler."""
    seen = []

    def count(sender, environ=None, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(count)
    yield seen
    request_started.disconnect(count)


def test_a_hit_is_answered_before_djangos_handler_as_the_middleware_answers_it(client, busy_post, handled):
    status, first, _ = call(busy_post.url)
    assert (status, first["X-Page-Cache"], handled) == ("200 OK", "miss", [busy_post.url])

    status, headers, body = call(busy_post.url)
    assert (status, headers["X-Page-Cache"], handled) == ("200 OK", "hit", [busy_post.url]), "Django never saw it"
    assert "Kept whole." in body.decode() and int(headers["Content-Length"]) == len(body)
    assert "script-src 'self'" in headers["Content-Security-Policy"]

    through_django = client.get(busy_post.url)
    assert through_django.content == body
    assert {name: through_django[name] for name in headers} == headers


def test_the_front_answers_head_and_revalidation_itself(busy_post, handled):
    _, stored, _ = call(busy_post.url)
    status, headers, body = call(busy_post.url, "HEAD")
    assert (status, body, headers["X-Page-Cache"]) == ("200 OK", b"", "hit")
    status, _, body = call(busy_post.url, If_None_Match=stored["ETag"])
    assert (status, body) == ("304 Not Modified", b"")
    assert handled == [busy_post.url]


def test_private_readers_and_posts_reach_django(busy_post, handled):
    call(busy_post.url)
    _, headers, _ = call(busy_post.url, Cookie="sessionid=abc")
    assert "X-Page-Cache" not in headers and headers["Cache-Control"].startswith("private")
    call(busy_post.url, "POST")
    assert handled == [busy_post.url] * 3


def test_a_change_is_seen_on_the_next_request(busy_post, handled):
    call(busy_post.url)
    busy_post.title = "Cached post, retitled"
    busy_post.save_revision().publish()
    _, headers, body = call(busy_post.url)
    assert headers["X-Page-Cache"] == "miss" and "Cached post, retitled" in body.decode()
