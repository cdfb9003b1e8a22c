"""WebSub publish pings: tell the configured hubs the show's feed changed, so apps update in seconds.

Hubs come from settings (PODCAST_WEBSUB_HUBS), not from strangers, but the ping still goes through
safefetch like every outbound request: its deadline bounds a hub that never answers, and a hub on a
private network must be listed in SAFEFETCH_ALLOWED_NETWORKS.
"""

import logging

from safefetch import fetch

logger = logging.getLogger(__name__)
AGENT = fetch.UserAgent("Backchannel-WebSub/1.0", "notifying a WebSub hub that a feed changed")


class PingFailed(Exception):
    """At least one hub did not accept the ping; the message names each hub and why."""


def publish(feed_url: str, hubs: list[str]) -> list[str]:
    """POST `hub.mode=publish&hub.url=FEED` (form-encoded) to every hub; return the hubs that accepted it."""
    accepted, failures = [], []
    for hub in hubs:
        try:
            fetch.post(hub, agent=AGENT, data={"hub.mode": "publish", "hub.url": feed_url}, headers={"Accept": "*/*"})
        except fetch.BadStatus as error:
            failures.append(f"{hub}: HTTP {error.status}")
        except fetch.FetchError as error:
            failures.append(f"{hub}: {error}")
        else:
            accepted.append(hub)
    if failures:
        logger.warning("WebSub ping for %s failed: %s", feed_url, "; ".join(failures))
        raise PingFailed("; ".join(failures))
    return accepted
