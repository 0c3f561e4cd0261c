"""Append-only rows: history that the ORM refuses to rewrite, backed by database triggers."""

from __future__ import annotations

from django.db import models


class AppendOnlyError(TypeError):
    """Raised when code tries to update or delete an append-only row."""


class AppendOnlyQuerySet(models.QuerySet):
    """A queryset whose bulk update and delete are refused."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; they cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; they cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; they cannot be updated.")


class AppendOnlyModel(models.Model):
    """A model whose rows, once written, are never updated or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; write a new row instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only; they cannot be deleted.")


def forbid_updates_sql(table: str, vendor: str) -> tuple[list[str], list[str]]:
    """Return (create, drop) SQL for a trigger that rejects UPDATE on a table.

    Deletes are left to PROTECT foreign keys and the ORM guard, because the test
    runner's flush must still be able to empty tables between tests.
    """
    name = f"{table}_no_update"
    if vendor == "postgresql":
        create = [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{table} rows are append-only'; END; $$ LANGUAGE plpgsql;""",
            f"CREATE TRIGGER {name} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();",
        ]
        drop = [f"DROP TRIGGER IF EXISTS {name} ON {table};", f"DROP FUNCTION IF EXISTS {name}();"]
        return create, drop
    if vendor == "sqlite":
        create = [
            f"""CREATE TRIGGER {name} BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END;"""
        ]
        return create, [f"DROP TRIGGER IF EXISTS {name};"]
    return [], []


def install_update_guard(table: str):
    """Return a pair of RunPython callables that add and remove the UPDATE trigger for a table."""

    def forwards(apps, schema_editor):
        create, _drop = forbid_updates_sql(table, schema_editor.connection.vendor)
        for statement in create:
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        _create, drop = forbid_updates_sql(table, schema_editor.connection.vendor)
        for statement in drop:
            schema_editor.execute(statement)

    return forwards, backwards


def reinstall_update_guard(table: str):
    """Return RunPython callables that (re)create the UPDATE trigger after an operation that may have dropped it.

    SQLite rebuilds a table to alter a column, and the rebuild loses its triggers; running this
    after such an operation, in both directions, keeps the guard in place.
    """

    def recreate(apps, schema_editor):
        create, drop = forbid_updates_sql(table, schema_editor.connection.vendor)
        for statement in [*drop, *create]:
            schema_editor.execute(statement)

    return recreate, recreate
