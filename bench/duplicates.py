"""The duplicate check at intake on a generated database: time per check, queries, pages
touched by its one statement, and how many people it compares by name.

    DATABASE_URL=... .venv/bin/python bench/duplicates.py [--samples 300]

Each sample takes a real person and checks their name as a counsellor would type it in
Latin letters without accents (the worst case for the name comparison: every candidate
with the birth date is compared), in the person's own centre.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from common import DEFAULT_LARGE, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_LARGE))
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    setup_django(args.database_url)

    from anyascii import anyascii
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.duplicates import possible_duplicates
    from people.models import Migrant

    total = Migrant.objects.count()
    people = list(
        Migrant.objects.filter(date_of_birth__isnull=False, anonymised_at__isnull=True)
        .order_by("?")
        .values("pk", "centre_id", "first_name", "last_name", "date_of_birth")[: args.samples]
    )
    times, found, candidates = [], [], []
    plan_pages = []
    for person in people:
        typed = {
            "first_name": anyascii(person["first_name"]),
            "last_name": anyascii(person["last_name"]),
        }
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            matches = possible_duplicates(
                centre_id=person["centre_id"], date_of_birth=person["date_of_birth"], **typed
            )
            times.append((time.perf_counter() - started) * 1000)
        assert len(queries) == 1
        found.append(person["pk"] in {m.pk for m in matches})
        candidates.append(
            Migrant.objects.filter(
                centre_id=person["centre_id"], date_of_birth=person["date_of_birth"]
            ).count()
        )
        if len(plan_pages) < 20:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0]["sql"])
                plan = [row[0] for row in cursor.fetchall()]
            plan_pages.append(plan)
    times.sort()
    print(f"people in the database: {total:,}")
    print(f"samples: {len(people)}; found themselves: {sum(found)}/{len(found)}")
    print(
        f"check time ms: median {statistics.median(times):.2f}, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.2f}, max {times[-1]:.2f}"
    )
    print(
        f"people compared by name per check: median {statistics.median(candidates)}, "
        f"max {max(candidates)}"
    )
    print("plan of one check:")
    print("\n".join("  " + line for line in plan_pages[0]))


if __name__ == "__main__":
    main()
