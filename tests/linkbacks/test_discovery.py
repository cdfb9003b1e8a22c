"""Endpoint discovery: the 23 webmention.rocks discovery cases, then pingback, over pure input and real HTTP."""

import pytest

from linkbacks import discovery
from linkbacks.discovery import PINGBACK, WEBMENTION, Endpoint, find_endpoint
from safefetch import fetch

pytestmark = pytest.mark.usefixtures("fast_fetch")

WRONG = "/error"  # like webmention.rocks: any endpoint ending in /error is a failure

# case: (page path, headers, html body, expected endpoint path); paths are relative to the site root.
CASES = {
    1: ("/test/1", [("Link", "</test/1/webmention?head=true>; rel=webmention")], "", "/test/1/webmention?head=true"),
    2: (
        "/test/2",
        [("Link", "<{root}/test/2/webmention?head=true>; rel=webmention")],
        "",
        "/test/2/webmention?head=true",
    ),
    3: ("/test/3", [], '<link rel="webmention" href="/test/3/webmention">', "/test/3/webmention"),
    4: ("/test/4", [], '<link rel="webmention" href="{root}/test/4/webmention">', "/test/4/webmention"),
    5: ("/test/5", [], '<a rel="webmention" href="/test/5/webmention">endpoint</a>', "/test/5/webmention"),
    6: ("/test/6", [], '<a rel="webmention" href="{root}/test/6/webmention">endpoint</a>', "/test/6/webmention"),
    7: (
        "/test/7",
        [("LinK", "<{root}/test/7/webmention?head=true>; rel=webmention")],
        "",
        "/test/7/webmention?head=true",
    ),
    8: (
        "/test/8",
        [("Link", '<{root}/test/8/webmention?head=true>; rel="webmention"')],
        "",
        "/test/8/webmention?head=true",
    ),
    9: ("/test/9", [], '<link rel="webmention somethingelse" href="/test/9/webmention">', "/test/9/webmention"),
    10: (
        "/test/10",
        [("Link", '<{root}/test/10/webmention?head=true>; rel="webmention somethingelse"')],
        "",
        "/test/10/webmention?head=true",
    ),
    11: (
        "/test/11",
        [("Link", "<{root}/test/11/webmention>; rel=webmention")],
        '<link rel="webmention" href="/test/11/error"><a rel="webmention" href="/test/11/error">x</a>',
        "/test/11/webmention",
    ),
    12: (
        "/test/12",
        [],
        '<link rel="not-webmention" href="/test/12/error"><link rel="webmention" href="/test/12/webmention">',
        "/test/12/webmention",
    ),
    13: (
        "/test/13",
        [],
        '<!-- <link rel="webmention" href="/test/13/error"> --><link rel="webmention" href="/test/13/webmention">',
        "/test/13/webmention",
    ),
    14: (
        "/test/14",
        [],
        '<p>&lt;a rel="webmention" href="/test/14/error"&gt;x&lt;/a&gt;</p>'
        '<a rel="webmention" href="/test/14/webmention">real</a>',
        "/test/14/webmention",
    ),
    15: ("/test/15", [], '<link rel="webmention" href="">', "/test/15"),
    16: (
        "/test/16",
        [],
        '<a href="/test/16/webmention" rel="webmention">a</a><link rel="webmention" href="/test/16/error">',
        "/test/16/webmention",
    ),
    17: (
        "/test/17",
        [],
        '<link rel="webmention" href="/test/17/webmention"><a href="/test/17/error" rel="webmention">a</a>',
        "/test/17/webmention",
    ),
    18: (
        "/test/18",
        [
            ("Link", '<{root}/test/18/error>; rel="other"'),
            ("Link", "<{root}/test/18/webmention?head=true>; rel=webmention"),
        ],
        "",
        "/test/18/webmention?head=true",
    ),
    19: (
        "/test/19",
        [("Link", '<{root}/test/19/error>; rel="other", <{root}/test/19/webmention?head=true>; rel="webmention"')],
        "",
        "/test/19/webmention?head=true",
    ),
    20: (
        "/test/20",
        [],
        '<link rel="webmention"><a rel="webmention" href="/test/20/webmention">a</a>',
        "/test/20/webmention",
    ),
    21: (
        "/test/21",
        [],
        '<link rel="webmention" href="/test/21/webmention?query=yes">',
        "/test/21/webmention?query=yes",
    ),
    22: ("/test/22", [], '<link rel="webmention" href="22/webmention">', "/test/22/webmention"),
    23: (
        "/test/23/page/k3y",
        [],
        '<link rel="webmention" href="webmention-endpoint/k3y">',
        "/test/23/page/webmention-endpoint/k3y",
    ),
}
ROOT = "https://webmention.rocks"


