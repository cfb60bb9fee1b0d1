"""Realistic data at any size, for benchmarks: `manage.py generate_data --migrants N`.

How it stays fast at a million people on two cores:
- rows are built as plain tuples and loaded with PostgreSQL's binary COPY (SQLite: batched
  executemany), one chunk of people per transaction;
- history rows of objects that change are built beside the objects; the "+" rows of objects
  that never change are copied inside the database by a second connection while Python
  builds the next chunk;
- for a large load into PostgreSQL, plain indexes are dropped and rebuilt afterwards
  (unique indexes stay: they are constraints), and foreign-key triggers are skipped
  (session_replication_role = replica, superusers only): the rows are valid by
  construction, and `--verify` proves it with one anti-join per foreign key.
"""

from __future__ import annotations

import datetime
import gc
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.db.models import Max

from agreements.guard import terms_unlocked
from agreements.services.reports.snapshots import forget as forget_figures
from integration.datagen.agreements import Showcase
from integration.datagen.people import HISTORY_YEARS, PeopleGenerator
from integration.datagen.sites import Country, build_country, default_centre_count
from integration.datagen.tables import (
    BULK_MODELS,
    DERIVED_HISTORY,
    IndexStash,
    build_specs,
    derived_history_sql,
    sink_for,
)
from people.models import CaseNumberCounter
from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner, User

FAST_LOAD_FROM = 50_000  # people; below this, dropping and rebuilding indexes does not pay


@dataclass
class Report:
    migrants: int
    seed: int
    today: datetime.date
    centres: int = 0
    counsellors: int = 0
    municipalities_created: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    history_rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    fast_load: bool = False
    foreign_key_violations: list[tuple[str, str, int]] | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_history_rows(self) -> int:
        return sum(self.history_rows.values())


