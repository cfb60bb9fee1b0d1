import argparse
import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from integration.datagen import generate


class Command(BaseCommand):
    help = (
        "Add N generated people with realistic files (sessions, agreements with versions, "
        "goals, steps, reviews, history) and the centres, counsellors and partners they "
        "need. For benchmarks; deterministic for the same --seed, --today and database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--migrants", type=int, required=True, help="number of people")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--centres",
            type=int,
            default=None,
            help="number of new centres (default: one per ~1,650 people, at least 2)",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day the data ends (YYYY-MM-DD, default: today)",
        )
        parser.add_argument("--chunk-size", type=int, default=10_000, help="people per COPY")
        parser.add_argument(
            "--fast-load",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="drop and rebuild plain indexes around the load (PostgreSQL; "
            "default: from 50,000 people)",
        )
        parser.add_argument(
            "--verify", action="store_true", help="check every foreign key afterwards"
        )
        parser.add_argument(
            "--vacuum", action="store_true", help="VACUUM (ANALYZE) instead of ANALYZE"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, migrants, seed, centres, today, chunk_size, **options):
        if migrants < 1:
            raise CommandError("--migrants must be at least 1.")
        if centres is not None and centres < 1:
            raise CommandError("--centres must be at least 1.")
        if connection.vendor not in ("postgresql", "sqlite"):
            raise CommandError("generate_data supports PostgreSQL and SQLite.")
        verbose = options["verbosity"] > 0 and not options["json"]
        report = generate(
            migrants=migrants,
            seed=seed,
            centres=centres,
            today=today,
            chunk_size=chunk_size,
            fast_load=options["fast_load"],
            verify=options["verify"],
            vacuum=options["vacuum"],
            log=(lambda message: self.stdout.write(message)) if verbose else (lambda m: None),
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "migrants": report.migrants,
                        "seed": report.seed,
                        "today": report.today.isoformat(),
                        "centres": report.centres,
                        "counsellors": report.counsellors,
                        "fast_load": report.fast_load,
                        "rows": report.rows,
                        "history_rows": report.history_rows,
                        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
                        "foreign_key_violations": report.foreign_key_violations,
                    },
                    indent=2,
                )
            )
        elif options["verbosity"] > 0:
            self._print(report)
        if report.foreign_key_violations:
            raise CommandError(f"foreign keys pointing nowhere: {report.foreign_key_violations}")

    def _print(self, report) -> None:
        width = max(len(name) for name in [*report.rows, *report.history_rows])
        self.stdout.write("")
        self.stdout.write(f"{'table':<{width}}  {'rows':>12}")
        for name, count in [*report.rows.items(), *report.history_rows.items()]:
            self.stdout.write(f"{name:<{width}}  {count:>12,}")
        self.stdout.write(f"{'all rows':<{width}}  {report.total_rows:>12,}")
        self.stdout.write(f"{'all history rows':<{width}}  {report.total_history_rows:>12,}")
        self.stdout.write("")
        for phase, seconds in report.seconds.items():
            self.stdout.write(f"{phase:<16} {seconds:8.1f} s")
        if report.foreign_key_violations == []:
            self.stdout.write("foreign keys: all rows point to existing rows")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.migrants:,} people in {report.centres} new centres "
                f"({report.counsellors} counsellors) in {report.seconds['total']:.1f} s."
            )
        )
