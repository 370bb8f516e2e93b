"""A snapshot of the seeded test database, taken once per session and put back after each transactional test.

Transactional tests (a live server, a Celery worker, threads of their own) commit, and Django empties every
table when they end. Seeding the demo city again took 20-25 s a test; putting the snapshot back takes well
under a second on SQLite and about a second on PostgreSQL, and it brings back everything the session set-up
wrote (the demo, the city outside it, the rows data migrations wrote) with the same ids and sequences.

- SQLite (the in-memory test database by default): the sqlite3 online backup copies the whole database into
  a private in-memory copy and back, page by page.
- PostgreSQL: every table is copied into the schema ``test_snapshot`` of the test database; a restore
  truncates the tables, copies the rows back and sets every sequence where it was. No other connection
  (live server, worker) has to be closed for it.
"""

from __future__ import annotations

import contextlib
import sqlite3

from django.db import connections

SCHEMA = "test_snapshot"
# Not emptied by Django's flush and never written by a test: left alone.
UNTOUCHED = {"django_migrations"}


class Snapshot:
    def __init__(self, alias: str = "default", *, blocker=None):
        self.alias = alias
        self.blocker = blocker  # pytest-django's django_db_blocker: restores run outside any test
        self._sqlite_copy: sqlite3.Connection | None = None
        self._tables: list[tuple[str, str]] = []  # (table, column list)
        self._sequences: list[tuple[str, int | None]] = []

    @property
    def connection(self):
        return connections[self.alias]

    # -- taking ----------------------------------------------------------------------------------------------

    def take(self) -> None:
        vendor = self.connection.vendor
        if vendor == "sqlite":
            self._take_sqlite()
        elif vendor == "postgresql":
            self._take_postgresql()
        else:  # pragma: no cover - the suite runs on SQLite and PostgreSQL only
            raise NotImplementedError(f"no database snapshot for {vendor}")

    def _take_sqlite(self) -> None:
        self.connection.ensure_connection()
        self._sqlite_copy = sqlite3.connect(":memory:", check_same_thread=False)
        self.connection.connection.backup(self._sqlite_copy)

    def _take_postgresql(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            cursor.execute(f'CREATE SCHEMA "{SCHEMA}"')
            # Columns in their order, without generated ones (they cannot be inserted).
            cursor.execute("""
                SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attgenerated = ''
                GROUP BY c.relname ORDER BY c.relname""")
            self._tables = [(table, columns) for table, columns in cursor.fetchall() if table not in UNTOUCHED]
            for table, columns in self._tables:
                cursor.execute(f'CREATE UNLOGGED TABLE "{SCHEMA}".{quote(table)} AS '
                               f"SELECT {columns} FROM {quote(table)}")
            cursor.execute("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
                           "FROM pg_sequences WHERE schemaname = current_schema()")
            self._sequences = cursor.fetchall()

    # -- restoring -------------------------------------------------------------------------------------------

    def restore(self) -> None:
        with self.blocker.unblock() if self.blocker is not None else contextlib.nullcontext():
            if self.connection.vendor == "sqlite":
                self._restore_sqlite()
            else:
                self._restore_postgresql()

    def _restore_sqlite(self) -> None:
        self.connection.ensure_connection()
        self._sqlite_copy.backup(self.connection.connection)

    def _restore_postgresql(self) -> None:
        from django.db import transaction

        with transaction.atomic(using=self.alias), self.connection.cursor() as cursor:
            cursor.execute("TRUNCATE {} RESTART IDENTITY CASCADE".format(
                ", ".join(quote(table) for table, _ in self._tables)))
            # Rows are copied back as they were: no need to check each foreign key again. That takes a superuser,
            # as the suite's postgres user is; otherwise the checks simply run.
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            replica = cursor.fetchone()[0]
            if replica:
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table, columns in self._tables:
                cursor.execute(f"INSERT INTO {quote(table)} ({columns}) "
                               f'SELECT {columns} FROM "{SCHEMA}".{quote(table)}')
            for sequence, last_value in self._sequences:
                if last_value is None:
                    cursor.execute("SELECT setval(%s, 1, false)", [sequence])
                else:
                    cursor.execute("SELECT setval(%s, %s, true)", [sequence, last_value])
            if replica:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    def drop(self) -> None:
        """At the end of the session: the snapshot goes, and on PostgreSQL so do the connections other
        threads left open (a worker's, one made under Playwright's event loop), which would keep Django
        from dropping the test database."""
        if self._sqlite_copy is not None:
            self._sqlite_copy.close()
            self._sqlite_copy = None
        elif self._tables:
            with self.connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            self._tables = []


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

