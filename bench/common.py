"""Shared pieces of the benchmarks: environment, the typical subjects, statistics, output.

The benchmarks run against databases filled by `manage.py generate_data`; they read and
(where a page writes, e.g. the access log) write like real use, nothing else.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SMALL = "postgres://postgres@127.0.0.1:5432/integration_bench_10k"
DEFAULT_LARGE = "postgres://postgres@127.0.0.1:5432/integration_bench_1m"


def bench_environment(database_url: str) -> dict[str, str]:
    """Production-like settings: DEBUG off, but plain HTTP on loopback."""
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-long-enough-for-the-check",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "integration.settings",
    }


def setup_django(database_url: str) -> None:
    os.environ.update(bench_environment(database_url))
    import django

    django.setup()
    compile_catalogues()


def compile_catalogues() -> None:
    """The pages are measured in German, as users see them: without compiled catalogues
    every text would be its English message id, looked up in no catalogue at all."""
    from django.core.management import call_command

    call_command("compilemessages", ignore_patterns=[".venv", "static"], verbosity=0)


def database_name(database_url: str) -> str:
    return database_url.rsplit("/", 1)[-1]


@dataclass
class Subjects:
    """A typical centre of the generated data and the people a benchmark acts as."""

    centre_id: int
    centre_people: int
    counsellor_id: int
    counsellor_username: str
    caseload: int
    supervisor_id: int
    migrant_id: int
    agreement_id: int
    previous_agreement_id: int | None
    people_in_database: int
    evaluator_id: int | None = None
    draft_agreement_id: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def typical_subjects() -> Subjects:
    """The median centre, its median counsellor, and one of their people with an amended,
    active agreement (so every page, the version comparison too, has something to show)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT centre_id, COUNT(*) FROM integration_migrant
            GROUP BY centre_id ORDER BY 2, 1
            """
        )
        centres = cursor.fetchall()
        if not centres:
            raise SystemExit("No people in this database: run manage.py generate_data first.")
        people = sum(n for _, n in centres)
        centre_id, centre_people = centres[len(centres) // 2]
        cursor.execute(
            """
            SELECT m.counsellor_id, u.username, COUNT(*) FROM integration_migrant m
            JOIN counselling_sites_user u ON u.id = m.counsellor_id
            WHERE m.centre_id = %s AND m.status = 'active'
            GROUP BY 1, 2 ORDER BY 3, 1
            """,
            [centre_id],
        )
        counsellors = cursor.fetchall()
        counsellor_id, username, caseload = counsellors[len(counsellors) // 2]
        cursor.execute(
            """
            SELECT user_id FROM counselling_sites_membership
            WHERE centre_id = %s AND role = 'supervisor' ORDER BY user_id LIMIT 1
            """,
            [centre_id],
        )
        supervisor_id = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT a.migrant_id, a.id, a.predecessor_id FROM agreements_agreement a
            JOIN integration_migrant m ON m.id = a.migrant_id
            WHERE m.counsellor_id = %s AND m.status = 'active' AND a.status = 'active'
            ORDER BY (a.predecessor_id IS NULL), a.id
            """,
            [counsellor_id],
        )
        candidates = cursor.fetchall()
        cursor.execute(
            """
            SELECT a.id FROM agreements_agreement a
            WHERE a.counsellor_id = %s AND a.status = 'draft' ORDER BY a.id LIMIT 1
            """,
            [counsellor_id],
        )
        draft = cursor.fetchone()
    amended = [c for c in candidates if c[2] is not None] or candidates
    migrant_id, agreement_id, previous_id = amended[len(amended) // 2]
    return Subjects(
        evaluator_id=ensure_evaluator(),
        draft_agreement_id=draft[0] if draft else None,
        centre_id=centre_id,
        centre_people=centre_people,
        counsellor_id=counsellor_id,
        counsellor_username=username,
        caseload=caseload,
        supervisor_id=supervisor_id,
        migrant_id=migrant_id,
        agreement_id=agreement_id,
        previous_agreement_id=previous_id,
        people_in_database=people,
    )


EVALUATOR = "bench-auswertung"


def ensure_evaluator() -> int:
    """A supervisor of every centre (as a federal evaluator would be): the evaluation over
    all centres needs one. Created in the benchmark database on first use."""
    from django.db import transaction

    from sites.enums import Role
    from sites.models import CounsellingCentre, Membership, User

    with transaction.atomic():
        user, _created = User.objects.get_or_create(
            username=EVALUATOR, defaults={"first_name": "Bench", "last_name": "Auswertung"}
        )
        have = set(Membership.objects.filter(user=user).values_list("centre_id", flat=True))
        Membership.objects.bulk_create(
            Membership(user=user, centre_id=pk, role=Role.SUPERVISOR)
            for pk in CounsellingCentre.objects.exclude(pk__in=have).values_list("pk", flat=True)
        )
    return user.pk


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(headers: list[str], rows: list[list], out=sys.stdout) -> None:
    cells = [[str(h) for h in headers], *[[_fmt(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for number, row in enumerate(cells):
        out.write(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
            + "\n"
        )
        if number == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_json(data, path: str | None, out=sys.stdout) -> None:
    text = json.dumps(data, indent=2, default=str)
    if path:
        Path(path).write_text(text + "\n")
    out.write(text + "\n")


class QueryTimer:
    """Counts queries and their time at full resolution (Django's own log rounds to 1 ms).

    Used as `with connection.execute_wrapper(timer):`.
    """

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            self.statements.append((elapsed, sql))

    @property
    def ms(self) -> float:
        return self.seconds * 1000
