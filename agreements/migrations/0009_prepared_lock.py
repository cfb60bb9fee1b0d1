"""Prepared means locked, in the database too: triggers refuse writes to the terms of a
version whose PDF is frozen (prepared) or that was signed, for writes that bypass the
services (see agreements/guard.py for what is guarded, what stays writable, and the one
key, `terms_unlocked()`, that anonymising and the data generator use).

PostgreSQL gets PL/pgSQL trigger functions, SQLite triggers with RAISE(ABORT); both raise
an IntegrityError. The unlock is the transaction-local setting `agreements.terms_unlocked`
on PostgreSQL and a row in `agreements_terms_unlock` on SQLite, whose triggers cannot read
session settings or TEMP tables.

SQLite alters a table by building a new one and renaming it, and that rename fails while a
trigger names a table of the rebuild ("error in trigger ...: no such table"). So on SQLite
this migration creates the unlock table, and the triggers written below are laid after
every `migrate` run and lifted before it (agreements.guard, connected in agreements.apps):
later migrations rebuild these tables freely. PostgreSQL alters in place and keeps them.

The column lists are written out here on purpose: a migration states the schema as it was
when it ran, and a later column that belongs to the terms needs its own migration.
"""

from django.db import migrations

# Agreement: what the parties agreed on and the paper prints, besides the goals and steps.
# Not guarded: status, signatures, interpreter (recorded at signing), next review, ending,
# counsellor and centre (handover), revision and timestamps.
AGREEMENT_TERMS = [
    "number",
    "version",
    "migrant_id",
    "predecessor_id",
    "situation_language",
    "situation_schooling",
    "situation_residence",
    "situation_family",
    "situation_work",
    "strengths",
    "valid_until",
    "review_interval_months",
    "document_language",
    "amendment_reason",
]
# valid_from is guarded once set: a draft printed without a start date ("valid from the
# signature") gets the day of signing when it is signed.

GOAL_TERMS = [
    "agreement_id",
    "key",
    "area",
    "text",
    "text_own_words",
    "priority",
    "target_date",
    "position",
]
# Not guarded: status (reviews move it on), revision.

STEP_TERMS = [
    "goal_id",
    "key",
    "description",
    "responsible",
    "partner_id",
    "offer_id",
    "position",
]
# A signed version's step may be postponed (due_on), done or cancelled without a new
# signature; a prepared draft's due date is on the paper and in its fingerprint, so it is
# guarded there. Never guarded: status, done_on, consent_id, revision.
STEP_PREPARED_TERMS = ["due_on"]

MESSAGE = {
    "agreement": "agreements_agreement_terms_locked: the terms of an agreement version "
    "with a frozen PDF cannot be changed",
    "goal": "agreements_goal_terms_locked: the goals of a prepared or signed agreement "
    "version cannot be added, removed or changed",
    "step": "agreements_step_terms_locked: the steps of a prepared or signed agreement "
    "version cannot be added, removed or changed",
}


def _changed(columns, dialect):
    if dialect == "postgresql":
        return " OR ".join(f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in columns)
    return " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)


