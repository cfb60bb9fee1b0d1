"""Server time and query count of the main pages, at two database sizes, with the ratio.

    .venv/bin/python bench/pages.py                       # 10k and 1M bench databases
    .venv/bin/python bench/pages.py --small URL --large URL --runs 40 --json out.json
    .venv/bin/python bench/pages.py --only caseload --explain   # plans of the slowest queries

Each size runs in its own process (Django binds one database per process): it picks the
typical centre of the data (median size), its median counsellor and supervisor, logs them
in with Django's test client (in process, no network) and requests every page `--runs`
times after a warm-up. Server time is the whole request: middleware, view, queries and
template. The ratio large/small is the figure that counts; the machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from common import (
    DEFAULT_LARGE,
    DEFAULT_SMALL,
    ROOT,
    QueryTimer,
    Subjects,
    database_name,
    median,
    p95,
    print_table,
    setup_django,
    typical_subjects,
    write_json,
)

RATIO_TARGET = 1.3


class NotYet(Exception):
    """The page does not exist (yet) in this code base."""


@dataclass
class Page:
    key: str
    title: str
    login: str  # "counsellor" or "supervisor"
    target_ms: float | None
    url: Callable[[Subjects], str]


def _reverse(name: str, *args, query: str = "") -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args) + query
    except NoReverseMatch as exc:
        raise NotYet(f"no URL named {name!r} (yet)") from exc


def _routes(namespace: str) -> list[tuple[str, dict]]:
    """(name, converters) of the named routes in one URL namespace."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(resolver, ns, converters):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                child = f"{ns}{entry.namespace}:" if entry.namespace else ns
                walk(entry, child, {**converters, **entry.pattern.converters})
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((f"{ns}{entry.name}", {**converters, **entry.pattern.converters}))

    walk(get_resolver(), "", {})
    return [(name, conv) for name, conv in found if name.startswith(f"{namespace}:")]


def _comparison_url(s: Subjects) -> str:
    """The version comparison: its URL name and parameters are the agreements issue's
    choice, so find a route that compares and fill its parameters."""
    from django.urls import NoReverseMatch, reverse

    if s.previous_agreement_id is None:
        raise NotYet("the typical person has no amended agreement")
    words = ("compar", "diff")
    candidates = [
        (name, conv) for name, conv in _routes("agreements") if any(w in name for w in words)
    ]
    if not candidates:
        raise NotYet("no version comparison URL in agreements (yet)")
    from agreements.models import Agreement

    current = Agreement.objects.get(pk=s.agreement_id)
    previous = Agreement.objects.get(pk=s.previous_agreement_id)
    by_name = {
        "pk": current.pk,
        "agreement_pk": current.pk,
        "agreement_id": current.pk,
        "new": current.pk,
        "new_pk": current.pk,
        "right": current.pk,
        "b": current.pk,
        "old": previous.pk,
        "old_pk": previous.pk,
        "other": previous.pk,
        "other_pk": previous.pk,
        "left": previous.pk,
        "a": previous.pk,
        "version": current.version,
        "new_version": current.version,
        "v2": current.version,
        "old_version": previous.version,
        "v1": previous.version,
        "number": current.number,
    }
    for name, converters in candidates:
        try:
            kwargs = {key: by_name[key] for key in converters}
            url = reverse(name, kwargs=kwargs)
        except (KeyError, NoReverseMatch):
            continue
        if len(converters) < 2:
            # One parameter: the view compares with the previous version, or takes the
            # other one from the query string.
            url += f"?a={previous.pk}&b={current.pk}&old={previous.pk}&new={current.pk}"
            url += f"&from={previous.version}&to={current.version}"
        return url
    raise NotYet(f"cannot fill the parameters of {[n for n, _ in candidates]}")


def _dashboard_url(s: Subjects) -> str:
    for name, converters in _routes("agreements"):
        if name == "agreements:dashboard":
            if converters:
                return _reverse(name, s.centre_id)
            return _reverse(name, query=f"?centre={s.centre_id}")
    raise NotYet("no URL named 'agreements:dashboard' (yet)")


