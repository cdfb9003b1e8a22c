"""Background work for podcasts: WebSub pings after an episode is published."""

from django.conf import settings
from django_tasks import task

from . import websub
from .models import PodcastPage


@task()
def ping_websub_hubs(show_id: int) -> list[str]:
    """Ping every configured hub about the show's feed; a retry only repeats a harmless ping."""
    show = PodcastPage.objects.live().filter(pk=show_id).first()
    if show is None or not settings.PODCAST_WEBSUB_HUBS:
        return []
    return websub.publish(show.feed_url(), settings.PODCAST_WEBSUB_HUBS)
