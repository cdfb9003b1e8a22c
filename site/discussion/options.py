"""The discussion switches in effect: Settings → Discussion where a moderator set them, else the
environment's value (README's DISCUSSION_* and AKISMET_API_KEY), as WordPress's Discussion screen.

Read once per content version (a saved setting changes it, pagecache), kept for the request, and at
most once a second in the task worker: a page costs no query for them on most renders, and a change
in the admin applies to the very next request in every process.
"""

import threading
import time
from dataclasses import dataclass, fields

from django.conf import settings
from django.core.signals import request_finished, request_started, setting_changed

from pagecache import fragments

# Each switch and the environment setting that gives its default.
ENVIRONMENT = {
    "manual_moderation": "DISCUSSION_MANUAL_MODERATION",
    "previously_approved": "DISCUSSION_PREVIOUSLY_APPROVED",
    "hold_without_akismet": "DISCUSSION_HOLD_WITHOUT_AKISMET",
    "close_after_days": "DISCUSSION_CLOSE_AFTER_DAYS",
    "thread_depth": "DISCUSSION_THREAD_DEPTH",
    "links_to_hold": "DISCUSSION_LINKS_TO_HOLD",
    "flood_seconds": "DISCUSSION_FLOOD_SECONDS",
    "akismet_api_key": "AKISMET_API_KEY",
}
MEMO_SECONDS = 1.0  # outside a request (the task worker)
FRAGMENT = "discussion-options"


@dataclass(frozen=True)
class Options:
    manual_moderation: bool
    previously_approved: bool
    hold_without_akismet: bool
    close_after_days: int
    thread_depth: int
    links_to_hold: int
    flood_seconds: int
    akismet_api_key: str


_memo = threading.local()


def environment_default(name: str):
    return getattr(settings, ENVIRONMENT[name])


def current() -> Options:
    """The switches for the default site (the one the discussion serves)."""
    memo = getattr(_memo, "value", None)
    if memo is not None and (getattr(_memo, "in_request", False) or time.monotonic() - _memo.at < MEMO_SECONDS):
        return memo
    defaults = environment()
    if getattr(_memo, "in_request", False):  # the environment is in the key: a changed setting reads anew
        value = fragments.cached(FRAGMENT, tuple(defaults.items()), lambda: _read(defaults))
    else:
        value = _read(defaults)
    _memo.value, _memo.at = value, time.monotonic()
    return value


def environment() -> dict:
    return {name: environment_default(name) for name in ENVIRONMENT}


def _read(defaults: dict) -> Options:
    from .models import DiscussionSettings

    stored = DiscussionSettings.objects.filter(site__is_default_site=True).first()  # no row: all from the environment
    return _options(stored, defaults)


def site_found(site) -> None:
    """The site lookup joined the default site's stored switches (pagecache.sites.join): keep them."""
    if site.is_default_site:
        defaults = environment()
        fragments.seed(FRAGMENT, tuple(defaults.items()), _options(getattr(site, "discussionsettings", None), defaults))


def _options(stored, defaults: dict) -> Options:
    values = {}
    for field in fields(Options):
        value = getattr(stored, field.name, None) if stored else None
        values[field.name] = defaults[field.name] if value in (None, "") else value
    return Options(**values)


def forget(**kwargs) -> None:
    """Read the switches again on next use (a moderator saved them, or a setting changed)."""
    _memo.value = None


def _request_started(**kwargs) -> None:
    forget()
    _memo.in_request = True


def _request_finished(**kwargs) -> None:
    forget()
    _memo.in_request = False


request_started.connect(_request_started, dispatch_uid="discussion.options.request_started")
request_finished.connect(_request_finished, dispatch_uid="discussion.options.request_finished")
setting_changed.connect(forget, dispatch_uid="discussion.options.setting_changed")
