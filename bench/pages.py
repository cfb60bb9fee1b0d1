"""Server time and query count of the main pages, at two database sizes, with the ratio.

    .venv/bin/python bench/pages.py                       # 10k and 1M bench databases
    .venv/bin/python bench/pages.py --small URL --large URL --runs 40 --json out.json
    .venv/bin/python bench/pages.py --only caseload --explain   # plans of the slowest queries

For each database it picks the typical centre of the data (median size), its median
counsellor and supervisor, logs them in with Django's test client (in process, no network)
and requests every page `--runs` times after a warm-up, alternating between the two
databases request by request. Server time is the whole request: middleware, view, queries
and template. The ratio large/small is the figure that counts; the machine is noisy.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from common import (
    DEFAULT_LARGE,
    DEFAULT_SMALL,
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
from explain import explain as explain_slowest
from page_urls import NotYet, comparison_url, dashboard_url, url_named

RATIO_TARGET = 1.3
SLOW_SECONDS = 2.0
SLOW_RUNS = 3


@dataclass
class Page:
    key: str
    title: str
    login: str  # "counsellor", "supervisor" (of the centre) or "evaluator" (of all centres)
    target_ms: float | None
    url: Callable[[Subjects], str]
    # False where the two sizes show different amounts: the evaluation over all centres
    # covers every centre of each database (7 at 10k, 607 at 1M people), so its cost grows
    # with the centres on the page, and its target is the absolute one.
    ratio_applies: bool = True


PAGES = [
    Page(
        "caseload",
        "caseload list",
        "counsellor",
        25,
        lambda s: url_named("integration:migrant-list"),
    ),
    Page(
        "person",
        "person page",
        "counsellor",
        25,
        lambda s: url_named("integration:migrant-detail", s.migrant_id),
    ),
    Page(
        "agreement",
        "agreement page",
        "counsellor",
        25,
        lambda s: url_named("agreements:detail", s.agreement_id),
    ),
    Page("comparison", "version comparison", "counsellor", None, comparison_url),
    Page("dashboard", "supervisor dashboard (one centre)", "supervisor", 60, dashboard_url),
    Page(
        "evaluation",
        "evaluation report (one centre)",
        "supervisor",
        None,
        lambda s: url_named("agreements:evaluation"),
    ),
    Page(
        "evaluation-all",
        "evaluation report (all centres)",
        "evaluator",
        1000,
        lambda s: url_named("agreements:evaluation"),
        ratio_applies=False,
    ),
]


# --- measuring ------------------------------------------------------------------------


@dataclass
class Size:
    """One database: its connection, typical subjects and logged-in clients."""

    label: str
    url: str
    wrapper: object = None
    subjects: Subjects | None = None
    clients: dict | None = None


def _use(size: Size) -> None:
    """Point Django's default connection at this size's database (both stay open)."""
    from django.db import connections

    connections["default"] = size.wrapper


def _wrapper_for(url: str, template):
    import copy

    import dj_database_url
    from django.db.utils import load_backend

    settings_dict = copy.deepcopy(template.settings_dict)
    parsed = dj_database_url.parse(url)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        settings_dict[key] = parsed[key]
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")


def measure(
    small_url: str, large_url: str, runs: int, warmup: int, only: list[str], explain: bool
) -> dict:
    """Requests alternate between the two databases, so a busy moment on the machine hits
    both sizes alike and the ratio stays honest."""
    setup_django(small_url)
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sites.models import User

    sizes = [Size("small", small_url, connections["default"])]
    sizes.append(Size("large", large_url, _wrapper_for(large_url, sizes[0].wrapper)))
    for size in sizes:
        _use(size)
        size.subjects = typical_subjects()
        size.clients = {}
        for role, pk in (
            ("counsellor", size.subjects.counsellor_id),
            ("supervisor", size.subjects.supervisor_id),
            ("evaluator", size.subjects.evaluator_id),
        ):
            size.clients[role] = Client()
            size.clients[role].force_login(User.objects.get(pk=pk))

    results = {size.label: {} for size in sizes}
    for page in PAGES:
        if only and page.key not in only:
            continue
        urls, skipped = {}, None
        for size in sizes:
            _use(size)
            try:
                urls[size.label] = url = page.url(size.subjects)
                response = size.clients[page.login].get(url)
            except NotYet as reason:
                skipped = str(reason)
            except Exception as exc:  # a page still being built: note it, measure the rest
                skipped = f"GET {url} failed: {type(exc).__name__}: {exc}"
            else:
                if response.status_code != 200:
                    skipped = f"GET {url} answered {response.status_code}"
            if skipped:
                break
        if skipped:
            for size in sizes:
                results[size.label][page.key] = {"skipped": skipped}
            continue
        figures = {}
        page_runs, page_warmup = runs, warmup
        for size in sizes:
            _use(size)
            client = size.clients[page.login]
            started = time.perf_counter()
            client.get(urls[size.label])
            first = time.perf_counter() - started
            if first > SLOW_SECONDS:
                # A page that takes seconds is measured a few times only: its problem is
                # visible without an hour of repetitions.
                page_runs, page_warmup = min(page_runs, SLOW_RUNS), 0
            for _ in range(page_warmup):
                client.get(urls[size.label])
            with CaptureQueriesContext(connection) as captured:
                response = client.get(urls[size.label])
            figures[size.label] = {
                "url": urls[size.label],
                "queries": len(captured.captured_queries),
                "bytes": len(response.content),
                "timings": [],
                "cpu": [],
                "database": [],
            }
            if explain:
                slowest, buffers = explain_slowest(connection, captured.captured_queries)
                figures[size.label].update(slowest=slowest, buffers=buffers)
        for _ in range(page_runs):
            for size in sizes:
                _use(size)
                timer = QueryTimer()
                cpu = time.process_time()
                started = time.perf_counter()
                with connection.execute_wrapper(timer):
                    size.clients[page.login].get(urls[size.label])
                figures[size.label]["timings"].append((time.perf_counter() - started) * 1000)
                figures[size.label]["cpu"].append((time.process_time() - cpu) * 1000)
                figures[size.label]["database"].append(timer.ms)
        for size in sizes:
            entry = figures[size.label]
            timings, database = entry.pop("timings"), entry.pop("database")
            entry.update(
                cpu_ms=round(median(entry.pop("cpu")), 2),
                median_ms=round(median(timings), 2),
                p95_ms=round(p95(timings), 2),
                db_ms=round(median(database), 2),
                runs=page_runs,
            )
            results[size.label][page.key] = entry
    if "save" in only:
        if all(size.subjects.draft_agreement_id for size in sizes):
            for label, entry in _agreement_saves(sizes, runs).items():
                results[label]["save"] = entry
        else:
            for size in sizes:
                results[size.label]["save"] = {"skipped": "no draft agreement to save"}
    return {
        size.label: {
            "database": database_name(size.url),
            "subjects": size.subjects.as_dict(),
            "pages": results[size.label],
        }
        for size in sizes
    }


def _save_once(subjects: Subjects, number: int) -> tuple[float, float, int]:
    """Saves the typical counsellor's draft agreement like its edit form does (the
    drafting service: locked read with its revision check, UPDATE, history INSERT) and
    commits.
    Returns (statement ms, commit ms, statements)."""
    from django.db import connection, transaction

    from agreements.models import Agreement
    from sites.models import User

    agreement = Agreement.objects.get(pk=subjects.draft_agreement_id)
    user = User.objects.get(pk=subjects.counsellor_id)
    timer = QueryTimer()
    try:
        from agreements.forms.drafting import AgreementForm
        from agreements.services.drafting import update_agreement
    except ImportError:  # before the drafting service existed: the bare model save
        AgreementForm = update_agreement = None
    with connection.execute_wrapper(timer):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            if update_agreement is None:
                agreement.revision += 1
                agreement.save()
            else:
                initial = AgreementForm(instance=agreement)
                data = {name: initial[name].value() for name in initial.fields}
                data["review_interval_months"] = 1 + number % 6
                data["revision"] = agreement.revision
                form = AgreementForm(data, instance=agreement)
                if not form.is_valid():
                    raise RuntimeError(f"the bench draft does not validate: {form.errors}")
                if "values" in inspect.signature(update_agreement).parameters:
                    update_agreement(
                        user=user,
                        agreement=agreement,
                        values=form.values(),
                        expected_revision=agreement.revision,
                    )
                else:  # before services took cleaned values
                    update_agreement(user=user, form=form, expected_revision=agreement.revision)
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
        started = time.perf_counter()
        outer.__exit__(None, None, None)  # COMMIT: the WAL flush is part of saving
        commit_ms = (time.perf_counter() - started) * 1000
    return timer.ms, commit_ms, timer.count


def _agreement_saves(sizes: list[Size], runs: int) -> dict:
    figures = {size.label: ([], [], []) for size in sizes}
    for number in range(runs + 3):
        for size in sizes:
            _use(size)
            statements, commit, count = _save_once(size.subjects, number)
            if number >= 3:  # warm-up
                figures[size.label][0].append(statements + commit)
                figures[size.label][1].append(commit)
                figures[size.label][2].append(count)
    results = {}
    for label, (totals, commits, counts) in figures.items():
        results[label] = {
            "url": "update_agreement(): the draft save with its history row, COMMIT",
            "queries": max(counts),
            "db_ms": round(median(totals), 3),
            "commit_ms": round(median(commits), 3),
            "median_ms": round(median(totals), 3),
            "p95_ms": round(p95(totals), 3),
            "runs": runs,
        }
    return results


# --- both databases (parent process) --------------------------------------------------

TARGETS = {page.key: page.target_ms for page in PAGES} | {"save": 2.0}
RATIO_APPLIES = {page.key: page.ratio_applies for page in PAGES}
TITLES = {page.key: page.title for page in PAGES} | {"save": "save an agreement (DB time)"}


HEADERS = [
    "page",
    "queries S/L",
    "median S",
    "median L",
    "p95 S",
    "p95 L",
    "db S",
    "db L",
    "cpu S",
    "cpu L",
    "L/S",
    "target L",
    "ok",
]


def compare(small: dict, large: dict, explain: bool) -> tuple[list[list], list[dict]]:
    """Table rows and JSON records; "ok" needs the ratio, the target and equal query
    counts."""
    rows, records = [], []
    for key, title in TITLES.items():
        a, b = small["pages"].get(key), large["pages"].get(key)
        if a is None or b is None:
            continue
        if "skipped" in a or "skipped" in b:
            reason = a.get("skipped") or b.get("skipped")
            rows.append([title, f"skipped: {reason}"] + [""] * (len(HEADERS) - 2 + explain))
            records.append({"page": key, "skipped": reason})
            continue
        ratio = b["median_ms"] / a["median_ms"] if a["median_ms"] else None
        target = TARGETS.get(key)
        ratio_applies = RATIO_APPLIES.get(key, True)
        ok = (
            (not ratio_applies or (ratio is not None and ratio <= RATIO_TARGET))
            and (target is None or b["median_ms"] <= target)
            and a["queries"] == b["queries"]
        )
        row = [
            title,
            f"{a['queries']}/{b['queries']}",
            a["median_ms"],
            b["median_ms"],
            a["p95_ms"],
            b["p95_ms"],
            a["db_ms"],
            b["db_ms"],
            a.get("cpu_ms"),
            b.get("cpu_ms"),
            (round(ratio, 2) if ratio_applies else f"({ratio:.1f})") if ratio else None,
            target,
            "yes" if ok else "NO",
        ]
        if explain:
            row.insert(-3, f"{a['buffers']}/{b['buffers']}" if "buffers" in a else None)
        rows.append(row)
        records.append(
            {
                "page": key,
                "small": a,
                "large": b,
                "ratio": round(ratio, 3) if ratio else None,
                "ratio_applies": ratio_applies,
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
    parser.add_argument("--skip", action="append", default=[], help="page key (repeatable)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest queries")
    parser.add_argument("--json", dest="json_path", help="also write the JSON to this file")
    args = parser.parse_args()

    sys.stderr.write(f"measuring {database_name(args.small)} and {database_name(args.large)}\n")
    only = args.only or [key for key in TITLES if key not in args.skip]
    load_before = os.getloadavg()[0]
    results = measure(args.small, args.large, args.runs, args.warmup, only, args.explain)
    results["load"] = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (2 cores)"
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
    rows, records = compare(small, large, args.explain)
    headers = list(HEADERS)
    if args.explain:
        headers.insert(-3, "pages S/L")
    print_table(headers, rows)
    print(
        "\nS/L: small/large database; times in ms: median and 95th percentile of the request, "
        "median time spent in SQL statements (db) and median CPU time of the Django process "
        "(cpu: rendering, middleware; hardly affected by other load); pages: shared buffers "
        "the SELECTs touched (EXPLAIN; independent of load); a ratio in brackets compares "
        "pages of different content (all centres of each database) and is not a target. "
        f"Load average during the run: {results['load']}."
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
    write_json(
        {"small": small, "large": large, "comparison": records, "load": results["load"]},
        args.json_path,
    )


if __name__ == "__main__":
    main()
