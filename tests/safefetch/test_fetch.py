"""The guarded fetch: public addresses only (per hop), bounded time, size and redirects, HTML on request."""

import socket
import threading
import time

import pytest

from safefetch import addresses, fetch
from tests.safefetch.conftest import AGENT, fetch_html
from tests.web import Route, closed_port, non_http_service, trickle


def refused_quickly(url: str, error: type[fetch.FetchError], within: float = 1.0) -> str:
    started = time.monotonic()
    with pytest.raises(error) as caught:
        fetch_html(url)
    assert time.monotonic() - started < within
    return str(caught.value)


def test_fetches_html_page_from_allowed_loopback(web):
    url = web.page("/post", "<html><title>Hi</title><p>café</p></html>")
    page = fetch_html(url)
    assert page.status == 200 and page.url == url
    assert "café" in page.text


def test_sends_the_callers_user_agent_and_accept_and_never_compression(web, settings):
    settings.SITE_URL = "https://blog.example.org"
    fetch_html(web.page("/post", "<p>x</p>"))
    headers = web.hits_for("/post")[0].headers
    assert headers["User-Agent"] == "Backchannel-Tests/1.0 (testing the guarded fetch; +https://blog.example.org)"
    assert "text/html" in headers["Accept"]
    assert headers["Accept-Encoding"] == "identity"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/post",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.1/",
        "http://192.168.1.1/",
        "http://[fd00::1]/",
    ],
)
def test_private_and_metadata_addresses_are_blocked(url):
    message = refused_quickly(url, fetch.BlockedAddress)
    assert "not a public internet address" in message


def test_loopback_is_blocked_when_not_allowed(web, settings):
    settings.SAFEFETCH_ALLOWED_NETWORKS = []
    web.page("/post", "<p>x</p>")
    for host in ("127.0.0.1", "localhost", "2130706433"):
        refused_quickly(f"http://{host}:{web.port}/post", fetch.BlockedAddress)
    assert web.hits == []


def test_public_name_resolving_to_private_address_is_blocked(monkeypatch):
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host == "www.innocent.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    message = refused_quickly("http://www.innocent.example/post", fetch.BlockedAddress)
    assert "10.1.2.3" in message


def test_name_with_one_private_address_among_public_ones_is_blocked(monkeypatch):
    def fake(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1", port, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    refused_quickly("http://mixed.example/", fetch.BlockedAddress)


@pytest.mark.parametrize("location", ["http://10.0.0.1/admin", "http://169.254.169.254/", "http://[::1]:8080/"])
def test_redirect_to_private_address_is_blocked(web, location):
    url = web.redirect("/hop", location)
    refused_quickly(url, fetch.BlockedAddress)


def test_redirects_are_followed_up_to_five(web):
    web.page("/end", "<p>end</p>")
    for hop in range(5):
        web.redirect(f"/r{hop}", f"/r{hop + 1}" if hop < 4 else "/end")
    assert fetch_html(web.url("/r0")).url == web.url("/end")


def test_more_than_five_redirects_fail(web):
    for hop in range(7):
        web.redirect(f"/r{hop}", f"/r{hop + 1}")
    message = refused_quickly(web.url("/r0"), fetch.UpstreamError)
    assert "redirects more than 5 times" in message


def test_slow_trickling_source_fails_at_the_deadline(web):
    url = web.raw("/slow", Route(headers=[("Content-Type", "text/html")], writer=trickle))
    message = refused_quickly(url, fetch.UpstreamError, within=2.5)
    assert "longer than 1 seconds" in message


def test_body_over_the_size_cap_fails(web):
    url = web.page("/big", "<p>" + "x" * 200_000 + "</p>")
    message = refused_quickly(url, fetch.UpstreamError)
    assert "larger than 100,000 bytes" in message


def test_non_html_source_is_refused(web):
    url = web.page("/image", "GIF89a", content_type="image/gif")
    assert "not an HTML page" in refused_quickly(url, fetch.NotHTML)


@pytest.mark.parametrize("status", [404, 410])
def test_missing_source_reports_its_status(web, status):
    url = web.page("/gone", "<p>gone</p>", status=status)
    with pytest.raises(fetch.SourceMissing) as caught:
        fetch_html(url)
    assert caught.value.status == status


def test_server_error_is_an_upstream_error(web):
    url = web.page("/broken", "<p>oops</p>", status=503)
    assert "HTTP 503" in refused_quickly(url, fetch.UpstreamError)


def test_refused_connection_is_unreachable(web):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    refused_quickly(f"http://127.0.0.1:{port}/", fetch.Unreachable)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://x/",
        "javascript:alert(1)",
        "/relative",
        "",
        "http://user:pw@example.com/",
        "http://",
    ],
)
def test_only_absolute_http_urls_are_fetched(url):
    refused_quickly(url, fetch.InvalidURL)


