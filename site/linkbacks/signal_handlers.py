from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published

_paused: ContextVar[bool] = ContextVar("linkbacks_sending_paused", default=False)


@contextmanager
def sending_paused() -> Iterator[None]:
    """Publish without telling anyone (imports, demo content), as WordPress does while WP_IMPORTING."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def send_linkbacks_on_publish(sender, instance, **kwargs) -> None:
    """After the publish commits, find the page's links and send linkbacks in the background."""
    from . import tasks

    if _paused.get() or not getattr(settings, "LINKBACK_SEND_ON_PUBLISH", True):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: tasks.send_page_linkbacks.enqueue(page_id))


def register_signal_handlers() -> None:
    page_published.connect(send_linkbacks_on_publish, dispatch_uid="linkbacks_send_on_publish")
