"""The database guard over the terms of prepared and signed versions, and its one key.

Migrations 0009_prepared_lock and 0012_signed_due_dates_guarded install triggers that
refuse, for writes that bypass the services (a shell, a script, a bulk load, a bug):

- inserting or deleting a goal or step of a version that is prepared (its PDF is frozen)
  or signed (any status but draft), and changing their terms (area, texts, priority,
  target date, order; a step's goal, description, who, partner, offer, due date).
  Progress stays writable: goal and step status, the date and note of a step's
  progress, the date a step is postponed to;
- changing an agreement's terms (number, situation, strengths, validity, review
  interval, document language, amendment reason) while it has a frozen PDF.

The triggers raise an IntegrityError on both PostgreSQL and SQLite.

Three writers may change terms on purpose and say so with `terms_unlocked()`: anonymising
a case (it blanks the texts of signed versions), merging two records of the same person
(the agreements move to the kept record) and the data generator (it loads signed versions
with their goals in one go). The unlock lasts until the end of the `with` block
and never outlives the transaction: on PostgreSQL it is the transaction-local setting
`agreements.terms_unlocked`, on SQLite (no session settings, and a trigger cannot read a
TEMP table) a row in `agreements_terms_unlock` written and deleted inside the transaction,
so no other connection ever sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# The triggers are the latest guard migration's; on SQLite they are laid again after each
# migrate run.
MIGRATION = import_module("agreements.migrations.0012_signed_due_dates_guarded")

UNLOCK_SETTING = "agreements.terms_unlocked"
# The SQLite unlock table (written out in the statements below, which take no names).
UNLOCK_TABLE = "agreements_terms_unlock"


def _unlock(connection) -> object:
    """Unlock; returns what `_relock` needs to put back the state before (nesting works)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, 'on', true)",
                [UNLOCK_SETTING, UNLOCK_SETTING],
            )
            return cursor.fetchone()[0]
        cursor.execute('INSERT INTO "agreements_terms_unlock" DEFAULT VALUES')
        return cursor.lastrowid


def _relock(connection, before: object) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, true)", [UNLOCK_SETTING, before])
        else:
            cursor.execute('DELETE FROM "agreements_terms_unlock" WHERE id = %s', [before])


@contextmanager
def terms_unlocked(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let the enclosed writes change terms the guard protects (see the module docstring).

    Its own savepoint: if the block fails, the unlock is rolled back with it.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        before = _unlock(connection)
        yield
        _relock(connection, before)


# --- SQLite: the triggers are lifted for a migrate run and laid again after it -----------


def lift_sqlite_triggers(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """pre_migrate: SQLite rebuilds a table to alter it, which fails while a trigger names
    a table of the rebuild (see the migration's docstring)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in MIGRATION.SQLITE_DROP_TRIGGERS:
            cursor.execute(statement)


def lay_sqlite_triggers(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: the triggers again, wherever the migration is applied (its unlock
    table exists)."""
    connection = connections[using]
    if connection.vendor != "sqlite" or UNLOCK_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in MIGRATION.SQLITE_TRIGGERS:
            cursor.execute(statement)
