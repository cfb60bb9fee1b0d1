import time

from django.core.management.base import BaseCommand

from sites.demo import DEMO_PASSWORD, seed_sites


class Command(BaseCommand):
    help = "Build the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, seed: int, **options):
        started = time.monotonic()
        seed_sites(seed=seed)
        for step in self.demo_steps():
            step_started = time.monotonic()
            step(seed=seed)
            self.stdout.write(f"  {step.__name__}: {time.monotonic() - step_started:.1f} s")
        # The demo is written in bulk, which sends no signals: drop figures kept from before.
        from agreements.services.reports.snapshots import forget

        forget()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s.")
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, role in [
            ("berater", "Berater/in, Ludwigshafen"),
            ("leitung", "Leitung, Ludwigshafen"),
            ("berater-leipzig", "Berater/in, Leipzig"),
            ("admin", "Administration (Django-Admin)"),
        ]:
            self.stdout.write(f"  {username:<16} {role}")

    def demo_steps(self):
        """Each layer adds its demo data, in dependency order."""
        from agreements.demo import seed_agreements
        from agreements.demo_reviews import seed_reviews
        from integration.demo import seed_cases

        return [seed_cases, seed_agreements, seed_reviews]
