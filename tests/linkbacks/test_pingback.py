"""pingback.ping end to end: xmlrpc.client against /xmlrpc/, sources served from 127.0.0.1."""

import logging
import xmlrpc.client

import pytest

from discussion.models import Response
from tests.builders import make_post
from tests.linkbacks.conftest import linking_page
from tests.web import closed_port, non_http_service

pytestmark = pytest.mark.django_db


def fault_of(call) -> tuple[int, str]:
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call()
    return caught.value.faultCode, caught.value.faultString


def test_pingback_is_registered_with_title_and_excerpt(rpc, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    answer = rpc.pingback.ping(source, post.full_url)
    assert answer == f"Pingback from {source} to {post.full_url} registered. Keep the web talking! :-)"
    response = Response.objects.get(page=post)
    assert response.kind == "pingback"
    assert response.source_url == source and response.author_url == source
    assert response.author_name == "Alice’s blog" and response.source_title == "Alice’s blog"
    assert response.content == "[…] I just read this post and liked it. […]"
    assert response.ip_address == "127.0.0.1"
    assert response.status in ("pending", "approved")


def test_source_without_a_link_faults_0x11(rpc, web, post):
    source = web.page("/alice/other", "<html><p>No link to <a href='https://elsewhere.test/'>you</a>.</p></html>")
    code, message = fault_of(lambda: rpc.pingback.ping(source, post.full_url))
    assert code == 0x11 and "does not contain a link" in message
    assert not Response.objects.exists()


@pytest.mark.parametrize("path", ["/missing", "/gone"])
def test_missing_source_faults_0x10(rpc, web, post, path):
    web.page("/gone", "<p>gone</p>", status=410)
    code, message = fault_of(lambda: rpc.pingback.ping(web.url(path), post.full_url))
    assert code == 0x10 and "does not exist" in message


def test_unresolvable_source_faults_0x10(rpc, post, caplog):
    caplog.set_level(logging.INFO, logger="linkbacks")
    fault = fault_of(lambda: rpc.pingback.ping("http://no-such-host.invalid/post", post.full_url))
    assert fault == (0x10, "The source could not be fetched.")
    assert "could not be found" in caplog.text


def test_invalid_source_url_faults_0x10(rpc, post):
    assert fault_of(lambda: rpc.pingback.ping("file:///etc/passwd", post.full_url))[0] == 0x10


def test_a_source_with_control_bytes_faults_0x10_and_nothing_is_stored(rpc, post):
    code, message = fault_of(lambda: rpc.pingback.ping("http://example.com/a\x7fb", post.full_url))
    assert (code, message.startswith("The source is not a valid URL")) == (0x10, True)
    assert not Response.objects.exists()


def test_unknown_target_page_faults_0x20(rpc, web, blog_index):
    source = web.page("/alice/post", linking_page("http://testserver/no-such-post/"))
    code, message = fault_of(lambda: rpc.pingback.ping(source, "http://testserver/no-such-post/"))
    assert code == 0x20 and "no page" in message


def test_target_on_another_site_faults_0x21(rpc, web, blog_index):
    source = web.page("/alice/post", linking_page("https://elsewhere.test/post/"))
    code, message = fault_of(lambda: rpc.pingback.ping(source, "https://elsewhere.test/post/"))
    assert code == 0x21 and "not on this site" in message


def test_target_that_is_not_a_post_faults_0x21(rpc, web, blog_index):
    source = web.page("/alice/post", linking_page("http://testserver/"))
    assert fault_of(lambda: rpc.pingback.ping(source, "http://testserver/"))[0] == 0x21


def test_closed_page_faults_0x21_without_fetching_the_source(rpc, web, blog_index):
    closed = make_post(blog_index, "Closed", accept_linkbacks=False)
    source = web.page("/alice/post", linking_page(closed.full_url))
    code, message = fault_of(lambda: rpc.pingback.ping(source, closed.full_url))
    assert code == 0x21 and "closed" in message
    assert web.hits == []


def test_draft_page_faults_0x20(rpc, web, blog_index):
    draft = make_post(blog_index, "Draft", live=False)
    url = "http://testserver/draft/"
    source = web.page("/alice/post", linking_page(url))
    assert draft.pk and fault_of(lambda: rpc.pingback.ping(source, url))[0] == 0x20


def test_second_pingback_from_same_source_faults_0x30(rpc, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    rpc.pingback.ping(source, post.full_url)
    code, message = fault_of(lambda: rpc.pingback.ping(source, post.full_url))
    assert (code, message) == (0x30, "A pingback from this page is already recorded.")
    assert Response.objects.count() == 1


@pytest.mark.parametrize("address", ["http://10.0.0.1/post", "http://169.254.169.254/latest/", "http://[::1]/x"])
def test_private_source_faults_0x10_without_naming_an_address_and_stores_nothing(rpc, post, address, caplog):
    caplog.set_level(logging.INFO, logger="linkbacks")
    assert fault_of(lambda: rpc.pingback.ping(address, post.full_url)) == (0x10, "The source could not be fetched.")
    assert not Response.objects.exists()
    assert "not a public internet address" in caplog.text  # the detail is for the log


def test_source_redirecting_to_private_address_faults_0x10_without_naming_it(rpc, web, post):
    source = web.redirect("/hop", "http://169.254.169.254/latest/meta-data/")
    assert fault_of(lambda: rpc.pingback.ping(source, post.full_url)) == (0x10, "The source could not be fetched.")


def test_a_closed_port_and_a_service_that_is_not_http_fault_alike(rpc, post):
    with non_http_service() as ssh:
        faults = {
            fault_of(lambda port=port: rpc.pingback.ping(f"http://127.0.0.1:{port}/post", post.full_url))
            for port in (closed_port(), ssh)
        }
    assert faults == {(0x10, "The source could not be fetched.")}


def test_failing_source_server_faults_0x32(rpc, web, post):
    source = web.page("/broken", "<p>oops</p>", status=500)
    code, message = fault_of(lambda: rpc.pingback.ping(source, post.full_url))
    assert code == 0x32 and "HTTP 500" in message


def test_slow_source_faults_0x32_quickly(rpc, web, post):
    import time

    from tests.web import Route, trickle

    source = web.raw("/slow", Route(headers=[("Content-Type", "text/html")], writer=trickle))
    started = time.monotonic()
    code, message = fault_of(lambda: rpc.pingback.ping(source, post.full_url))
    assert code == 0x32 and "longer than" in message
    assert time.monotonic() - started < 2.5
    assert not Response.objects.exists()


def test_a_slow_source_holds_the_request_only_for_the_small_budget(rpc, web, post, settings):
    from tests.web import Route, trickle

    settings.SAFEFETCH_DEADLINE = 30.0  # what a webmention's task may take; a pingback's sender is waiting
    settings.LINKBACK_REQUEST_BUDGET = 0.5
    source = web.raw("/trickling", Route(headers=[("Content-Type", "text/html")], writer=trickle))
    code, message = fault_of(lambda: rpc.pingback.ping(source, post.full_url))
    assert code == 0x32 and "longer than 0.5 seconds" in message
    assert not Response.objects.exists()


def test_client_over_the_rate_limit_faults_0x31(rpc, web, post, settings):
    settings.LINKBACK_RATE_PER_IP = "2/60"
    for attempt in range(2):
        fault_of(lambda attempt=attempt: rpc.pingback.ping(web.url(f"/none{attempt}"), post.full_url))
    code, message = fault_of(lambda: rpc.pingback.ping(web.url("/none3"), post.full_url))
    assert code == 0x31 and "Too many" in message


def test_source_host_over_the_rate_limit_faults_0x31(rpc, web, post, settings):
    settings.LINKBACK_RATE_PER_SOURCE_HOST = "1/60"
    fault_of(lambda: rpc.pingback.ping(web.url("/a"), post.full_url))
    code, message = fault_of(lambda: rpc.pingback.ping(web.url("/b"), post.full_url))
    assert code == 0x31 and "that source's site" in message


def test_source_equal_to_target_is_refused(rpc, post):
    code, message = fault_of(lambda: rpc.pingback.ping(post.full_url, post.full_url))
    assert code == 0x21 and "same URL" in message


@pytest.mark.parametrize("params", [(), ("http://a.test/",), (1, 2), ("a", "b", "c"), (["x"], {"y": 1})])
def test_wrong_parameters_fault_with_invalid_params(rpc, post, params):
    code, message = fault_of(lambda: rpc.pingback.ping(*params))
    assert code == -32602 and "two strings" in message


def test_get_pingbacks_lists_approved_sources(rpc, web, post):
    source = web.page("/alice/post", linking_page(post.full_url))
    rpc.pingback.ping(source, post.full_url)
    Response.objects.update(status="approved")
    assert rpc.pingback.extensions.getPingbacks(post.full_url) == [source]
    assert fault_of(lambda: rpc.pingback.extensions.getPingbacks("http://testserver/nothing/"))[0] == 0x20


def test_list_methods_has_no_multicall(rpc, blog_index):
    methods = rpc.system.listMethods()
    assert methods == ["pingback.extensions.getPingbacks", "pingback.ping", "system.listMethods"]
    code, message = fault_of(lambda: rpc.system.multicall([]))
    assert code == -32601 and "not supported" in message


def test_get_is_not_allowed(client):
    response = client.get("/xmlrpc/")
    assert response.status_code == 405 and b"POST requests only" in response.content


def test_bare_image_link_still_gets_an_excerpt(rpc, web, post):
    source = web.page("/img", f'<html><title>Pics</title><p><a href="{post.full_url}"><img src="/x.png"></a></p>')
    rpc.pingback.ping(source, post.full_url)
    assert Response.objects.get().content == "[…] Pics […]"


LONG = "a thoughtful piece on hospital social media strategy, with numbers worth reading for anyone in marketing"
EXCERPT_CASES = {
    "link starts its paragraph": (
        '<p><a href="{t}">This post</a> ' + f"{LONG} " * 4 + "</p>",
        lambda e: e.startswith("[…] This post a thoughtful piece") and len(e) < 140,
    ),
    "link ends its paragraph": (
        f"<p>{LONG} " * 1 + f"{LONG} " * 3 + 'and then <a href="{t}">this post</a></p><p>Next.</p>',
        lambda e: e.endswith("and then this post […]") and len(e) < 140 and "Next." not in e,
    ),
    "multibyte text": (
        "<p>" + "Ça répond à l’été “ünïcödé” — naïve façade " * 6 + '<a href="{t}">lien vers l’article</a> '
        "日本語の文章です。" * 20 + "</p>",
        lambda e: "lien vers l’article" in e and "\ufffd" not in e and e.startswith("[…] ") and len(e) < 260,
    ),
    "nested markup": (
        '<div><p> Tom &amp; Jerry <em>said</em>\n that <a href="{t}"><strong>the</strong> <span>post</span></a>'
        "&nbsp;was <b>good</b>.</p></div>",
        lambda e: e == "[…] Tom & Jerry said that the post was good. […]",
    ),
    "several links": (
        '<p>See <a href="https://other.test/x">another blog</a> and <a href="{t}">ours</a>.</p>'
        '<p>Again <a href="{t}">here</a>.</p>',
        lambda e: e == "[…] See another blog and ours. […]",
    ),
}


@pytest.mark.parametrize("case", sorted(EXCERPT_CASES))
def test_stored_excerpt_through_xml_rpc(rpc, web, post, case):
    """What the post page will show for each case where WordPress gets the excerpt wrong."""
    body, check = EXCERPT_CASES[case]
    source = web.page("/alice/post", f"<html><title>Alice</title><body>{body.format(t=post.full_url)}</body></html>")
    rpc.pingback.ping(source, post.full_url)
    excerpt = Response.objects.get(page=post).content
    assert check(excerpt), excerpt


def test_source_whose_dns_hangs_faults_0x10_at_the_deadline(rpc, post, monkeypatch):
    import socket
    import threading
    import time

    release = threading.Event()
    real = socket.getaddrinfo

    def hanging(host, *args, **kwargs):
        if host == "slow-dns.example":
            release.wait(10)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    started = time.monotonic()
    try:
        code, message = fault_of(lambda: rpc.pingback.ping("http://slow-dns.example/post", post.full_url))
    finally:
        release.set()
    assert (code, message) == (0x10, "The source could not be fetched.")
    assert time.monotonic() - started < 2.0
    assert not Response.objects.exists()


def test_public_name_resolving_to_a_private_address_faults_0x10_without_naming_it(rpc, post, monkeypatch, caplog):
    import socket

    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "www.innocent.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    caplog.set_level(logging.INFO, logger="linkbacks")
    code, message = fault_of(lambda: rpc.pingback.ping("http://www.innocent.example/post", post.full_url))
    assert (code, message) == (0x10, "The source could not be fetched.")
    assert "192.168.1.1" in caplog.text, "the address is for our log only"
    assert not Response.objects.exists()
