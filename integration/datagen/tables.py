"""Where generated rows go: PostgreSQL binary COPY or SQLite bulk inserts.

Rows are plain tuples in the column order declared below. The order is checked against the
models when the generator starts, so a changed model fails loudly instead of loading
shifted columns.
"""

from __future__ import annotations

import json
import operator
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections, models

from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from people.models import Child, Consent, CounsellingSession, Migrant, Qualification

HISTORY_META = ["history_date", "history_change_reason", "history_type", "history_user_id"]

COLUMNS: dict[type[models.Model], list[str]] = {
    Migrant: [
        "id",
        "centre_id",
        "counsellor_id",
        "case_number",
        "first_name",
        "last_name",
        "name_latin",
        "date_of_birth",
        "sex",
        "nationality",
        "country_of_birth",
        "languages",
        "german_level",
        "preferred_language",
        "interpreter_needed",
        "interpreter_language",
        "arrival_on",
        "residence_status",
        "residence_legal_basis",
        "residence_issued_on",
        "residence_valid_until",
        "foreigners_authority_id",
        "course_entitlement",
        "schooling_years",
        "highest_degree",
        "schooling_country",
        "employment",
        "benefits",
        "phone",
        "email",
        "street",
        "postcode",
        "city",
        "intake_on",
        "referred_by",
        "status",
        "closed_on",
        "closure_reason",
        "closure_note",
        "anonymised_at",
        "merged_into_id",
        "revision",
        "search_text",
        "created_at",
        "updated_at",
    ],
    Child: ["id", "migrant_id", "year_of_birth", "care", "note"],
    Qualification: ["id", "migrant_id", "title", "country", "recognition_status"],
    Consent: [
        "id",
        "migrant_id",
        "recipient_partner_id",
        "recipient_kind",
        "data_categories",
        "purpose",
        "form",
        "file_note",
        "given_on",
        "withdrawn_on",
    ],
    CounsellingSession: [
        "id",
        "migrant_id",
        "counsellor_id",
        "held_on",
        "duration_minutes",
        "mode",
        "interpreter",
        "interpreter_language",
        "interpreter_is_minor",
        "topics",
        "notes",
        "agreed_next_steps",
        "next_appointment",
        "created_at",
        "revision",
    ],
    Agreement: [
        "id",
        "migrant_id",
        "centre_id",
        "counsellor_id",
        "number",
        "version",
        "predecessor_id",
        "status",
        "situation_language",
        "situation_schooling",
        "situation_residence",
        "situation_family",
        "situation_work",
        "strengths",
        "valid_from",
        "valid_until",
        "review_interval_months",
        "next_review_on",
        "document_language",
        "interpreter_present",
        "interpreter_name",
        "signed_on",
        "signed_place",
        "signed_by_migrant",
        "signed_by_counsellor",
        "amendment_reason",
        "ended_on",
        "closure_reason",
        "revision",
        "created_at",
        "updated_at",
    ],
    Goal: [
        "id",
        "agreement_id",
        "key",
        "area",
        "text",
        "text_own_words",
        "priority",
        "target_date",
        "status",
        "position",
        "revision",
    ],
    Step: [
        "id",
        "goal_id",
        "key",
        "description",
        "responsible",
        "partner_id",
        "offer_id",
        "consent_id",
        "due_on",
        "status",
        "status_on",
        "progress_note",
        "postponed_to",
        "position",
        "revision",
    ],
    Review: [
        "id",
        "agreement_id",
        "held_on",
        "due_on",
        "migrant_present",
        "counsellor_present",
        "interpreter_present",
        "partner_id",
        "successes",
        "hurdles",
        "hurdle_categories",
        "changes",
        "next_review_on",
        "is_final",
        "client_rating",
        "client_most_helpful",
        "client_wish",
        "submission_key",
        "recorded_by_id",
        "created_at",
    ],
    GoalOutcome: ["id", "review_id", "goal_id", "outcome", "comment"],
    StepOutcome: ["id", "review_id", "step_id", "status", "comment", "postponed_to"],
}
BULK_MODELS = list(COLUMNS)


