"""Connect publishing in Wagtail to sending linkbacks: new links are told by the worker.

The sending task is queued with the publish (`discussion.outbox`: in its transaction on the
database queue, on commit with in-process tasks), so `publish()` never waits for a ping.

Inside ``discussion.publishing.quietly()`` (imports, demo content) nothing is sent: the page's links
are recorded as already told (``sending.record_as_sent``), so a later edit tells only new links.
"""

from django.conf import settings
from django.db import transaction
from wagtail.signals import page_published, page_unpublished

from discussion import outbox, publishing


def send_linkbacks_on_publish(sender, instance, **kwargs) -> None:
    """After the publish commits, find the page's links and send linkbacks in the background."""
    from . import sending, tasks

    if publishing.is_quiet():
        sending.record_as_sent(instance)
        return
    if not getattr(settings, "LINKBACK_SEND_ON_PUBLISH", True):
        return
    outbox.enqueue(tasks.send_page_linkbacks, instance.pk)  # the editor never waits for the pings


def tell_targets_on_unpublish(sender, instance, **kwargs) -> None:
    """Unpublished or deleted (Wagtail unpublishes a live page before deleting it): mark the page's rows
    now, while its URL is known, and re-send its webmentions once that commits."""
    from . import sending, tasks

    if publishing.is_quiet() or not getattr(settings, "LINKBACK_SEND_ON_PUBLISH", True):
        return
    row_ids = sending.plan_gone(instance)
    if row_ids:
        transaction.on_commit(lambda: [tasks.send_linkback.enqueue(pk) for pk in row_ids])


def register_signal_handlers() -> None:
    page_published.connect(send_linkbacks_on_publish, dispatch_uid="linkbacks_send_on_publish")
    page_unpublished.connect(tell_targets_on_unpublish, dispatch_uid="linkbacks_tell_on_unpublish")
