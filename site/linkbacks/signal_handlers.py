from django.db import transaction
from wagtail.signals import page_published


def send_linkbacks_on_publish(sender, instance, **kwargs) -> None:
    """After the publish commits, find the page's links and send linkbacks in the background."""
    from . import tasks

    page_id = instance.pk
    transaction.on_commit(lambda: tasks.send_page_linkbacks.enqueue(page_id))


def register_signal_handlers() -> None:
    page_published.connect(send_linkbacks_on_publish, dispatch_uid="linkbacks_send_on_publish")
