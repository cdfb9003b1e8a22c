from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published, page_unpublished

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


def tell_targets_on_unpublish(sender, instance, **kwargs) -> None:
    """Unpublished or deleted (Wagtail unpublishes a live page before deleting it): mark the page's rows
    now, while its URL is known, and re-send its webmentions once that commits."""
    from . import sending, tasks

    if _paused.get() or not getattr(settings, "LINKBACK_SEND_ON_PUBLISH", True):
        return
    row_ids = sending.plan_gone(instance)
    if row_ids:
        transaction.on_commit(lambda: [tasks.send_linkback.enqueue(pk) for pk in row_ids])


def register_signal_handlers() -> None:
    page_published.connect(send_linkbacks_on_publish, dispatch_uid="linkbacks_send_on_publish")
    page_unpublished.connect(tell_targets_on_unpublish, dispatch_uid="linkbacks_tell_on_unpublish")
