"""Wagtail asks which view restrictions apply for every page it serves (two queries) and for every
listing filtered with `.public()` (one more). Most sites have none: that is known once per content
version (restrictions are watched like any content), and only a site with some pays for the check.
The site lookup (`sites.py`) learns it in its own query and seeds it here."""

from wagtail.models import PageViewRestriction

from . import fragments

NAME = "view-restrictions"


def any_exist() -> bool:
    return fragments.cached(NAME, (), PageViewRestriction.objects.exists)


def seed(exist: bool) -> None:
    fragments.seed(NAME, (), exist)


def public(queryset):
    """`queryset.public()`, skipping the restrictions query when there are none."""
    return queryset.public() if any_exist() else queryset


class CheapViewRestrictions:
    """For a page type: Wagtail's restriction check costs no query on a site without restrictions."""

    def get_view_restrictions(self):
        if not any_exist():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
