"""Cache backends the settings can name beyond Django's own.

`DatabaseCache` backs the `limits` alias when there is no Redis: one table that every process on
the machine shares. Django's version reads and then writes, so two processes can both "add" the
same key or lose an increment; here add() and incr() lock the row first (SELECT … FOR UPDATE on
PostgreSQL; on SQLite the project's IMMEDIATE transactions already serialise writers).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, router, transaction


class DatabaseCache(db.DatabaseCache):
    @contextmanager
    def _row_locked(self, key: str, version: int | None) -> Iterator[None]:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        with transaction.atomic(using=alias):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 (our table)
                        [self.make_and_validate_key(key, version=version)],
                    )
            yield

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        with self._row_locked(key, version):
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None) -> int:
        with self._row_locked(key, version):
            return super().incr(key, delta, version)
