import time

from django.core.management.base import BaseCommand

from integration.datagen.demo import ADMIN, DEMO_SEED, LOGINS, seed_demo
from integration.datagen.sites import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Build the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")

    def handle(self, *args, seed: int, **options):
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        report = seed_demo(
            seed=seed, log=(lambda m: self.stdout.write(f"  {m}")) if verbose else lambda m: None
        )
        if report is None:
            self.stdout.write("Every demo centre has its people already; nothing added.")
        else:
            self.stdout.write(f"  {report.migrants:,} people, {report.total_rows:,} rows")
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, *_, role in [*LOGINS, ADMIN]:
            self.stdout.write(f"  {username:<16} {role}")
