"""Each centre's evaluation figures, kept and added up: the evaluation over all centres
in a second instead of two minutes at national size.

Figures are kept per centre and period. A change to the centre's data deletes them
(agreements/signals.py), and they are never used once older than MAX_AGE, so bulk writes
that send no signals are caught up within a day; the page says when the figures it shows
were counted. `manage.py count_evaluation_figures` counts the default period for every
centre at night, so the first visitor of the day does not wait.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from agreements.models import EvaluationFigures
from agreements.services.reports.evaluation import (
    Evaluation,
    add_up,
    evaluation_from_figures,
    figures_by_centre,
)
from sites.models import CounsellingCentre

MAX_AGE = datetime.timedelta(hours=24)
# Kept with the figures and raised whenever the evaluation counts something new (2: steps
# done on time and the clients' ratings): figures kept before are counted anew at once
# instead of showing the new figures as nought for up to a day.
VERSION_KEY, VERSION = "version", 2
# Counting this many centres in one go takes a few seconds at national size; the rest of
# a large set waits for the next request or the nightly run rather than the page timing out.
CENTRES_PER_BATCH = 100


def _store(counted: dict[int, dict], date_from, date_to, at: datetime.datetime) -> None:
    EvaluationFigures.objects.bulk_create(
        [
            EvaluationFigures(
                centre_id=centre_id,
                date_from=date_from,
                date_to=date_to,
                figures={**figures, VERSION_KEY: VERSION},
                counted_at=at,
            )
            for centre_id, figures in counted.items()
        ],
        update_conflicts=True,
        unique_fields=["centre", "date_from", "date_to"],
        update_fields=["figures", "counted_at"],
    )


def count_and_keep(
    centre_ids: list[int], date_from: datetime.date, date_to: datetime.date
) -> dict[int, dict]:
    # Counted before storing: a change committed while counting deletes nothing yet stored,
    # so its figures are at worst as old as `counted_at` says.
    at = timezone.now()
    counted = {}
    for start in range(0, len(centre_ids), CENTRES_PER_BATCH):
        batch = figures_by_centre(centre_ids[start : start + CENTRES_PER_BATCH], date_from, date_to)
        with transaction.atomic():
            _store(batch, date_from, date_to, at)
        counted.update(batch)
    return counted


def evaluation(
    *, centres: Iterable[CounsellingCentre], date_from: datetime.date, date_to: datetime.date
) -> Evaluation:
    centres = list(centres)
    centre_ids = [centre.pk for centre in centres]
    kept = list(
        EvaluationFigures.objects.filter(
            centre_id__in=centre_ids,
            date_from=date_from,
            date_to=date_to,
            counted_at__gte=timezone.now() - MAX_AGE,
            **{f"figures__{VERSION_KEY}": VERSION},
        ).only("centre_id", "figures", "counted_at")
    )
    for row in kept:
        del row.figures[VERSION_KEY]
    kept_ids = {row.centre_id for row in kept}
    counted = count_and_keep([i for i in centre_ids if i not in kept_ids], date_from, date_to)
    return evaluation_from_figures(
        add_up([*(row.figures for row in kept), *counted.values()]),
        centres=centres,
        date_from=date_from,
        date_to=date_to,
        as_of=min((row.counted_at for row in kept), default=None),
    )


def forget(centre_ids: Iterable[int] | None = None) -> None:
    """Drop kept figures after writes that send no signals (bulk loads, demo data)."""
    rows = EvaluationFigures.objects.all()
    if centre_ids is not None:
        rows = rows.filter(centre_id__in=list(centre_ids))
    rows.delete()
