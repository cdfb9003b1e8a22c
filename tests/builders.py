"""Builders for pages and snippets, so tests say what they need in one line."""

import io
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Locale, Page, Site

from blog.models import Author, BlogIndexPage, BlogPage, Category


def wagtail_root() -> Page:
    """Wagtail's root page, rebuilt if a transactional test's flush removed it with the migration data."""
    root = Page.get_first_root_node()
    if root is None:
        language = get_supported_language_variant(settings.LANGUAGE_CODE)
        locale, _ = Locale.objects.get_or_create(language_code=language)
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def make_blog_index(title: str = "Test Blog") -> BlogIndexPage:
    """A blog index that is the default site's root, at http://testserver/."""
    root = wagtail_root()
    index = root.add_child(instance=BlogIndexPage(title=title, slug="test-blog"))
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=index, is_default_site=True, site_name=title)
    return index


def make_author(name: str = "Ada Writer", **fields) -> Author:
    return Author.objects.create(name=name, **fields)


def make_category(name: str, parent: Category | None = None) -> Category:
    return Category.objects.create(name=name, parent=parent)


def make_post(
    index: BlogIndexPage,
    title: str = "A post",
    *,
    slug: str | None = None,
    date: datetime | None = None,
    body: str = "<p>Body text.</p>",
    intro: str = "",
    authors=(),
    categories=(),
    tags=(),
    live: bool = True,
    **fields,
) -> BlogPage:
    post = BlogPage(
        title=title,
        slug=slug or "",
        date=date or timezone.now() - timedelta(hours=1),
        intro=intro,
        body=[("paragraph", body)],
        live=live,
        **fields,
    )
    index.add_child(instance=post)
    post.authors.set(authors)
    post.categories.set(categories)
    post.tags.set(tags)
    revision = post.save_revision()
    if live:
        revision.publish()
    post.refresh_from_db()
    return post


def make_collection(name: str, restriction: str | None = CollectionViewRestriction.LOGIN) -> Collection:
    """A collection under the root one; by default only signed-in people may view its media."""
    collection = Collection.get_first_root_node().add_child(instance=Collection(name=name))
    if restriction:
        CollectionViewRestriction.objects.create(collection=collection, restriction_type=restriction)
    return collection


def make_document(collection: Collection, name: str = "minutes.pdf", content: bytes = b"%PDF-1.4 minutes"):
    document = get_document_model()(title=name, collection=collection)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def make_image(collection: Collection, name: str = "photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return get_image_model().objects.create(title=name, collection=collection, file=ImageFile(buffer, name=name))