PAGES = [
    Page(
        "caseload",
        "caseload list",
        "counsellor",
        25,
        lambda s: _reverse("integration:migrant-list"),
    ),
    Page(
        "person",
        "person page",
        "counsellor",
        25,
        lambda s: _reverse("integration:migrant-detail", s.migrant_id),
    ),
    Page(
        "agreement",
        "agreement page",
        "counsellor",
        25,
        lambda s: _reverse("agreements:detail", s.agreement_id),
    ),
    Page("comparison", "version comparison", "counsellor", None, _comparison_url),
    Page("dashboard", "supervisor dashboard (one centre)", "supervisor", 60, _dashboard_url),
    Page(
        "evaluation",
        "evaluation report (all centres)",
        "supervisor",
        1000,
        lambda s: _reverse("agreements:evaluation"),
    ),
]


# --- one database (worker process) ----------------------------------------------------


def measure(database_url: str, runs: int, warmup: int, only: list[str], explain: bool) -> dict:
    setup_django(database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sites.models import User

    subjects = typical_subjects()
    users = {
        "counsellor": User.objects.get(pk=subjects.counsellor_id),
        "supervisor": User.objects.get(pk=subjects.supervisor_id),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)

    results = {}
    for page in PAGES:
        if only and page.key not in only:
            continue
        try:
            url = page.url(subjects)
        except NotYet as reason:
            results[page.key] = {"skipped": str(reason)}
            continue
        client = clients[page.login]
        try:
            response = client.get(url)
        except Exception as exc:  # a page still being built: note it, measure the rest
            results[page.key] = {"skipped": f"GET {url} failed: {type(exc).__name__}: {exc}"}
            continue
        if response.status_code != 200:
            results[page.key] = {"skipped": f"GET {url} answered {response.status_code}"}
            continue
        for _ in range(warmup):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = captured.captured_queries
        timings, database = [], []
        for _ in range(runs):
            timer = QueryTimer()
            started = time.perf_counter()
            with connection.execute_wrapper(timer):
                client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            database.append(timer.ms)
        results[page.key] = {
            "url": url,
            "queries": len(queries),
            "db_ms": round(median(database), 2),
            "median_ms": round(median(timings), 2),
            "p95_ms": round(p95(timings), 2),
            "runs": runs,
            "bytes": len(response.content),
        }
        if explain:
            results[page.key]["slowest"] = _explain(connection, queries)
    if not only or "save" in only:
        results["save"] = _agreement_save(subjects, runs)
    return {
        "database": database_name(database_url),
        "subjects": subjects.as_dict(),
        "pages": results,
    }


def _explain(connection, queries: list[dict], top: int = 3) -> list[dict]:
    plans = []
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:top]:
        sql = query["sql"]
        entry = {"ms": round(float(query["time"]) * 1000, 2), "sql": sql}
        if sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                entry["plan"] = [row[0] for row in cursor.fetchall()]
        plans.append(entry)
    return plans


def _agreement_save(subjects: Subjects, runs: int) -> dict:
    """Database time of saving an agreement with its history row (rolled back after)."""
    from django.db import connection, transaction

    from agreements.models import Agreement

    timings, counts = [], []
    for number in range(runs + 3):
        with transaction.atomic():
            agreement = Agreement.objects.get(pk=subjects.agreement_id)
            timer = QueryTimer()
            with connection.execute_wrapper(timer):
                agreement.review_interval_months = 1 + number % 6
                agreement.revision += 1
                agreement.save()  # the UPDATE and simple-history's INSERT
            transaction.set_rollback(True)
        if number >= 3:  # warm-up
            timings.append(timer.ms)
            counts.append(timer.count)
    return {
        "url": "Agreement.save() + history row",
        "queries": max(counts),
        "db_ms": round(median(timings), 3),
        "median_ms": round(median(timings), 3),
        "p95_ms": round(p95(timings), 3),
        "runs": runs,
    }