def col(model: type[models.Model], name: str) -> int:
    """Index of a column in the model's row tuple (for the generator's hot loops)."""
    return COLUMNS[model].index(name)


_PG_TYPES = {
    "AutoField": "int4",
    "BigAutoField": "int8",
    "BigIntegerField": "int8",
    "IntegerField": "int4",
    "PositiveIntegerField": "int4",
    "SmallIntegerField": "int2",
    "PositiveSmallIntegerField": "int2",
    "CharField": "text",
    "TextField": "text",
    "EmailField": "text",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "BooleanField": "bool",
    "UUIDField": "uuid",
    "JSONField": "jsonb",
}


def _internal_type(f: models.Field) -> str:
    if f.is_relation:
        return f.target_field.get_internal_type()
    return f.get_internal_type()


@dataclass
class TableSpec:
    """One table the generator fills, with its history table beside it."""

    model: type[models.Model]
    columns: list[str]
    fields: list[models.Field]
    history_table: str
    history_columns: list[str]
    history_fields: list[models.Field]
    # Picks the tracked columns out of a main-table row, in history column order.
    project: Callable[[Sequence], tuple]
    rows_written: int = 0
    history_rows_written: int = 0
    history_derived: int = 0

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def history_row(self, row: Sequence, at, history_type: str, user_id, reason=None) -> tuple:
        # Concatenation, not unpacking: measurably faster on a hot path.
        return self.project(row) + (at, reason, history_type, user_id)  # noqa: RUF005


def build_specs() -> dict[type[models.Model], TableSpec]:
    specs = {}
    for model, columns in COLUMNS.items():
        actual = [f.column for f in model._meta.concrete_fields]
        if actual != columns:
            raise RuntimeError(
                f"generate_data: the columns of {model.__name__} changed; update "
                f"integration/datagen/tables.py.\n  expected {columns}\n  found    {actual}"
            )
        history = model.history.model
        tracked = [
            f
            for f in history._meta.concrete_fields
            if f.column not in HISTORY_META and f.column != "history_id"
        ]
        tracked_columns = [f.column for f in tracked]
        by_column = {f.column: f for f in history._meta.concrete_fields}
        history_columns = tracked_columns + HISTORY_META
        indexes = [columns.index(c) for c in tracked_columns]
        specs[model] = TableSpec(
            model=model,
            columns=columns,
            fields=list(model._meta.concrete_fields),
            history_table=history._meta.db_table,
            history_columns=history_columns,
            history_fields=[by_column[c] for c in history_columns],
            project=operator.itemgetter(*indexes),
        )
    return specs


# --- sinks ----------------------------------------------------------------------------


class PostgresSink:
    """Binary COPY through psycopg 3: the rows never pass through SQL text."""

    def __init__(self, alias: str = "default"):
        self.connection = connections[alias]

    def write(self, table: str, columns: list[str], fields: list[models.Field], rows: Iterable):
        types = [_PG_TYPES[_internal_type(f)] for f in fields]
        names = ", ".join(f'"{c}"' for c in columns)
        with self.connection.cursor() as cursor:
            copy_sql = f'COPY "{table}" ({names}) FROM STDIN (FORMAT BINARY)'
            with cursor.cursor.copy(copy_sql) as copy:
                copy.set_types(types)
                write = copy.write_row
                for row in rows:
                    write(row)


def _sqlite_converter(f: models.Field, connection) -> Callable | None:
    kind = _internal_type(f)
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "BooleanField":
        return lambda v: None if v is None else int(v)
    if kind == "UUIDField":
        return lambda v: None if v is None else uuid.UUID(str(v)).hex
    return None


