"""A page's child rows (its InlinePanel relations) read together, in one query per content version.

An episode page shows its chapters, transcripts and guests and its show's directory links: through
their managers, a query each on every render. `rows` reads them all in one `UNION ALL`, each row as
a JSON object of its columns, and keeps what it read per content version (`fragments`): a change to
a child row changes the version (`signal_handlers.py`), so it shows on the next render. The rows
kept are plain values, rebuilt as model instances with their parent set on each render.

A page whose relations are held in memory (a preview, a revision's page) is read through its
managers, as Wagtail shows it: that state is not the database's.
"""

from collections.abc import Sequence

from django.db import models
from django.db.models import Value
from django.db.models.functions import JSONObject
from modelcluster.utils import sort_by_fields

from . import fragments

Relation = tuple[models.Model, str]  # a page and one of its child relations' names: (episode, "chapters")


def rows(relations: Sequence[Relation]) -> list[list[models.Model]]:
    """Each relation's rows, as its manager gives them: in its model's order, its page set on each.

    Only for child models whose columns come back the same through JSON (numbers, text, booleans,
    dates; not JSON or binary columns)."""
    if any(instance.pk is None or getattr(instance, name).is_deferring for instance, name in relations):
        return [list(getattr(instance, name).all()) for instance, name in relations]
    parts = tuple((instance._meta.label, instance.pk, name) for instance, name in relations)
    kept = fragments.cached("cluster-rows", parts, lambda: _read(relations))
    return [_rebuild(instance, name, kept[index]) for index, (instance, name) in enumerate(relations)]


def _reverse(instance: models.Model, name: str):
    return instance._meta.get_field(name)


def _read(relations: Sequence[Relation]) -> list[list[dict]]:
    """Every relation's rows in one query: (the relation's index, its row's columns as JSON)."""
    selects = []
    for index, (instance, name) in enumerate(relations):
        reverse = _reverse(instance, name)
        columns = {field.attname: field.attname for field in reverse.related_model._meta.concrete_fields}
        selects.append(
            reverse.related_model._default_manager.filter(**{reverse.field.attname: instance.pk})
            .order_by()
            .values(relation=Value(index), row=JSONObject(**columns))
        )
    found: list[list[dict]] = [[] for _ in relations]
    for entry in selects[0].union(*selects[1:], all=True):
        found[entry["relation"]].append(entry["row"])
    return found


def _rebuild(instance: models.Model, name: str, kept: list[dict]) -> list[models.Model]:
    reverse = _reverse(instance, name)
    model = reverse.related_model
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    items = []
    for row in kept:
        item = model.from_db(instance._state.db, names, [field.to_python(row[field.attname]) for field in fields])
        setattr(item, reverse.field.name, instance)
        items.append(item)
    sort_by_fields(items, model._meta.ordering)
    return items
