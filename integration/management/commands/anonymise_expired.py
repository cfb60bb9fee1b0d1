"""Anonymise closed cases whose retention period has run out.

Meant for a daily timer. Each case is anonymised in its own transaction, so an
interrupted run keeps what it finished and the next run carries on; cases already
anonymised are never selected again.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agreements.services.verification import delete_old_lookups
from integration.privacy import anonymise_for_retention, expired_migrants, retention_cutoff
from people.models import Migrant


class Command(BaseCommand):
    help = "Anonymise cases closed longer than RETENTION_YEARS (default 3) ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list the cases that would be anonymised; change nothing.",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help=f"Retention period in years (default {settings.RETENTION_YEARS}).",
        )

    def handle(self, *args, dry_run: bool, years: int | None, **options):
        if years is not None and years < 1:
            raise CommandError("--years must be at least 1.")
        cutoff = retention_cutoff(years=years)
        # Only ids and dates: the list itself must not spread names into logs.
        due = list(
            expired_migrants(years=years).values_list(
                "pk", "case_number", "centre__code", "closed_on"
            )
        )
        verb = "would anonymise" if dry_run else "anonymising"
        self.stdout.write(f"Cases closed before {cutoff:%Y-%m-%d}: {len(due)} ({verb})")
        done = 0
        for pk, case_number, centre_code, closed_on in due:
            self.stdout.write(f"  {case_number} ({centre_code}, closed {closed_on:%Y-%m-%d})")
            if not dry_run:
                anonymise_for_retention(migrant=Migrant(pk=pk))
                done += 1
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
            return
        self.stdout.write(self.style.SUCCESS(f"Anonymised {done} case(s)."))
        # The verification page's lookup log is kept only as long as VERIFY_LOG_DAYS.
        lookups = delete_old_lookups()
        self.stdout.write(f"Deleted {lookups} verification lookup(s) older than the log period.")
