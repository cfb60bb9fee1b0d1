"""Send each counsellor the daily reminder digest by e-mail, and each supervisor the
escalation of their team's items overdue by more than ESCALATION_AFTER_DAYS.

Meant for a daily timer (e.g. 6:30). Safe to run twice: whoever had today's digest does
not get another one; a failed send is retried by the next run.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agreements.services.escalation import send_escalations
from agreements.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send each counsellor one e-mail with today's due reviews, steps and appointments, "
        "and each supervisor one with their team's items overdue beyond the set days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Send the digest for this day (YYYY-MM-DD) instead of today, e.g. to catch up.",
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="Address of the application for the links, e.g. https://iv.example.org "
            "(default: the SITE_URL setting).",
        )

    def handle(self, *args, date: str | None, base_url: str, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError("--date must look like 2026-11-24.") from error
        else:
            day = timezone.localdate()
        counsellors = send_reminders(today=day, base_url=base_url)
        supervisors = send_escalations(today=day, base_url=base_url)
        self.stdout.write(
            f"Reminder digests for {day:%Y-%m-%d}: {counsellors} sent to counsellors, "
            f"{supervisors} to supervisors."
        )
