"""WebSub publish pings: tell the configured hubs the show's feed changed, so apps update in seconds.

Hubs come from settings (PODCAST_WEBSUB_HUBS), not from strangers, so a plain client is enough;
it still ignores proxy variables and gives each hub a short timeout.
"""

import logging

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0


class PingFailed(Exception):
    """At least one hub did not accept the ping; the message names each hub and why."""


def make_client() -> httpx.Client:
    user_agent = f"Backchannel-WebSub/1.0 (+{settings.SITE_URL})"
    return httpx.Client(timeout=TIMEOUT_SECONDS, trust_env=False, headers={"User-Agent": user_agent})


def publish(feed_url: str, hubs: list[str], client: httpx.Client) -> list[str]:
    """POST `hub.mode=publish&hub.url=FEED` (form-encoded) to every hub; return the hubs that accepted it."""
    accepted, failures = [], []
    for hub in hubs:
        try:
            response = client.post(hub, data={"hub.mode": "publish", "hub.url": feed_url})
        except httpx.HTTPError as error:
            failures.append(f"{hub}: {error}")
            continue
        if 200 <= response.status_code < 300:
            accepted.append(hub)
        else:
            failures.append(f"{hub}: HTTP {response.status_code}")
    if failures:
        logger.warning("WebSub ping for %s failed: %s", feed_url, "; ".join(failures))
        raise PingFailed("; ".join(failures))
    return accepted