def generate(
    *,
    migrants: int,
    seed: int = 2026,
    centres: int | None = None,
    today: datetime.date | None = None,
    chunk_size: int = 10_000,
    fast_load: bool | None = None,
    verify: bool = False,
    vacuum: bool = False,
    log: Callable[[str], None] = lambda message: None,
    country: Country | None = None,
    assignments: list[tuple[int, int]] | None = None,
    history_years: float = HISTORY_YEARS,
    showcase: dict[int, Showcase] | None = None,
) -> Report:
    """Adds `migrants` people with their files to the default database.

    The people go to new centres made for them, or to the given `country`'s centres, to
    counsellors drawn at random or by `assignments` ((counsellor id, centre index) per
    person); their intakes spread over the last `history_years`. The people at the
    indexes of `showcase` show what it asks for.
    """
    started = time.monotonic()
    today = today or datetime.date.today()
    report = Report(migrants=migrants, seed=seed, today=today)
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible on purpose
    specs = build_specs()
    postgres = connection.vendor == "postgresql"
    if fast_load is None:
        fast_load = postgres and migrants >= FAST_LOAD_FROM
    fast_load = fast_load and postgres and not connection.in_atomic_block
    report.fast_load = fast_load

    if country is None:
        with transaction.atomic():
            country = build_country(
                rng=rng, centres=centres or default_centre_count(migrants), today=today
            )
    report.centres = len(country.centres)
    report.counsellors = len(country.counsellors)
    report.municipalities_created = country.municipalities_created
    report.seconds["master data"] = time.monotonic() - started
    log(
        f"{report.centres} centres, {report.counsellors} counsellors, "
        f"{country.municipalities_created} new municipalities, "
        f"{country.partners_created} partners"
    )

    first_ids = {
        model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in BULK_MODELS
    }
    people = PeopleGenerator(
        rng=rng,
        country=country,
        specs=specs,
        total=migrants,
        today=today,
        first_ids=first_ids,
        assignments=assignments,
        history_years=history_years,
        showcase=showcase,
    )
    sink = sink_for()
    tables = [spec.table for spec in specs.values()] + [
        spec.history_table for spec in specs.values()
    ]
    stash = IndexStash.for_database() if postgres else None
    worker = _HistoryWorker(specs, threaded=fast_load)
    superuser = postgres and _is_superuser()
    gc_was_enabled = gc.isenabled()
    try:
        if fast_load:
            _restore_indexes(stash, log)  # from an interrupted earlier run, if any
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                if superuser:
                    cursor.execute("SET session_replication_role = replica")
            stash.drop(tables)
            log(f"dropped {len(stash.definitions)} plain indexes for the load")
        worker.start(replica=fast_load and superuser)
        load_started = time.monotonic()
        # Millions of small tuples and no reference cycles: the cyclic collector would only
        # walk them again and again (about 40 % of the generator's time).
        gc.disable()
        done = 0
        while done < migrants:
            count = min(chunk_size, migrants - done)
            chunk = people.chunk(done, count)
            # Signed versions arrive with their goals and steps: the rows the database
            # guard over their terms refuses to add later (agreements/guard.py).
            with transaction.atomic(), terms_unlocked():
                for model, spec in specs.items():
                    rows = chunk.rows[model]
                    if rows:
                        sink.write(spec.table, spec.columns, spec.fields, rows)
                        spec.rows_written += len(rows)
                    history = chunk.history[model]
                    if history:
                        sink.write(
                            spec.history_table,
                            spec.history_columns,
                            spec.history_fields,
                            history,
                        )
                        spec.history_rows_written += len(history)
                _save_case_number_counters(people.case_numbers)
            worker.submit(chunk.ranges)
            done += count
            elapsed = time.monotonic() - load_started
            log(f"{done:>10,} people  {elapsed:7.1f} s  ({done / max(elapsed, 1e-9):,.0f}/s)")
        worker.finish()
        report.seconds["people"] = time.monotonic() - load_started
    finally:
        if gc_was_enabled:
            gc.enable()
        worker.stop()
        if fast_load:
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
                cursor.execute("RESET synchronous_commit")
            index_started = time.monotonic()
            _restore_indexes(stash, log)
            report.seconds["indexes"] = time.monotonic() - index_started

    reset_sequences()
    # Bulk inserts send no signals: evaluation figures kept from before are out of date.
    forget_figures()
    finish_started = time.monotonic()
    if postgres and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in tables:
                # Table names come from the models, never from input.
                verb = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
                cursor.execute(f'{verb} "{table}"')  # nosemgrep
        report.seconds["vacuum analyze" if vacuum else "analyze"] = (
            time.monotonic() - finish_started
        )
    if verify:
        verify_started = time.monotonic()
        report.foreign_key_violations = foreign_key_violations()
        report.seconds["verify"] = time.monotonic() - verify_started

    for model, spec in specs.items():
        report.rows[spec.table] = spec.rows_written
        report.history_rows[spec.history_table] = spec.history_rows_written + worker.derived.get(
            model, 0
        )
    report.seconds["total"] = time.monotonic() - started
    return report


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _save_case_number_counters(numbers: dict[tuple[int, int], int]) -> None:
    # Without these rows the next case a counsellor records would draw a taken number.
    CaseNumberCounter.objects.bulk_create(
        [
            CaseNumberCounter(centre_id=centre_id, year=year, last_number=last)
            for (centre_id, year), last in sorted(numbers.items())
        ],
        update_conflicts=True,
        unique_fields=["centre", "year"],
        update_fields=["last_number"],
    )


