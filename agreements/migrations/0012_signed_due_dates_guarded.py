"""A signed step's due date is a term again, guarded like the others.

0009 let a signed version's due date change because postponing a step wrote it. A
postponement now has its own column (`postponed_to`, 0011), so the date both sides signed
stays as signed and the stored version keeps the content fingerprint printed on its
paper. The step guard refuses a changed due date on prepared and signed versions alike.

The SQLite triggers are laid from this module after every migrate run (agreements.guard);
the ones 0009 laid are dropped with them.
"""

from importlib import import_module

from django.db import migrations

PREVIOUS = import_module("agreements.migrations.0009_prepared_lock")

STEP_TERMS = [*PREVIOUS.STEP_TERMS, "due_on"]
_changed = PREVIOUS._changed
_sqlite_state = PREVIOUS._sqlite_state
_sqlite_trigger = PREVIOUS._sqlite_trigger
_goal_of = PREVIOUS._goal_of
MESSAGE = PREVIOUS.MESSAGE

PG_STEP_GUARD = f"""
    CREATE OR REPLACE FUNCTION agreements_step_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        state text;
    BEGIN
        IF agreements_terms_unlocked() THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'UPDATE' AND NOT ({_changed(STEP_TERMS, "postgresql")}) THEN
            RETURN NEW;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            SELECT agreements_lock_state(g.agreement_id) INTO state
            FROM agreements_goal g WHERE g.id = OLD.goal_id;
        END IF;
        IF state IS NULL AND TG_OP <> 'DELETE' THEN
            SELECT agreements_lock_state(g.agreement_id) INTO state
            FROM agreements_goal g WHERE g.id = NEW.goal_id;
        END IF;
        IF state IS NOT NULL THEN
            RAISE EXCEPTION '{MESSAGE["step"]} (%)', state USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
"""  # nosec B608 - identifiers from the lists above, no input

# 0009's step guard, to go back to.
PG_PREVIOUS_STEP_GUARD = next(
    statement for statement in PREVIOUS.PG_FORWARD if "agreements_step_guard()" in statement
)

SQLITE_TRIGGERS = [
    *(
        statement
        for statement in PREVIOUS.SQLITE_TRIGGERS
        if " agreements_step_terms_locked_update" not in statement
    ),
    _sqlite_trigger(
        "agreements_step_terms_locked_update",
        "UPDATE",
        "agreements_step",
        f"({_changed(STEP_TERMS, 'sqlite')}) AND "
        f"({_sqlite_state(_goal_of('OLD.goal_id'))} OR {_sqlite_state(_goal_of('NEW.goal_id'))})",
        MESSAGE["step"],
    ),
]
SQLITE_TRIGGER_NAMES = [statement.split()[5] for statement in SQLITE_TRIGGERS]
# 0009's names too: its prepared-only step trigger is gone.
SQLITE_DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in dict.fromkeys([*PREVIOUS.SQLITE_TRIGGER_NAMES, *SQLITE_TRIGGER_NAMES])
]


def _run(schema_editor, statements) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_STEP_GUARD])
    elif vendor == "sqlite":
        # Laid again after migrate from SQLITE_TRIGGERS (agreements.guard).
        _run(schema_editor, SQLITE_DROP_TRIGGERS)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_PREVIOUS_STEP_GUARD])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0011_step_progress_and_review_stocktake")]

    operations = [migrations.RunPython(install, uninstall)]
