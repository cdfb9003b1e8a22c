"""Cache backends the settings can name beyond Django's own.

`DatabaseCache` backs the `limits` alias when there is no Redis: one table that every process on
the machine shares. Django's version reads and then writes, so two processes can both "add" the
same key or lose an increment. Here add() is one statement (insert, or take over an expired row:
an upsert, atomic on SQLite and PostgreSQL alike) and incr() locks the row first (SELECT … FOR
UPDATE on PostgreSQL; on SQLite the project's IMMEDIATE transactions already serialise writers).
Django counts the whole table before every write to decide on culling; add(), which every comment
POST makes three times, culls only every CULL_EVERY-th time in a process.
"""

import base64
import itertools
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.cache.backends import db
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import connections, router, transaction
from django.utils import timezone

CULL_EVERY = 100


class DatabaseCache(db.DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._adds = itertools.count(1)

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
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        adapt, table = connection.ops.adapt_datetimefield_value, connection.ops.quote_name(self._table)
        expires_at = self.get_backend_timeout(timeout)
        expires = (datetime.max if expires_at is None else datetime.fromtimestamp(expires_at, tz=UTC)).replace(
            microsecond=0
        )
        now = timezone.now().replace(microsecond=0)  # as Django compares: an entry lives through its last second
        pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        with connection.cursor() as cursor:
            if next(self._adds) % CULL_EVERY == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our table)
                self._cull(alias, cursor, now, cursor.fetchone()[0])
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608 (our table)
                f"ON CONFLICT (cache_key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
                f"WHERE {table}.expires < %s",
                [key, pickled, adapt(expires), adapt(now)],
            )
            return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None) -> int:
        with self._row_locked(key, version):
            return super().incr(key, delta, version)