def test_redirect_to_file_scheme_is_refused(web):
    refused_quickly(web.redirect("/hop", "file:///etc/passwd"), fetch.InvalidURL)


def test_proxy_environment_is_ignored(web, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    assert fetch_html(web.page("/post", "<p>x</p>")).status == 200


def test_charset_from_meta_is_used_when_header_has_none(web):
    body = '<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1")
    url = web.raw("/latin", Route(body=body, headers=[("Content-Type", "text/html")]))
    assert "café" in fetch_html(url).text


def test_invalid_allowed_networks_setting_is_reported(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SAFEFETCH_ALLOWED_NETWORKS = ["not-a-network"]
    with pytest.raises(ImproperlyConfigured, match="comma-separated CIDRs"):
        addresses.is_allowed_address("8.8.8.8")


def test_invalid_allowed_networks_fail_the_system_check(settings):
    from safefetch.apps import check_allowed_networks

    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8", "nonsense"]
    (error,) = check_allowed_networks(None)
    assert error.id == "safefetch.E001" and "comma-separated CIDRs" in error.msg
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]
    assert check_allowed_networks(None) == []


def test_overlong_url_is_refused():
    refused_quickly("http://a.test/" + "x" * 3000, fetch.InvalidURL)


def test_hanging_dns_lookup_is_abandoned_at_the_deadline(monkeypatch):
    """getaddrinfo has no timeout; a resolver that never answers must not hold the fetch past its deadline."""
    release = threading.Event()
    calls = []

    def blocking(host, port, *args, **kwargs):
        calls.append(host)
        release.wait(10)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", blocking)
    try:
        message = refused_quickly("http://slow-dns.example/post", fetch.Unreachable, within=1.6)
    finally:
        release.set()
    assert calls == ["slow-dns.example"]
    assert "could not be resolved within" in message


def test_dns_failure_within_the_deadline_is_still_reported(monkeypatch):
    def failing(host, port, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", failing)
    assert "could not be found" in refused_quickly("http://nowhere.example/post", fetch.Unreachable)


def test_large_downloads_stream_into_a_sink_under_their_own_size_cap(web, tmp_path):
    url = web.page("/big", "<p>" + "x" * 200_000 + "</p>")
    with open(tmp_path / "download", "w+b") as sink:
        fetched = fetch.request("GET", url, agent=AGENT, max_bytes=1_000_000, deadline_seconds=30, sink=sink)
        assert fetched.status == 200 and fetched.content == b""
        sink.seek(0)
        assert len(sink.read()) == len("<p>" + "x" * 200_000 + "</p>")


def test_a_download_deadline_is_reported_in_the_refusal(web, tmp_path):
    url = web.raw("/slow", Route(headers=[("Content-Type", "audio/mpeg")], writer=trickle))
    with open(tmp_path / "download", "w+b") as sink, pytest.raises(fetch.UpstreamError) as caught:
        fetch.request("GET", url, agent=AGENT, deadline_seconds=1.5, sink=sink)
    assert "longer than 1.5 seconds" in str(caught.value)


def _failure(url: str) -> fetch.FetchError:
    with pytest.raises(fetch.FetchError) as caught:
        fetch.get(url, agent=AGENT)
    return caught.value


def test_a_closed_port_and_a_service_that_is_not_http_read_alike_to_strangers(settings):
    with non_http_service() as ssh, non_http_service(b"") as silent:
        failures = [
            _failure(f"http://127.0.0.1:{closed_port()}/"),
            _failure(f"http://127.0.0.1:{ssh}/"),
            _failure(f"http://127.0.0.1:{silent}/"),
        ]
    settings.SAFEFETCH_ALLOWED_NETWORKS = []
    failures.append(_failure("http://10.1.2.3/"))
    assert {failure.public("The source") for failure in failures} == {"The source could not be fetched."}
    assert "10.1.2.3" in str(failures[-1]) and "Could not connect" in str(failures[0])  # the detail, for logs


def test_a_name_that_does_not_resolve_reads_like_any_other_unreachable_source(monkeypatch):
    def failing(host, port, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", failing)
    assert _failure("http://intranet.corp/").public() == "The page could not be fetched."


def test_failures_after_an_http_answer_keep_their_detail_for_strangers(web):
    assert "HTTP 503" in _failure(web.page("/broken", "oops", status=503)).public()
    assert "larger than 100,000 bytes" in _failure(web.page("/big", "x" * 200_000)).public()
    trickling = web.raw("/slow", Route(headers=[("Content-Type", "text/html")], writer=trickle))
    assert "longer than 1 seconds" in _failure(trickling).public()
