"""Which uploaded file a media URL names, and whether this request may read it.

The decision is made on the path the filesystem will open (normalised, symlinks resolved, compared
without case), never on the raw URL: ``/media/./documents/x``, ``/media/a/../documents/x``,
``%2e``/``%2f`` spellings and doubled slashes all name ``documents/x`` and are judged as such.

Wagtail documents are never served here: their own view (``/documents/<id>/<name>``) applies their
collection's privacy. Images and their renditions are served here, so an image in a collection with
a view restriction (login, groups or password) goes only to requests that pass it.
"""

import os

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

DOCUMENTS = "documents"
IMAGE_FOLDERS = ("original_images", "images")


def resolve(path: str) -> tuple[str, str] | None:
    """(absolute path, name relative to MEDIA_ROOT with "/" separators), or None outside it or unusable.

    A backslash or NUL is refused rather than interpreted: no stored name holds one, and on some
    systems a backslash is a separator.
    """
    if "\\" in path or "\x00" in path:
        return None
    try:
        root = os.path.realpath(settings.MEDIA_ROOT)
        real = os.path.realpath(safe_join(root, path))
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    if not real.startswith(root + os.sep):  # a symlink pointing out of MEDIA_ROOT
        return None
    return real, os.path.relpath(real, root).replace(os.sep, "/")


def _folder(name: str) -> str:
    return name.partition("/")[0].lower()


def is_document(name: str) -> bool:
    return _folder(name) == DOCUMENTS


def _image_collection(name: str) -> Collection | None:
    """The collection of the image this file is, or is a rendition of; None for any other file."""
    image_model = get_image_model()
    if _folder(name) == "original_images":
        image = image_model.objects.filter(file=name).select_related("collection").first()
        return image.collection if image else None
    rendition = image_model.get_rendition_model().objects.filter(file=name).select_related("image__collection").first()
    return rendition.image.collection if rendition else None


def restrictions(name: str) -> list[CollectionViewRestriction]:
    """The view restrictions on the image this file is or renders; empty for every other file."""
    if _folder(name) not in IMAGE_FOLDERS or not CollectionViewRestriction.objects.exists():
        return []
    collection = _image_collection(name)
    return list(collection.get_view_restrictions()) if collection is not None else []