# --- PostgreSQL ----------------------------------------------------------------------------

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION agreements_terms_unlocked() RETURNS boolean
    LANGUAGE sql STABLE AS $$
        SELECT coalesce(current_setting('agreements.terms_unlocked', true), '') = 'on'
    $$
    """,
    # 'signed' (any status but draft), 'prepared' (a draft with a frozen PDF) or NULL.
    """
    CREATE OR REPLACE FUNCTION agreements_lock_state(agreement bigint) RETURNS text
    LANGUAGE sql STABLE AS $$
        SELECT CASE
            WHEN a.status <> 'draft' THEN 'signed'
            WHEN EXISTS (
                SELECT 1 FROM agreements_signeddocument d WHERE d.agreement_id = a.id
            ) THEN 'prepared'
        END
        FROM agreements_agreement a WHERE a.id = agreement
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION agreements_agreement_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF agreements_terms_unlocked() THEN
            RETURN NEW;
        END IF;
        IF ({_changed(AGREEMENT_TERMS, "postgresql")}
            OR (OLD.valid_from IS NOT NULL AND NEW.valid_from IS DISTINCT FROM OLD.valid_from))
           AND EXISTS (SELECT 1 FROM agreements_signeddocument d WHERE d.agreement_id = OLD.id)
        THEN
            RAISE EXCEPTION '{MESSAGE["agreement"]}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,  # nosec B608 - identifiers from the lists above, no input
    f"""
    CREATE OR REPLACE FUNCTION agreements_goal_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        state text;
    BEGIN
        IF agreements_terms_unlocked() THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'UPDATE' AND NOT ({_changed(GOAL_TERMS, "postgresql")}) THEN
            RETURN NEW;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            state := agreements_lock_state(OLD.agreement_id);
        END IF;
        IF state IS NULL AND TG_OP <> 'DELETE' THEN
            state := agreements_lock_state(NEW.agreement_id);
        END IF;
        IF state IS NOT NULL THEN
            RAISE EXCEPTION '{MESSAGE["goal"]} (%)', state USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION agreements_step_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        state text;
        terms_changed boolean := true;
    BEGIN
        IF agreements_terms_unlocked() THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        IF TG_OP = 'UPDATE' THEN
            terms_changed := {_changed(STEP_TERMS, "postgresql")};
            IF NOT terms_changed AND NOT ({_changed(STEP_PREPARED_TERMS, "postgresql")}) THEN
                RETURN NEW;
            END IF;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            SELECT agreements_lock_state(g.agreement_id) INTO state
            FROM agreements_goal g WHERE g.id = OLD.goal_id;
        END IF;
        IF state IS NULL AND TG_OP <> 'DELETE' THEN
            SELECT agreements_lock_state(g.agreement_id) INTO state
            FROM agreements_goal g WHERE g.id = NEW.goal_id;
        END IF;
        -- Postponing, on a signed version, is progress.
        IF state = 'prepared' OR (state = 'signed' AND terms_changed) THEN
            RAISE EXCEPTION '{MESSAGE["step"]} (%)', state USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END
    $$
    """,  # nosec B608 - identifiers from the lists above, no input
    """
    CREATE TRIGGER agreements_agreement_terms_locked
    BEFORE UPDATE ON agreements_agreement
    FOR EACH ROW EXECUTE FUNCTION agreements_agreement_guard()
    """,
    """
    CREATE TRIGGER agreements_goal_terms_locked
    BEFORE INSERT OR UPDATE OR DELETE ON agreements_goal
    FOR EACH ROW EXECUTE FUNCTION agreements_goal_guard()
    """,
    """
    CREATE TRIGGER agreements_step_terms_locked
    BEFORE INSERT OR UPDATE OR DELETE ON agreements_step
    FOR EACH ROW EXECUTE FUNCTION agreements_step_guard()
    """,
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS agreements_step_terms_locked ON agreements_step",
    "DROP TRIGGER IF EXISTS agreements_goal_terms_locked ON agreements_goal",
    "DROP TRIGGER IF EXISTS agreements_agreement_terms_locked ON agreements_agreement",
    "DROP FUNCTION IF EXISTS agreements_step_guard()",
    "DROP FUNCTION IF EXISTS agreements_goal_guard()",
    "DROP FUNCTION IF EXISTS agreements_agreement_guard()",
    "DROP FUNCTION IF EXISTS agreements_lock_state(bigint)",
    "DROP FUNCTION IF EXISTS agreements_terms_unlocked()",
]


# --- SQLite --------------------------------------------------------------------------------

SQLITE_LOCKED = "NOT EXISTS (SELECT 1 FROM agreements_terms_unlock)"


def _sqlite_state(agreement_id: str, *, prepared_only: bool = False) -> str:
    """True if the agreement is prepared or signed (or, with prepared_only, prepared)."""
    document = "EXISTS (SELECT 1 FROM agreements_signeddocument d WHERE d.agreement_id = a.id)"
    condition = (
        f"(a.status = 'draft' AND {document})"
        if prepared_only
        else f"(a.status <> 'draft' OR {document})"
    )
    return f"EXISTS (SELECT 1 FROM agreements_agreement a WHERE a.id = {agreement_id} AND {condition})"  # noqa: S608  # nosec B608 - identifiers, no input


