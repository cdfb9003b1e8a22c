"""WordPress logins → ``Author`` snippets (and, with ``--users``, users without a password)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.utils.text import slugify

from blog.models import Author

from .values import fingerprint, login_of, plain, unique_slug, valid, wordpress_slug
from .wxr import WPAuthor

if TYPE_CHECKING:
    from .importer import Importer


def parse_author_map(values: list[str] | None) -> dict[str, str]:
    """``--authors`` values: ``login=Name`` pairs (comma-separated or repeated) or files of such lines."""
    mapping: dict[str, str] = {}
    for value in values or []:
        lines = Path(value).read_text(encoding="utf-8").splitlines() if Path(value).is_file() else value.split(",")
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise ValueError(f"--authors expects login=Name, not {line!r}.")
            login, name = (part.strip() for part in line.split("=", 1))
            if not login or not name:
                raise ValueError(f"--authors expects login=Name, not {line!r}.")
            mapping[login] = name
    return mapping


def import_authors(run: Importer) -> None:
    """Every declared author, and every login that only appears on items (WXR 1.0)."""
    declared: dict[str, WPAuthor | None] = {author.login: author for author in run.export.authors if author.login}
    for item in run.export.items:
        if item.creator and login_of(item.creator) not in declared and item.post_type in ("post", "page"):
            declared[login_of(item.creator)] = None
    for login, author in declared.items():
        name = plain(author.display_name if author else "") or login
        email = author.email if author else ""
        run.authors[login] = save_author(run, login, name, email)
        if run.users:
            save_user(run, login, author)


def save_user(run: Importer, login: str, author: WPAuthor | None) -> None:
    """A user per WordPress login, without a password (they choose one through "Forgot password")."""
    username = login[:150]
    if get_user_model().objects.filter(username=username).exists():
        run.summary.tally("users", "unchanged")
        return
    user = get_user_model()(
        username=username,
        email=valid(author.email if author else "", validate_email),
        first_name=plain(author.first_name if author else "")[:150],
        last_name=plain(author.last_name if author else "")[:150],
    )
    user.set_unusable_password()
    user.save()
    run.summary.tally("users", "created")


def save_author(run: Importer, login: str, name: str, email: str) -> Author:
    """The mapped author (``--authors``), an author made by hand with this slug, or one of our own."""
    if login in run.author_map:
        wanted = run.author_map[login]
        existing = (
            Author.objects.filter(slug=slugify(wanted, allow_unicode=True)).first()
            or Author.objects.filter(name__iexact=wanted).first()
        )
        if existing:
            run.summary.tally("authors", "unchanged")
            return existing
        name = wanted
    values = {"name": name[:200], "email": valid(email, validate_email)}
    fp = fingerprint(values)
    mapping, author = run.mapped("author", login)
    if author is None:
        author = Author.objects.filter(slug=wordpress_slug(login)).first()
        if author is not None:  # someone made this author by hand: adopt it, do not overwrite it
            run.remember("author", login, author, fp)
            run.summary.tally("authors", "unchanged")
            return author
        author = Author(slug=unique_slug(Author, wordpress_slug(login) or slugify(name, allow_unicode=True)), **values)
        author.save()
        run.summary.tally("authors", "created")
    elif mapping.fingerprint != fp:
        for key, value in values.items():
            setattr(author, key, value)
        author.save()
        run.summary.tally("authors", "updated")
    else:
        run.summary.tally("authors", "unchanged")
    run.remember("author", login, author, fp)
    return author
