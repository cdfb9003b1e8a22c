"""WordPress categories and tags → ``Category`` snippets (with their tree) and taggit tags.

Both taxonomies go through one loop: the terms the channel declares plus any term used on a post
but not declared, each found again by its WordPress id, or adopted by slug (tags also by name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models, transaction
from taggit.models import Tag

from blog.models import Category

from .values import fingerprint, plain, short_key, unique_slug, wordpress_slug
from .wxr import WPCategory, WPItem, WPTag

if TYPE_CHECKING:
    from .importer import Importer


@dataclass(frozen=True)
class Taxonomy:
    """How one WordPress taxonomy is imported."""

    domain: str  # the items' <category domain="…">
    kind: str  # ImportedObject.Kind
    plural: str  # the export's list, the run's dict by slug and the summary's row
    model: type[models.Model]
    values: Callable[[WPCategory | WPTag | None, str], dict]


CATEGORIES = Taxonomy(
    domain="category",
    kind="category",
    plural="categories",
    model=Category,
    values=lambda term, name: {
        "name": name[:200],
        "description": plain(term.description) if term else "",
        "parent": wordpress_slug(term.parent_slug) if term else "",
    },
)
TAGS = Taxonomy(
    domain="post_tag",
    kind="tag",
    plural="tags",
    model=Tag,
    values=lambda term, name: {"name": name[:100]},
)


def term_key(term) -> str:
    return wordpress_slug(term.slug) or wordpress_slug(term.name)


def term_slugs(item: WPItem, taxonomy: Taxonomy) -> list[str]:
    """The slugs of the item's terms in one taxonomy, as the run keeps them."""
    return [term_key(term) for term in item.terms_in(taxonomy.domain)]


def import_terms(run: Importer) -> None:
    """Categories, then tags, each in its own transaction; then the category tree."""
    for taxonomy in (CATEGORIES, TAGS):
        with transaction.atomic():
            declared = import_taxonomy(run, taxonomy)
            if taxonomy is CATEGORIES:
                nest_categories(run, declared)


def import_taxonomy(run: Importer, taxonomy: Taxonomy) -> dict[str, WPCategory | WPTag | None]:
    declared = {term_key(term): term for term in getattr(run.export, taxonomy.plural)}
    for item in run.export.items:
        for term in item.terms_in(taxonomy.domain):
            key = term_key(term)
            if key and key not in declared:
                declared[key] = None  # used on a post but not declared in the channel
    found = getattr(run, taxonomy.plural)
    for slug, term in declared.items():
        name = plain(term.name if term else used_name(run, taxonomy, slug)) or slug
        wp_id = short_key((term.term_id if term else "") or f"slug:{slug}", 200)
        found[slug] = save_term(run, taxonomy, wp_id, slug, taxonomy.values(term, name))
    return declared


def used_name(run: Importer, taxonomy: Taxonomy, slug: str) -> str:
    """The name an undeclared term has where a post uses it."""
    for item in run.export.items:
        for term in item.terms_in(taxonomy.domain):
            if wordpress_slug(term.slug) == slug:
                return term.name
    return slug


def save_term(run: Importer, taxonomy: Taxonomy, wp_id: str, slug: str, values: dict):
    model = taxonomy.model
    fp = fingerprint(values)
    mapping, obj = run.mapped(taxonomy.kind, wp_id)
    fields = {k: v for k, v in values.items() if k != "parent"}
    if obj is None:
        obj = model.objects.filter(slug=slug).first() or (
            model.objects.filter(name=fields["name"]).first() if model is Tag else None
        )
        if obj is not None:
            run.summary.tally(taxonomy.plural, "unchanged")
        else:
            obj = model(slug=unique_slug(model, slug), **fields)
            obj.save()
            run.summary.tally(taxonomy.plural, "created")
    elif mapping.fingerprint != fp:
        for key, value in fields.items():
            setattr(obj, key, value)
        obj.save()
        run.summary.tally(taxonomy.plural, "updated")
    else:
        run.summary.tally(taxonomy.plural, "unchanged")
    run.remember(taxonomy.kind, wp_id, obj, fp)
    return obj


def nest_categories(run: Importer, declared: dict[str, WPCategory | None]) -> None:
    """Now that every category exists, the tree: WXR 1.1+ names the parent by slug, 1.0 by name."""
    by_name = {plain(c.name).lower(): slug for slug, c in declared.items() if c}
    for slug, obj in run.categories.items():
        category = declared[slug]
        if not category or not category.parent_slug:
            continue
        parent = run.categories.get(wordpress_slug(category.parent_slug)) or run.categories.get(
            by_name.get(plain(category.parent_slug).lower(), "")
        )
        if parent is None:
            run.summary.note("categories", f"{obj.name}: parent {category.parent_slug!r} is not in the export")
        elif obj.parent_id != parent.pk and obj.pk != parent.pk:
            obj.parent = parent
            obj.save(update_fields=["parent"])


def category_redirects(run: Importer) -> None:
    """Nested category addresses (``/category/parent/child/``) lead to the category's archive."""
    index_url = run.index.get_url() or "/"
    for slug, category in run.categories.items():
        trail, parent = [slug], category.parent
        while parent is not None and len(trail) < 20:
            trail.insert(0, parent.slug)
            parent = parent.parent
        if len(trail) > 1:
            run.redirects.add(f"/category/{'/'.join(trail)}/", run.summary, link=f"{index_url}category/{slug}/")