class SqliteSink:
    """executemany in batches: SQLite is for small sizes, so clarity beats speed here."""

    def __init__(self, alias: str = "default"):
        self.connection = connections[alias]

    def write(self, table: str, columns: list[str], fields: list[models.Field], rows: Iterable):
        converters = [_sqlite_converter(f, self.connection) for f in fields]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608  # nosec B608 - model names
        pairs = list(enumerate(converters))
        batch = []
        with self.connection.cursor() as cursor:
            for row in rows:
                values = list(row)
                for index, convert in pairs:
                    if convert is not None:
                        values[index] = convert(values[index])
                batch.append(values)
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def sink_for(alias: str = "default"):
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return PostgresSink(alias)
    if vendor == "sqlite":
        return SqliteSink(alias)
    raise NotImplementedError(f"generate_data supports PostgreSQL and SQLite, not {vendor}.")


# --- "+" history rows derived in SQL --------------------------------------------------

# Objects that never change after they are written get their creation row ("+") by a
# copy inside the database: it costs the generator nothing and uses the second core.
# (model, parent model joined for the date and user or None, date column, user column)
DERIVED_HISTORY = {
    Child: (Migrant, "migrant_id", "p.created_at", "p.counsellor_id"),
    Qualification: (Migrant, "migrant_id", "p.created_at", "p.counsellor_id"),
    CounsellingSession: (None, None, "t.created_at", "t.counsellor_id"),
    Review: (None, None, "t.created_at", "t.recorded_by_id"),
    GoalOutcome: (Review, "review_id", "p.created_at", "p.recorded_by_id"),
    StepOutcome: (Review, "review_id", "p.created_at", "p.recorded_by_id"),
}


def derived_history_sql(spec: TableSpec) -> str:
    parent, fk, date_expr, user_expr = DERIVED_HISTORY[spec.model]
    tracked = spec.history_columns[: -len(HISTORY_META)]
    names = ", ".join(f'"{c}"' for c in spec.history_columns)
    values = ", ".join(f't."{c}"' for c in tracked)
    join = ""
    where = 't."id" BETWEEN %s AND %s'
    if parent is not None:
        join = f' JOIN "{parent._meta.db_table}" p ON p."id" = t."{fk}"'
        # The parent's id range narrows the join to the chunk on both sides.
        where += ' AND p."id" BETWEEN %s AND %s'
    # Identifiers come from the models, values are parameters.
    return (
        f'INSERT INTO "{spec.history_table}" ({names}) '  # noqa: S608  # nosec B608 - identifiers from models
        f"SELECT {values}, {date_expr}, NULL, '+', {user_expr} "
        f'FROM "{spec.table}" t{join} WHERE {where}'
    )


# --- secondary indexes during a bulk load (PostgreSQL) --------------------------------


@dataclass
class IndexStash:
    """Plain (non-unique) indexes dropped for a load and the file that remembers them.

    Unique and primary-key indexes stay: they are the constraints the data must meet. The
    definitions are written to disk before anything is dropped, so an interrupted run is
    repaired by the next one.
    """

    path: Path
    definitions: list[str] = field(default_factory=list)

    @classmethod
    def for_database(cls, alias: str = "default") -> IndexStash:
        name = connections[alias].settings_dict["NAME"]
        return cls(Path(settings.VAR_DIR) / f"generate_data-dropped-indexes-{name}.json")

    def pending(self) -> list[str]:
        if self.path.exists():
            return json.loads(self.path.read_text())
        return []

    def drop(self, tables: list[str], alias: str = "default") -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[])
                  AND NOT i.indisunique AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1
                """,
                [tables],
            )
            found = cursor.fetchall()
            self.definitions = self.pending() + [definition for _, definition in found]
            self.path.write_text(json.dumps(self.definitions, indent=1))
            for name, _ in found:
                cursor.execute(f"DROP INDEX {name}")  # nosemgrep - names from pg_indexes

    def statements(self) -> list[str]:
        return list(self.definitions or self.pending())

    def forget(self) -> None:
        self.definitions = []
        self.path.unlink(missing_ok=True)


@dataclass
class Chunk:
    """The rows of one chunk of people, per model, plus their history rows."""

    rows: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    # model -> (first id, last id) of the rows in this chunk
    ranges: dict = field(default_factory=dict)
