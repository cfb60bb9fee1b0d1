"""Each centre's evaluation figures are kept and added up; changes make them count anew."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agreements.enums import HurdleCategory
from agreements.models import EvaluationFigures, Review
from agreements.services.reports import evaluation
from sites.models import CounsellingCentre
from tests.factories import (
    MigrantFactory,
    ReviewFactory,
    SignedAgreementFactory,
    supervisor_of,
)

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _signed(centre, *, intake_days: int):
    signed_on = datetime.date(2026, 3, 1)
    migrant = MigrantFactory(
        centre=centre, intake_on=signed_on - datetime.timedelta(days=intake_days)
    )
    agreement = SignedAgreementFactory(
        migrant=migrant, centre=centre, signed_on=signed_on, number=f"{migrant.case_number}-IV"
    )
    ReviewFactory(
        agreement=agreement,
        held_on=datetime.date(2026, 5, 1),
        due_on=datetime.date(2026, 5, 1),
        hurdle_categories=[HurdleCategory.MONEY],
    )
    return agreement


def _report(*centres):
    return evaluation(centres=centres, date_from=START, date_to=END)


def test_two_centres_add_up_to_what_each_counts(centre, other_centre):
    _signed(centre, intake_days=10)
    _signed(centre, intake_days=30)
    _signed(other_centre, intake_days=60)
    one, other, both = _report(centre), _report(other_centre), _report(centre, other_centre)
    for row in ("agreements_signed", "reviews_held", "reviews_on_time"):
        assert both.figure(row) == one.figure(row) + other.figure(row)
    assert both.figure("agreements_signed") == 3
    # The average is weighted by agreements, not the mean of the centres' averages.
    assert one.figure("days_to_signature") == 20
    assert both.figure("days_to_signature") == round(100 / 3, 1)
    assert both.hurdles.cell(HurdleCategory.MONEY, "reviews").count == 3
    assert both.summary.cell("reviews_held", "value").people == 3


def test_kept_figures_are_shown_with_their_time_until_a_review_changes_them(centre):
    agreement = _signed(centre, intake_days=10)
    first = _report(centre)
    assert first.as_of is None
    kept = _report(centre)
    assert kept.as_of is not None
    assert kept.figure("reviews_held") == first.figure("reviews_held") == 1

    ReviewFactory(agreement=agreement, held_on=datetime.date(2026, 6, 1), due_on=None)
    recounted = _report(centre)
    assert recounted.as_of is None
    assert recounted.figure("reviews_held") == 2


def test_a_change_in_one_centre_keeps_the_other_centres_figures(centre, other_centre):
    changed = _signed(centre, intake_days=10)
    _signed(other_centre, intake_days=10)
    _report(centre, other_centre)
    migrant = changed.migrant
    migrant.nationality = "SY"
    migrant.save()
    assert list(EvaluationFigures.objects.values_list("centre_id", flat=True)) == [other_centre.pk]


def test_figures_older_than_a_day_are_counted_again_even_after_a_silent_bulk_write(centre):
    _signed(centre, intake_days=10)
    _report(centre)
    # An UPDATE of many rows sends no signals; the age limit catches it up.
    Review.objects.update(hurdle_categories=[HurdleCategory.HOUSING])
    assert _report(centre).hurdles.cell(HurdleCategory.HOUSING, "reviews").count == 0
    EvaluationFigures.objects.update(counted_at=timezone.now() - datetime.timedelta(hours=25))
    recounted = _report(centre)
    assert recounted.as_of is None
    assert recounted.hurdles.cell(HurdleCategory.HOUSING, "reviews").count == 1


def test_the_page_says_when_kept_figures_were_counted(client, centre):
    _signed(centre, intake_days=10)
    client.force_login(supervisor_of(centre))
    params = {"date_from": START.isoformat(), "date_to": END.isoformat(), "centres": centre.pk}
    url = reverse("agreements:evaluation")
    assert "evaluation-as-of" not in client.get(url, params).content.decode()
    page = client.get(url, params).content.decode()
    assert "evaluation-as-of" in page
    assert "Stand " in page


def test_the_nightly_count_covers_every_centre_and_is_safe_to_run_twice(centre, other_centre):
    _signed(centre, intake_days=10)
    call_command("count_evaluation_figures", verbosity=0)
    call_command("count_evaluation_figures", verbosity=0)
    assert EvaluationFigures.objects.count() == CounsellingCentre.objects.count()
    kept = EvaluationFigures.objects.get(centre=centre)
    assert kept.figures["signed"] == 1
    assert kept.date_to == timezone.localdate()


def test_editing_a_draft_keeps_the_figures_and_signing_it_counts_anew(centre, counsellor):
    from agreements.enums import AgreementStatus
    from agreements.services.drafting import add_goal
    from tests.factories import AgreementFactory

    _signed(centre, intake_days=10)
    draft = AgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    _report(centre)

    draft.situation_language = "Deutsch B1"
    draft.save()
    goal = add_goal(user=counsellor, agreement=draft, area="language", text="B1 bestehen")
    goal.text = "B1-Prüfung bestehen"
    goal.save()
    kept = _report(centre)
    assert kept.as_of is not None, "a draft counts in no figure"
    assert kept.figure("agreements_signed") == 1

    draft.status = AgreementStatus.ACTIVE
    draft.signed_on = datetime.date(2026, 4, 1)
    draft.save()
    recounted = _report(centre)
    assert recounted.as_of is None
    assert recounted.figure("agreements_signed") == 2
