"""What changes the content version: anything a reader could see, however it was changed.

Receivers are connected for every sender and decide by the model's kind, so models added later are
covered without a list to keep: pages (saved live, published, unpublished, moved, deleted), their
view restrictions, sites, settings, snippets, tags, images and documents. A model whose rows only
sometimes show (a response held for moderation) says so with `affects_public_pages()`.
"""

from functools import cache

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import BaseViewRestriction, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from . import version

WATCHED_BASES = (BaseGenericSetting, BaseSiteSetting, AbstractDocument, AbstractImage, BaseViewRestriction, Site)


@cache
def watched(model: type) -> bool:
    from taggit.models import TagBase
    from wagtail.snippets.models import get_snippet_models

    if issubclass(model, AbstractRendition):
        return False  # made while a page renders; not a change
    return (
        issubclass(model, (Page, TagBase, *WATCHED_BASES))
        or hasattr(model, "affects_public_pages")
        or model in get_snippet_models()
    )


def saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if raw or not watched(sender):
        return
    if created and issubclass(sender, (BaseGenericSetting, BaseSiteSetting)):
        return  # made with its defaults on first read (Wagtail's for_site): nothing a reader sees changed
    if isinstance(instance, Page) and not instance.live:
        return  # a draft; unpublishing sends page_unpublished
    rule = getattr(instance, "affects_public_pages", None)
    if rule is not None and not rule():
        return
    version.bump()


def deleted(sender, instance, **kwargs) -> None:
    if watched(sender):
        version.bump()


def changed(sender, **kwargs) -> None:
    version.bump()


def register() -> None:
    post_save.connect(saved, dispatch_uid="pagecache.saved")
    post_delete.connect(deleted, dispatch_uid="pagecache.deleted")
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(changed, dispatch_uid=f"pagecache.changed.{id(signal)}")
