"""Count every centre's evaluation figures for the default period (the last twelve months).

Meant for a nightly timer (e.g. 2:00), so the evaluation over many centres opens at once in
the morning; without it, the first visitor of the day waits while the centres are counted.
Safe to run twice and at any time: it replaces each centre's figures for the period and
drops figures of other periods counted more than a week ago.
"""

import datetime
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from agreements.models import EvaluationFigures
from agreements.services.reports.evaluation import default_evaluation_period
from agreements.services.reports.snapshots import count_and_keep
from sites.models import CounsellingCentre

KEEP_OTHER_PERIODS = datetime.timedelta(days=7)


class Command(BaseCommand):
    help = "Count every centre's evaluation figures for the last twelve months."

    def handle(self, *args, **options):
        started = time.monotonic()
        date_from, date_to = default_evaluation_period(timezone.localdate())
        centre_ids = list(CounsellingCentre.objects.order_by("pk").values_list("pk", flat=True))
        count_and_keep(centre_ids, date_from, date_to)
        dropped, _by_model = (
            EvaluationFigures.objects.exclude(date_from=date_from, date_to=date_to)
            .filter(counted_at__lt=timezone.now() - KEEP_OTHER_PERIODS)
            .delete()
        )
        self.stdout.write(
            f"counted {len(centre_ids)} centres for {date_from:%d.%m.%Y} – {date_to:%d.%m.%Y} "
            f"in {time.monotonic() - started:.1f} s; dropped {dropped} figures of old periods"
        )
