"""Akismet through the `akismet` package, behind functions that turn every failure into a verdict.

A spam service must never cost a reader their comment: errors, timeouts, a bad or missing key all
come back as ERROR / UNCONFIGURED, and moderation keeps the response pending and rechecks it later.
Every call is bounded as a whole (`deadline`): AKISMET_TIMEOUT in the worker, AKISMET_REQUEST_BUDGET
when a comment POST asks first. AKISMET_API_URL points the client at another server (a local fake
in tests and in the production scenario suite); the library itself has no setting for it.
"""

from datetime import UTC
from enum import StrEnum
from typing import TYPE_CHECKING

import akismet
import httpx
from django.conf import settings
from django.utils.translation import to_locale

from . import deadline

if TYPE_CHECKING:
    from .models import Response

AkismetError = akismet.AkismetError

# Tests swap these for one of the library's TestSyncClient subclasses or an httpx.MockTransport.
client_class: type[akismet.SyncClient] = akismet.SyncClient
transport: httpx.BaseTransport | None = None
LIBRARY_API_URL = "https://rest.akismet.com"  # what the library sends to; rebased onto AKISMET_API_URL


class Verdict(StrEnum):
    HAM = "ham"
    SPAM = "spam"
    DISCARD = "discard"
    ERROR = "error"
    UNCONFIGURED = "unconfigured"


def api_key() -> str:
    """Settings → Discussion's key, else AKISMET_API_KEY."""
    from . import options

    return options.current().akismet_api_key


def configured() -> bool:
    return bool(api_key())


class _Rebased(httpx.BaseTransport):
    """Send the library's requests to AKISMET_API_URL instead of rest.akismet.com."""

    def __init__(self, inner: httpx.BaseTransport, base: str):
        self.inner, self.base = inner, httpx.URL(base)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        prefix = self.base.path.rstrip("/")
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port, path=prefix + request.url.path
        )
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _client(seconds: float | None = None) -> tuple[akismet.SyncClient, httpx.Client]:
    """A client whose one call ends within `seconds` (default AKISMET_TIMEOUT), connect to last byte."""
    seconds = settings.AKISMET_TIMEOUT if seconds is None else seconds
    wire = transport if transport is not None else deadline.DeadlineTransport(seconds)
    base = settings.AKISMET_API_URL.rstrip("/")
    if base != LIBRARY_API_URL:
        wire = _Rebased(wire, base)
    http = httpx.Client(timeout=seconds, headers={"User-Agent": akismet.USER_AGENT}, transport=wire)
    config = akismet.Config(key=api_key(), url=settings.SITE_URL + "/")
    return client_class(config=config, http_client=http), http


def payload_for(response: "Response", *, permalink: str, honeypot_field_name: str = "") -> dict:
    """Everything Akismet's comment-check takes about this response; stored so submit-spam/ham can replay it."""
    page = response.page
    modified = page.last_published_at or page.first_published_at
    payload = {
        "user_ip": response.ip_address or "",
        "user_agent": response.user_agent,
        "referrer": response.referrer,
        "permalink": permalink,
        "comment_type": response.kind,
        "comment_author": response.author_name,
        "comment_author_email": response.author_email,
        "comment_author_url": response.author_url or response.source_url,
        "comment_content": response.content,
        "comment_date_gmt": response.created_at.astimezone(UTC).isoformat(),
        "blog_lang": to_locale(settings.LANGUAGE_CODE),  # "en_US", as WordPress sends get_locale()
        "blog_charset": "UTF-8",
    }
    if modified:
        payload["comment_post_modified_gmt"] = modified.astimezone(UTC).isoformat()
    if honeypot_field_name:
        payload["honeypot_field_name"] = honeypot_field_name
    if settings.AKISMET_IS_TEST:
        payload["is_test"] = 1
    return payload


def check(payload: dict, *, recheck_reason: str = "", seconds: float | None = None) -> tuple[Verdict, str]:
    """comment-check within `seconds` (default AKISMET_TIMEOUT); the verdict and a note for the history."""
    if not configured():
        return Verdict.UNCONFIGURED, "Akismet is not configured (no AKISMET_API_KEY)."
    data = dict(payload)
    if recheck_reason:
        data["recheck_reason"] = recheck_reason
    client, http = _client(seconds)
    try:
        result = client.comment_check(**data)
    except akismet.AkismetError as error:
        cause = error.__cause__ or error
        return Verdict.ERROR, f"Akismet could not answer: {type(cause).__name__}: {cause}"[:500]
    finally:
        http.close()
    if result == akismet.CheckResponse.DISCARD:
        return Verdict.DISCARD, "Akismet: blatant spam (pro tip: discard)."
    if result == akismet.CheckResponse.SPAM:
        return Verdict.SPAM, "Akismet: spam."
    return Verdict.HAM, "Akismet: not spam."


def report(payload: dict, *, spam: bool) -> bool:
    """submit-spam / submit-ham with what was originally sent; raises akismet.AkismetError on failure."""
    client, http = _client()
    try:
        send = client.submit_spam if spam else client.submit_ham
        return send(**payload)
    finally:
        http.close()


def verify_key(key: str) -> bool | None:
    """Akismet's verdict on `key` (True or False), or None when Akismet could not be asked."""
    client, http = _client()
    try:
        return client.verify_key(key, settings.SITE_URL + "/")
    except (AkismetError, httpx.HTTPError, OSError):
        return None
    finally:
        http.close()


def answers() -> bool:
    """Whether Akismet answers at all (verify-key with the configured key, within AKISMET_TIMEOUT)."""
    return verify_key(api_key()) is not None
