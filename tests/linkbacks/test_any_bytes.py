"""Any bytes sent to the linkback endpoints get an answer below 500, and a refusal stores nothing.

Hypothesis mixes raw bytes with near-valid calls (real method names, real targets, declared
encodings and charsets, odd content types), so the parsers meet both noise and plausible attacks.
Sources point at a closed loopback port, so nothing here waits on the network.
"""

import xmlrpc.client

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from discussion.models import Response
from linkbacks.models import IncomingWebmention

pytestmark = pytest.mark.django_db
PROPERTY = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CLOSED = "http://127.0.0.1:9/"

encodings = st.sampled_from(
    ["utf-8", "UTF-7", "utf-16", "utf-32", "latin-1", "ascii", "x-no-such", "rot13", "base64", "idna", "punycode",
     "undefined", "unicode_escape", "cp1252", "", "\x00", "utf-8\r\nX: y", "²"]
)  # fmt: skip
noise = st.one_of(st.binary(max_size=300), st.text(max_size=100).map(str.encode))
urls = st.one_of(
    st.just(CLOSED),
    st.just("http://testserver/hello-world/"),
    st.text(max_size=60),
    st.sampled_from(["javascript:alert(1)", "http://[::1]:9/", "http://%00/", "http://testserver/../", "file:///x"]),
)


def counts() -> tuple[int, int]:
    return Response.objects.count(), IncomingWebmention.objects.count()


def assert_refusal_stores_nothing(reply, before: tuple[int, int]) -> None:
    assert reply.status_code < 500, reply.content[:300]
    if reply.status_code >= 400:
        assert counts() == before, reply.content[:300]


def xml_call(method: str, params: list, encoding: str) -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    body = xmlrpc.client.dumps(tuple(params), methodname=method)
    return head.encode("latin-1", "replace") + body.encode("utf-8")


xml_bodies = st.one_of(
    noise,
    st.builds(
        xml_call,
        st.sampled_from(
            ["pingback.ping", "pingback.extensions.getPingbacks", "system.listMethods", "system.multicall"]
        ),
        st.lists(st.one_of(urls, st.integers(-(2**31), 2**31 - 1), st.booleans(), st.binary(max_size=20)), max_size=3),
        encodings,
    ),
    st.builds(lambda prefix, tail: prefix + tail, st.sampled_from([b"<methodCall>", b"<?xml ", b"<!DOCTYPE "]), noise),
)


@PROPERTY
@given(body=xml_bodies, content_type=st.sampled_from(["text/xml", "application/xml", "text/plain", ""]))
def test_any_xmlrpc_body(client, post, body, content_type):
    before = counts()
    reply = client.post("/xmlrpc/", body, content_type=content_type)
    assert_refusal_stores_nothing(reply, before)
    if reply.status_code == 400:
        assert b"<fault>" in reply.content


# A Content-Type as a server hands it on: gunicorn and h11 answer 400 themselves to control characters
# in a header (RFC 9110 §5.5), before Django (whose charset lookup would raise on a NUL) sees it.
header_encodings = encodings.filter(lambda name: not any(ord(c) < 32 for c in name))
form_content_types = st.one_of(
    st.builds(lambda c: f"application/x-www-form-urlencoded; charset={c}", header_encodings),
    st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
                     "text/plain", "", "application/x-www-form-urlencoded; charset"]),
)  # fmt: skip


def form(fields: dict) -> bytes:
    from urllib.parse import urlencode

    return urlencode(fields).encode()


trackback_bodies = st.one_of(
    noise,
    st.builds(
        lambda url, title, excerpt, charset: form({"url": url, "title": title, "excerpt": excerpt, "charset": charset}),
        urls,
        st.text(max_size=40),
        st.text(max_size=200),
        encodings,
    ),
)


@PROPERTY
@given(body=trackback_bodies, content_type=form_content_types)
def test_any_trackback_body(client, post, body, content_type):
    before = counts()
    reply = client.generic("POST", f"{post.url}trackback/", body, content_type=content_type)
    assert reply.status_code == 200, reply.content[:300]  # the spec answers every trackback with 200 …
    assert reply["Content-Type"] == "text/xml; charset=utf-8"
    if b"<error>1</error>" in reply.content:  # … and a refusal in the XML: then nothing is stored
        assert counts() == before, reply.content[:300]


webmention_bodies = st.one_of(
    noise,
    st.builds(lambda source, target: form({"source": source, "target": target}), urls, urls),
    st.builds(lambda source: form({"source": source, "target": "http://testserver/hello-world/"}), urls),
)


@PROPERTY
@given(body=webmention_bodies, content_type=form_content_types)
def test_any_webmention_body(client, post, body, content_type):
    before = counts()
    reply = client.generic("POST", "/webmention/", body, content_type=content_type)
    assert_refusal_stores_nothing(reply, before)
