"""What changes the content version: anything a reader could see, however it was changed.

Receivers are connected for every sender and decide by the model's kind, so models added later are
covered without a list to keep: pages (saved live, published, unpublished, moved, deleted), their
child rows (a ParentalKey's: an episode's chapters, a show's directory links, however written), their
view restrictions, sites, settings, snippets, tags, images and documents. A model whose rows only
sometimes show (a response held for moderation) says so with `affects_public_pages()`.
"""

from functools import cache

from django.db.models.signals import post_delete, post_save
from modelcluster.fields import ParentalKey
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import BaseViewRestriction, Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from . import version

WATCHED_BASES = (BaseGenericSetting, BaseSiteSetting, AbstractDocument, AbstractImage, BaseViewRestriction, Site)


@cache
def page_key(model: type) -> ParentalKey | None:
    """The key of a page's child row (what an InlinePanel edits), or None."""
    keys = (field for field in model._meta.fields if isinstance(field, ParentalKey))
    return next((key for key in keys if issubclass(key.related_model, Page)), None)


def draft_child(instance) -> bool:
    """A child row of a page known to be a draft (modelcluster sets the page on the rows it saves)."""
    key = page_key(type(instance))
    return key is not None and key.is_cached(instance) and not getattr(instance, key.name).live


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
        or page_key(model) is not None
    )


def saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if raw or not watched(sender):
        return
    if created and issubclass(sender, (BaseGenericSetting, BaseSiteSetting)):
        return  # made with its defaults on first read (Wagtail's for_site): nothing a reader sees changed
    if isinstance(instance, Page) and not instance.live:
        return  # a draft; unpublishing sends page_unpublished
    if draft_child(instance):
        return
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