def _goal_of(goal_id: str) -> str:
    return f"(SELECT g.agreement_id FROM agreements_goal g WHERE g.id = {goal_id})"  # noqa: S608  # nosec B608 - identifiers, no input


def _sqlite_trigger(name: str, event: str, table: str, when: str, message: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} FOR EACH ROW "
        f"WHEN {SQLITE_LOCKED} AND ({when}) "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


SQLITE_TRIGGERS = [
    _sqlite_trigger(
        "agreements_agreement_terms_locked",
        "UPDATE",
        "agreements_agreement",
        f"({_changed(AGREEMENT_TERMS, 'sqlite')} "
        "OR (OLD.valid_from IS NOT NULL AND NEW.valid_from IS NOT OLD.valid_from)) "
        "AND EXISTS (SELECT 1 FROM agreements_signeddocument d WHERE d.agreement_id = OLD.id)",  # nosec B608 - identifiers, no input
        MESSAGE["agreement"],
    ),
    _sqlite_trigger(
        "agreements_goal_terms_locked_insert",
        "INSERT",
        "agreements_goal",
        _sqlite_state("NEW.agreement_id"),
        MESSAGE["goal"],
    ),
    _sqlite_trigger(
        "agreements_goal_terms_locked_delete",
        "DELETE",
        "agreements_goal",
        _sqlite_state("OLD.agreement_id"),
        MESSAGE["goal"],
    ),
    _sqlite_trigger(
        "agreements_goal_terms_locked_update",
        "UPDATE",
        "agreements_goal",
        f"({_changed(GOAL_TERMS, 'sqlite')}) AND "
        f"({_sqlite_state('OLD.agreement_id')} OR {_sqlite_state('NEW.agreement_id')})",
        MESSAGE["goal"],
    ),
    _sqlite_trigger(
        "agreements_step_terms_locked_insert",
        "INSERT",
        "agreements_step",
        _sqlite_state(_goal_of("NEW.goal_id")),
        MESSAGE["step"],
    ),
    _sqlite_trigger(
        "agreements_step_terms_locked_delete",
        "DELETE",
        "agreements_step",
        _sqlite_state(_goal_of("OLD.goal_id")),
        MESSAGE["step"],
    ),
    _sqlite_trigger(
        "agreements_step_terms_locked_update",
        "UPDATE",
        "agreements_step",
        f"({_changed(STEP_TERMS, 'sqlite')}) AND "
        f"({_sqlite_state(_goal_of('OLD.goal_id'))} OR {_sqlite_state(_goal_of('NEW.goal_id'))})",
        MESSAGE["step"],
    ),
    _sqlite_trigger(
        "agreements_step_terms_locked_update_prepared",
        "UPDATE",
        "agreements_step",
        f"({_changed(STEP_PREPARED_TERMS, 'sqlite')}) AND "
        f"{_sqlite_state(_goal_of('OLD.goal_id'), prepared_only=True)}",
        MESSAGE["step"],
    ),
]

SQLITE_TRIGGER_NAMES = [statement.split()[5] for statement in SQLITE_TRIGGERS]
SQLITE_DROP_TRIGGERS = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGER_NAMES]

SQLITE_FORWARD = ["CREATE TABLE agreements_terms_unlock (id integer PRIMARY KEY AUTOINCREMENT)"]
SQLITE_BACKWARD = [*SQLITE_DROP_TRIGGERS, "DROP TABLE IF EXISTS agreements_terms_unlock"]

STATEMENTS = {
    "postgresql": (PG_FORWARD, PG_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"the term guard is written for PostgreSQL and SQLite, not {vendor}")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        # No parameters: the PL/pgSQL bodies contain % placeholders of their own.
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _run(schema_editor, forward=True)


def uninstall(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0008_verification")]

    operations = [migrations.RunPython(install, uninstall)]
