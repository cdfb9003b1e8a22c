"""Every response carries the Content-Security-Policy: strict on public pages, loosened under /admin/ only.

That the policy breaks nothing (player, admin) is checked in a real browser: tests/e2e/test_csp.py.
"""

import pytest

from tests.config.test_settings import manage

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    return {name: rest for name, *rest in (part.split() for part in header.split(";") if part.strip())}


def test_public_pages_forbid_inline_script_and_style_and_plugins(client, post):
    policy = directives(client.get(post.url)["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"] and policy["frame-ancestors"] == ["'self'"]
    assert "https:" in policy["img-src"] and "https:" in policy["media-src"], "Gravatar, photos, remote audio"
    assert "https:" in policy["frame-src"], "embedded players (YouTube, Vimeo…)"


def test_feeds_and_errors_carry_it_too(client, post):
    assert "script-src 'self'" in client.get("/feed/")["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]


def test_only_the_admin_allows_its_inline_scripts_and_styles(client, post):
    policy = directives(client.get("/admin/login/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in client.get("/admin-lookalike/")["Content-Security-Policy"]


def test_report_only_reporting_and_embed_script_hosts_come_from_the_environment():
    code = (
        "from django.conf import settings; p = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES'];"
        "print(hasattr(settings, 'CONTENT_SECURITY_POLICY'), p['report-uri'], p['script-src'])"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="true",
        CSP_REPORT_ONLY="true",
        CSP_REPORT_URI="https://reports.example/csp",
        CSP_EMBED_SCRIPT_SOURCES="https://platform.twitter.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "['https://reports.example/csp']",
        "[\"'self'\",",
        "'https://platform.twitter.com']",
    ]
