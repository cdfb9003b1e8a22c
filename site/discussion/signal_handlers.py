"""Invariants kept whichever way a row goes: admin, bulk action, purge, a cascade from elsewhere."""

from django.apps import apps
from django.core.management import call_command
from django.db.models.signals import post_migrate, pre_delete

from .models import Response


def keep_replies(sender, instance: Response, **kwargs) -> None:
    """Before a response is deleted (admin, purge of old trash), its replies move up to its parent, as
    WordPress does, so other people's words are not deleted with it. The parent is read fresh: in a bulk
    delete it may have been moved already."""
    parent_id = Response.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
    Response.objects.filter(parent=instance.pk).update(parent=parent_id)


def create_cache_tables(sender, using: str = "default", **kwargs) -> None:
    """`migrate` also makes the table behind a database cache (the `limits` default), so no extra step."""
    call_command("createcachetable", database=using, verbosity=0)


def register() -> None:
    pre_delete.connect(keep_replies, sender=Response, dispatch_uid="discussion.keep_replies")
    post_migrate.connect(
        create_cache_tables, sender=apps.get_app_config("discussion"), dispatch_uid="discussion.create_cache_tables"
    )