def reset_sequences() -> None:
    """Rows written with their own ids leave the sequences behind; the next row the ORM
    creates would draw a taken id."""
    models = [Municipality, CounsellingCentre, User, Membership, Partner, Offer, *BULK_MODELS]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class _HistoryWorker:
    """Copies the "+" history rows of never-changing objects, chunk by chunk.

    Threaded for a fast load (its own connection, so PostgreSQL works on them while Python
    builds the next chunk); inline otherwise, so tests see everything in their transaction.
    """

    def __init__(self, specs, *, threaded: bool):
        self.specs = specs
        self.threaded = threaded
        self.derived: dict = {}
        self.jobs: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.statements = {model: derived_history_sql(specs[model]) for model in DERIVED_HISTORY}

    def start(self, *, replica: bool) -> None:
        if self.threaded:
            self.thread = threading.Thread(target=self._run, args=(replica,), daemon=True)
            self.thread.start()

    def submit(self, ranges: dict) -> None:
        if self.error:
            raise RuntimeError("copying history rows failed") from self.error
        if self.threaded:
            self.jobs.put(ranges)
        else:
            self._copy(connection, ranges)

    def finish(self) -> None:
        if self.thread:
            self.jobs.put(None)
            self.thread.join()
            self.thread = None
        if self.error:
            raise RuntimeError("copying history rows failed") from self.error

    def stop(self) -> None:
        if self.thread:
            self.jobs.put(None)
            self.thread.join()

    def _run(self, replica: bool) -> None:
        own = connections["default"]  # a new connection: connections are per thread
        try:
            with own.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                if replica:
                    cursor.execute("SET session_replication_role = replica")
            while (ranges := self.jobs.get()) is not None:
                if self.error is None:
                    self._copy(own, ranges)
        except BaseException as exc:  # handed to the main thread, which raises it
            self.error = exc
            while self.jobs.get() is not None:
                pass
        finally:
            own.close()

    def _copy(self, conn, ranges: dict) -> None:
        with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
            for model, sql in self.statements.items():
                if model not in ranges:
                    continue
                params = list(ranges[model])
                parent = DERIVED_HISTORY[model][0]
                if parent is not None:
                    params += list(ranges.get(parent, (0, -1)))
                cursor.execute(sql, params)
                self.derived[model] = self.derived.get(model, 0) + cursor.rowcount


def _restore_indexes(stash: IndexStash, log: Callable[[str], None]) -> None:
    """Rebuilds dropped indexes, the largest tables first, on two connections."""
    statements = stash.statements()
    if not statements:
        return
    with connection.cursor() as cursor:
        sizes = {}
        for sql in statements:
            table = sql.split(" ON ", 1)[1].split(" USING ", 1)[0].strip()
            cursor.execute("SELECT pg_relation_size(%s::regclass)", [table])
            sizes[sql] = cursor.fetchone()[0]
    work: queue.Queue = queue.Queue()
    for sql in sorted(statements, key=lambda s: -sizes[s]):
        work.put(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    errors: list[BaseException] = []

    def build() -> None:
        own = connections["default"]
        try:
            with own.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '1GB'")
                # Two builders already keep both cores busy.
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                while True:
                    try:
                        sql = work.get_nowait()
                    except queue.Empty:
                        return
                    cursor.execute(sql)
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.close()

    started = time.monotonic()
    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("rebuilding the indexes failed; run generate_data again") from errors[0]
    stash.forget()
    log(f"rebuilt {len(statements)} indexes in {time.monotonic() - started:.1f} s")


def foreign_key_violations() -> list[tuple[str, str, int]]:
    """(table, column, rows) for every enforced foreign key that points nowhere."""
    specs = build_specs()
    models = [*BULK_MODELS, *(spec.model.history.model for spec in specs.values())]
    models += [CaseNumberCounter, CounsellingCentre, Membership, Partner, Offer]
    found = []
    with connection.cursor() as cursor:
        for model in models:
            for f in model._meta.concrete_fields:
                if not f.is_relation or not f.db_constraint:
                    continue
                target = f.related_model._meta
                # Identifiers come from the models, never from input.
                cursor.execute(  # nosemgrep
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}" t '  # noqa: S608  # nosec B608 - identifiers from models
                    f'LEFT JOIN "{target.db_table}" r ON r."{f.target_field.column}" = '
                    f't."{f.column}" '
                    f'WHERE t."{f.column}" IS NOT NULL AND r."{f.target_field.column}" IS NULL'
                )
                missing = cursor.fetchone()[0]
                if missing:
                    found.append((model._meta.db_table, f.column, missing))
    return found