# --- both databases (parent process) --------------------------------------------------

TARGETS = {page.key: page.target_ms for page in PAGES} | {"save": 2.0}
TITLES = {page.key: page.title for page in PAGES} | {"save": "save an agreement (DB time)"}


def compare(small: dict, large: dict) -> tuple[list[list], list[dict]]:
    rows, records = [], []
    for key, title in TITLES.items():
        a, b = small["pages"].get(key), large["pages"].get(key)
        if a is None or b is None:
            continue
        if "skipped" in a or "skipped" in b:
            rows.append([title, f"skipped: {a.get('skipped') or b.get('skipped')}"] + [""] * 8)
            records.append({"page": key, "skipped": a.get("skipped") or b.get("skipped")})
            continue
        ratio = b["median_ms"] / a["median_ms"] if a["median_ms"] else None
        target = TARGETS.get(key)
        ok = (ratio is not None and ratio <= RATIO_TARGET) and (
            target is None or b["median_ms"] <= target
        )
        ok = ok and a["queries"] == b["queries"]
        rows.append(
            [
                title,
                a["queries"],
                b["queries"],
                a["median_ms"],
                b["median_ms"],
                a["p95_ms"],
                b["p95_ms"],
                round(ratio, 2) if ratio else None,
                target,
                "yes" if ok else "NO",
            ]
        )
        records.append(
            {
                "page": key,
                "small": a,
                "large": b,
                "ratio": round(ratio, 3) if ratio else None,
                "target_ms": target,
                "meets_targets": ok,
            }
        )
    return rows, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", default=DEFAULT_SMALL, help="database URL, small size")
    parser.add_argument("--large", default=DEFAULT_LARGE, help="database URL, large size")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], help="page key (repeatable)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest queries")
    parser.add_argument("--json", dest="json_path", help="also write the JSON to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        json.dump(measure(args.worker, args.runs, args.warmup, args.only, args.explain), sys.stdout)
        return

    results = {}
    for size, url in (("small", args.small), ("large", args.large)):
        command = [sys.executable, __file__, "--worker", url, "--runs", str(args.runs)]
        command += ["--warmup", str(args.warmup)]
        for key in args.only:
            command += ["--only", key]
        if args.explain:
            command.append("--explain")
        sys.stderr.write(f"measuring {database_name(url)} ...\n")
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if done.returncode:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"the benchmark failed on {database_name(url)}")
        results[size] = json.loads(done.stdout)

    small, large = results["small"], results["large"]
    print(
        f"\nPages: {database_name(args.small)} "
        f"({small['subjects']['people_in_database']:,} people) vs {database_name(args.large)} "
        f"({large['subjects']['people_in_database']:,} people); "
        f"typical centre {small['subjects']['centre_people']:,} / "
        f"{large['subjects']['centre_people']:,} people, caseload "
        f"{small['subjects']['caseload']} / {large['subjects']['caseload']} active; "
        f"median of {args.runs} requests, milliseconds\n"
    )
    rows, records = compare(small, large)
    print_table(
        [
            "page",
            "queries S",
            "queries L",
            "median S",
            "median L",
            "p95 S",
            "p95 L",
            "L/S",
            "target",
            "ok",
        ],
        rows,
    )
    for key, page in large["pages"].items():
        if "skipped" in page:
            print(f"note: {TITLES.get(key, key)} skipped: {page['skipped']}")
    if args.explain:
        for size in ("small", "large"):
            for key, page in results[size]["pages"].items():
                for entry in page.get("slowest", []):
                    print(f"\n[{size}] {key}: {entry['ms']} ms\n{entry['sql']}")
                    print("\n".join(entry.get("plan", [])))
    print()
    write_json({"small": small, "large": large, "comparison": records}, args.json_path)


if __name__ == "__main__":
    main()
