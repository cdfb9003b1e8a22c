"""Connect publishing in Wagtail to the podcast's background work: WebSub pings for a new episode.

Imports publish inside ``discussion.publishing.quietly()``, and then no hub is pinged.
"""

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published

from discussion import publishing

from .models import EpisodePage
from .tasks import ping_websub_hubs


def ping_hubs_on_episode_publish(sender, instance, **kwargs) -> None:
    if not settings.PODCAST_WEBSUB_HUBS or publishing.is_quiet():
        return
    show_id = instance.get_parent().pk
    transaction.on_commit(lambda: ping_websub_hubs.enqueue(show_id))


def register_signal_handlers() -> None:
    page_published.connect(ping_hubs_on_episode_publish, sender=EpisodePage, dispatch_uid="podcast-websub-ping")
