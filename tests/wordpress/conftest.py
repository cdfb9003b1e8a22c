from pathlib import Path

import pytest
from django.db import transaction

from tests.builders import make_blog_index
from wordpress import wxr
from wordpress.importer import import_wordpress

EXPORT = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress-theme-unit-test.xml"


@pytest.fixture(scope="session")
def export():
    return wxr.parse(EXPORT)


@pytest.fixture(scope="module")
def theme_site(django_db_setup, django_db_blocker, export):
    """The theme unit test export imported once per module (media left remote: tests have no internet).

    The import runs inside a transaction that is rolled back after the module, and each test runs in
    its own savepoint within it, so tests may change things freely.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        index = make_blog_index()
        summary = import_wordpress(export, into=index, fetch_media=False)
        yield index, summary
        transaction.set_rollback(True)
