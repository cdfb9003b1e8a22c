"""Connect publishing in Wagtail to the podcast's background work."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published

from .models import EpisodePage
from .tasks import ping_websub_hubs

_suppressed: ContextVar[bool] = ContextVar("podcast_websub_suppressed", default=False)


@contextmanager
def websub_suppressed() -> Iterator[None]:
    """An import publishes hundreds of episodes; it pings the hubs once at the end instead."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def ping_hubs_on_episode_publish(sender, instance, **kwargs) -> None:
    if not settings.PODCAST_WEBSUB_HUBS or _suppressed.get():
        return
    show_id = instance.get_parent().pk
    transaction.on_commit(lambda: ping_websub_hubs.enqueue(show_id))


def register_signal_handlers() -> None:
    page_published.connect(ping_hubs_on_episode_publish, sender=EpisodePage, dispatch_uid="podcast-websub-ping")