def fill(value: str, root: str) -> str:
    return value.replace("{root}", root)


@pytest.mark.parametrize("case", sorted(CASES))
def test_webmention_rocks_discovery_case(case):
    path, headers, html, expected = CASES[case]
    endpoint = find_endpoint(
        ROOT + path,
        [(k, fill(v, ROOT)) for k, v in headers],
        f"<html><head></head><body>{fill(html, ROOT)}</body></html>",
    )
    assert endpoint == Endpoint(WEBMENTION, ROOT + expected)
    assert not endpoint.url.endswith(WRONG)


@pytest.mark.parametrize("case", sorted(CASES))
def test_webmention_rocks_discovery_case_over_http(web, case):
    path, headers, html, expected = CASES[case]
    root = web.url("")
    page_path = path
    if case == 23:  # the target redirects (once) and the endpoint is relative to the final URL
        page_path = "/test/23/page"
        web.redirect(page_path, path)
        web.routes[page_path].once = True
    web.page(
        path,
        f"<html><head></head><body>{fill(html, root)}</body></html>",
        headers=[(k, fill(v, root)) for k, v in headers],
    )
    assert discovery.discover(web.url(page_path)) == Endpoint(WEBMENTION, root + expected)


def test_pingback_header_is_found_when_there_is_no_webmention():
    found = find_endpoint("https://b.test/post", {"X-Pingback": "https://b.test/xmlrpc.php"}, "<p>hi</p>")
    assert found == Endpoint(PINGBACK, "https://b.test/xmlrpc.php")


def test_pingback_link_element_is_found():
    html = '<head><link rel="pingback" href="/xmlrpc.php"></head>'
    assert find_endpoint("https://b.test/post", {}, html) == Endpoint(PINGBACK, "https://b.test/xmlrpc.php")


def test_pingback_header_wins_over_pingback_link_and_webmention_wins_over_both():
    html = '<link rel="pingback" href="/link.php">'
    assert find_endpoint("https://b.test/p", {"X-Pingback": "/header.php"}, html).url == "https://b.test/header.php"
    html += '<a rel="webmention" href="/wm">'
    assert find_endpoint("https://b.test/p", {"X-Pingback": "/header.php"}, html).kind == WEBMENTION


def test_page_without_endpoints_gives_none():
    assert find_endpoint("https://b.test/p", {"Link": '</style.css>; rel="stylesheet"'}, "<p>x</p>") is None


def test_link_header_on_a_non_html_target_is_found_without_reading_its_body(web):
    url = web.page(
        "/file.pdf",
        "%PDF-" + "x" * 500_000,
        content_type="application/pdf",
        headers=[("Link", "</wm>; rel=webmention")],
    )
    assert discovery.discover(url) == Endpoint(WEBMENTION, web.url("/wm"))


def test_missing_target_page_raises_a_fetch_error(web):
    with pytest.raises(fetch.UpstreamError, match="HTTP 404"):
        discovery.discover(web.url("/nothing"))


def test_discovery_never_fetches_a_private_target():
    with pytest.raises(fetch.BlockedAddress):
        discovery.discover("http://10.0.0.1/post")
