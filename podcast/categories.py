"""Apple Podcasts categories, read from Apple's list shipped with the package.

A choice is stored as "Category" or "Category/Subcategory"; no Apple name contains a slash.
"""

import json
from functools import cache
from pathlib import Path

CATEGORIES_FILE = Path(__file__).with_name("apple_categories.json")
SEPARATOR = "/"


@cache
def apple_categories() -> dict[str, list[str]]:
    return json.loads(CATEGORIES_FILE.read_text(encoding="utf-8"))


def category_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: each top category, then its subcategories."""
    return [
        (top, [(top, f"{top} (all)")] + [(f"{top}{SEPARATOR}{sub}", sub) for sub in subs])
        for top, subs in apple_categories().items()
    ]


def split_category(value: str) -> tuple[str, str | None]:
    top, _, sub = value.partition(SEPARATOR)
    return top, sub or None


def category_value(top: str, sub: str | None = None) -> str | None:
    """The stored value for Apple's names, or None when the pair is not on Apple's list."""
    subs = apple_categories().get(top)
    if subs is None:
        return None
    if sub:
        return f"{top}{SEPARATOR}{sub}" if sub in subs else top
    return top
