"""WordPress's stored values read the way Backchannel's fields accept them: text, dates, slugs, keys.

WordPress stored whatever it was given, so every value from an export is cleaned here before a
field sees it; the import modules share these small pure functions.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from .wxr import WPItem


def plain(text: str) -> str:
    """WordPress titles, names and excerpts hold entities and sometimes tags; the blog stores text."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text or ""))).strip()


def parse_wp_date(value: str) -> datetime | None:
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def site_offset(items: list[WPItem]) -> timedelta | None:
    """The blog's UTC offset, read from posts that carry both local and GMT dates (the most common gap)."""
    gaps = Counter()
    for item in items:
        local, gmt = parse_wp_date(item.post_date), parse_wp_date(item.post_date_gmt)
        if local and gmt:
            gaps[round((local - gmt).total_seconds() / 900) * 900] += 1
    return timedelta(seconds=gaps.most_common(1)[0][0]) if gaps else None


def fingerprint(values: dict) -> str:
    """A hash of what was written, so a second run leaves an unchanged item (and edits made since) alone."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def wordpress_slug(value: str) -> str:
    """WordPress slugs are percent-encoded UTF-8; ours are the same words through ``slugify``."""
    return slugify(unquote(value or ""), allow_unicode=True)[:255].strip("-")


def unique_slug(model: type[models.Model], base: str) -> str:
    """A slug free in ``model`` that fits its column (taggit's is 100 characters, authors' 200)."""
    base = (base or "imported")[: model._meta.get_field("slug").max_length - 6].strip("-")
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def short_key(key: str, limit: int) -> str:
    """Keys must fit their column; an overlong one is shortened with a hash so it stays unique."""
    if len(key) <= limit:
        return key
    return key[: limit - 41] + ":" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def numeric_id(post_id: str) -> int:
    return int(post_id) if post_id.isascii() and post_id.isdigit() else 0


def login_of(creator: str) -> str:
    """WordPress's sanitize_user(strict): exports sometimes carry stray characters around a login."""
    return re.sub(r"[^A-Za-z0-9 _.@-]", "", re.sub(r"<[^>]*>", "", creator or "")).strip() or "unknown"


def valid(value: str, validator: Callable[[str], None]) -> str:
    """WordPress stored whatever it was given; keep a value only if our field would accept it."""
    try:
        if value:
            validator(value)
    except ValidationError:
        return ""
    return value
