"""Steps done on time and the clients' ratings in the evaluation, checked against data
counted by hand; their suppression on the page and in the export; kept figures forgotten
when a step's progress changes."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.enums import AgreementStatus, Responsible, StepStatus
from agreements.models import EvaluationFigures
from agreements.services.reports import evaluation
from sites.enums import Area, PartnerKind
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    MigrantFactory,
    PartnerFactory,
    ReviewFactory,
    SignedAgreementFactory,
    StepFactory,
    supervisor_of,
)

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _day(month: int, day: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


def _signed(centre, **kwargs):
    migrant = MigrantFactory(centre=centre)
    return SignedAgreementFactory(
        migrant=migrant, number=f"{migrant.case_number}-IV", signed_on=_day(1, 10), **kwargs
    )


def _step(goal, due_on, status=StepStatus.OPEN, status_on=None, partner=None, **kwargs):
    return StepFactory(
        goal=goal,
        due_on=due_on,
        status=status,
        status_on=status_on,
        partner=partner,
        responsible=Responsible.PARTNER if partner else Responsible.MIGRANT,
        **kwargs,
    )


@pytest.fixture
def steps(centre, other_centre):
    """Nine steps count: 3 done on time, 2 done late, 3 not done, 1 cancelled.

    person A: language 2 on time (one on the day it was due), 1 late; work 1 in progress,
              1 postponed, 1 cancelled, 1 done without a date (late)
    person B: work 1 on time in the amended version (its superseded copy is open)
    person D: education 1 open in a completed agreement
    not counted: due before or after the period, a draft's, another centre's.
    """
    courses = PartnerFactory(kind=PartnerKind.COURSE_PROVIDER, name="Kursträger")
    jobcenter = PartnerFactory(kind=PartnerKind.JOBCENTER, name="Jobcenter")
    done = StepStatus.DONE

    a = _signed(centre)
    language = GoalFactory(agreement=a, area=Area.LANGUAGE)
    _step(language, _day(3, 1), done, _day(2, 20))
    _step(language, _day(3, 1), done, _day(3, 1), partner=courses)
    _step(language, _day(4, 1), done, _day(4, 15), partner=courses)
    work = GoalFactory(agreement=a, area=Area.WORK)
    _step(work, _day(5, 1), StepStatus.IN_PROGRESS, partner=jobcenter)
    _step(work, _day(5, 1), StepStatus.POSTPONED, postponed_to=_day(7, 15))
    _step(work, _day(6, 1), StepStatus.CANCELLED, _day(4, 1), partner=jobcenter)
    _step(work, _day(6, 15), done, None)
    _step(work, _day(12, 15, 2025), done, _day(12, 1, 2025))  # due before the period
    _step(work, _day(7, 10), done, _day(6, 1))  # due after it

    old = _signed(centre, status=AgreementStatus.SUPERSEDED)
    b = SignedAgreementFactory(
        migrant=old.migrant,
        number=old.number,
        version=2,
        predecessor=old,
        signed_on=_day(4, 1),
    )
    old_goal = GoalFactory(agreement=old, area=Area.WORK)
    old_step = _step(old_goal, _day(5, 15), partner=jobcenter)
    new_goal = GoalFactory(agreement=b, area=Area.WORK, key=old_goal.key)
    _step(new_goal, _day(5, 15), done, _day(5, 10), partner=jobcenter, key=old_step.key)

    d = _signed(centre, status=AgreementStatus.COMPLETED, ended_on=_day(6, 1))
    _step(GoalFactory(agreement=d, area=Area.EDUCATION), _day(2, 1))

    draft = AgreementFactory(migrant=MigrantFactory(centre=centre))
    _step(GoalFactory(agreement=draft), _day(3, 1), done, _day(2, 1))
    elsewhere = _signed(other_centre)
    _step(GoalFactory(agreement=elsewhere), _day(3, 1), done, _day(2, 1))
    return {"a": a, "b": b, "d": d, "elsewhere": elsewhere}


def _counts(table, row):
    columns = ["on_time", "late", "not_done", "cancelled", "due"]
    return [table.cell(row, column).count for column in columns]


def test_steps_done_on_time_by_area_partner_kind_and_overall(steps, centre):
    result = evaluation(centres=[centre], date_from=START, date_to=END)
    by_area, by_partner = result.steps_by_area, result.steps_by_partner

    assert _counts(by_area, "total") == [3, 2, 3, 1, 9]
    assert _counts(by_area, Area.LANGUAGE) == [2, 1, 0, 0, 3]
    assert _counts(by_area, Area.WORK) == [1, 1, 2, 1, 5]
    assert _counts(by_area, Area.EDUCATION) == [0, 0, 1, 0, 1]
    assert _counts(by_area, Area.HOUSING) == [0, 0, 0, 0, 0]

    assert _counts(by_partner, "total") == [3, 2, 3, 1, 9]
    assert _counts(by_partner, "none") == [1, 1, 2, 0, 4]
    assert _counts(by_partner, PartnerKind.COURSE_PROVIDER) == [1, 1, 0, 0, 2]
    assert _counts(by_partner, PartnerKind.JOBCENTER) == [1, 0, 1, 1, 3]

    # Shares of the steps not cancelled: 3 of 8 on time, 5 of 8 done at all.
    assert by_area.share("total", "on_time_share").value == pytest.approx(3 / 8)
    assert by_area.share("total", "done_share").value == pytest.approx(5 / 8)
    assert by_area.share(Area.LANGUAGE, "on_time_share").value == pytest.approx(2 / 3)
    assert by_partner.share(PartnerKind.JOBCENTER, "on_time_share").value == pytest.approx(1 / 2)
    assert by_area.share(Area.HOUSING, "on_time_share").value is None

    # People behind the figures, for suppression: A, B and D; on time A and B.
    assert by_area.cell("total", "due").people == 3
    assert by_area.cell("total", "on_time").people == 2
    assert by_area.cell(Area.WORK, "due").people == 2


def test_the_clients_ratings_are_counted_per_review_held_in_the_period(steps, centre):
    a, b, d = steps["a"], steps["b"], steps["d"]
    ReviewFactory(agreement=a, held_on=_day(3, 1), client_rating=5)
    ReviewFactory(agreement=a, held_on=_day(6, 1), client_rating=5, client_wish="mehr Zeit")
    ReviewFactory(agreement=b, held_on=_day(5, 1), client_rating=4)
    ReviewFactory(agreement=d, held_on=_day(5, 20), client_rating=None)
    ReviewFactory(agreement=a, held_on=_day(12, 1, 2025), client_rating=1)  # before
    ReviewFactory(agreement=steps["elsewhere"], held_on=_day(3, 1), client_rating=2)

    ratings = evaluation(centres=[centre], date_from=START, date_to=END).ratings
    counts = {row: ratings.cell(row, "reviews").count for row, _label in ratings.rows}
    assert counts == {
        "5": 2,
        "4": 1,
        "3": 0,
        "2": 0,
        "1": 0,
        "answered": 3,
        "none": 1,
        "total": 4,
        "mean": 4.7,  # (5 + 5 + 4) / 3
    }
    assert ratings.share("5", "share").value == pytest.approx(2 / 3)
    assert ratings.cell("5", "reviews").people == 1
    assert ratings.cell("total", "reviews").people == 3
    # Three people: every figure about them is suppressed, on the page as well.
    assert ratings.cell("5", "reviews").suppressed
    assert ratings.cell("mean", "reviews").suppressed
    assert not ratings.cell("3", "reviews").suppressed  # nought reveals nobody


def _rated_people(centre, ratings):
    for rating in ratings:
        ReviewFactory(agreement=_signed(centre), held_on=_day(5, 1), client_rating=rating)


def test_ratings_of_few_people_and_the_cells_revealing_them_are_suppressed_on_the_page(
    client, centre
):
    # 6 people answer 5, 1 answers 1, 5 give no answer.
    _rated_people(centre, [5] * 6 + [1] + [None] * 5)
    client.force_login(supervisor_of(centre))
    page = client.get(
        reverse("agreements:evaluation"),
        {"date_from": START.isoformat(), "date_to": END.isoformat(), "centres": centre.pk},
    ).content.decode()

    def shown(row):
        start = page.index(f'data-cell="{row}:reviews">') + len(f'data-cell="{row}:reviews">')
        return page[start : page.index("<", start)]

    # The lone 1 is hidden, and with it the 6 (else 7 answers - 6 would reveal it).
    assert [shown(row) for row in ["5", "4", "3", "2", "1"]] == ["x", "0", "0", "0", "x"]
    assert [shown(row) for row in ["answered", "none", "total"]] == ["7", "5", "12"]
    assert shown("mean") == "4,4"  # (6 × 5 + 1) / 7, seven people
    assert 'id="note-steps_area"' in page and 'id="note-ratings"' in page
    assert "pünktlich erledigt" in page


def _many_steps_and_ratings(centre, count=6):
    for _ in range(count):
        agreement = _signed(centre)
        goal = GoalFactory(agreement=agreement, area=Area.LANGUAGE)
        _step(goal, _day(3, 1), StepStatus.DONE, _day(2, 1))
        _step(goal, _day(4, 1), StepStatus.DONE, _day(4, 20))
        _step(GoalFactory(agreement=agreement, area=Area.WORK), _day(5, 1))
        ReviewFactory(agreement=agreement, held_on=_day(5, 1), client_rating=4)
    # one person alone: a step not done in housing, and a rating of 1
    lone = _signed(centre)
    _step(GoalFactory(agreement=lone, area=Area.HOUSING), _day(5, 1))
    ReviewFactory(agreement=lone, held_on=_day(5, 1), client_rating=1)


def _export(client, centre, fmt):
    client.force_login(supervisor_of(centre))
    return client.post(
        reverse("agreements:evaluation-export"),
        {
            "date_from": START.isoformat(),
            "date_to": END.isoformat(),
            "centres": [centre.pk],
            "format": fmt,
        },
    )


def test_the_csv_export_carries_step_and_rating_figures_with_suppression(client, centre):
    _many_steps_and_ratings(centre)
    response = _export(client, centre, "csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8"))))
    values = {(table, row, column): value for table, row, column, value, _note in rows[1:]}
    by_area = "Schritte nach Handlungsfeld"
    assert values[(by_area, "Deutsche Sprache", "pünktlich erledigt")] == "6"
    assert values[(by_area, "Deutsche Sprache", "verspätet erledigt")] == "6"
    assert values[(by_area, "Deutsche Sprache", "Alle fälligen Schritte")] == "12"
    share = "Anteil pünktlich erledigt (an nicht abgebrochenen Schritten) (%)"
    assert values[(by_area, "Deutsche Sprache", share)] == "50.0"
    # The one person's step in housing is suppressed, and work's six with it, else the
    # seven of all areas would reveal it.
    assert values[(by_area, "Wohnen", "nicht erledigt")] == ""
    assert values[(by_area, "Arbeit", "nicht erledigt")] == ""
    assert values[(by_area, "Alle Handlungsfelder", "nicht erledigt")] == "7"
    by_partner = "Schritte nach Partnerart"
    alone = "ohne Kooperationspartner (die Person oder die Beratungsstelle)"
    assert values[(by_partner, alone, "Alle fälligen Schritte")] == "19"
    assert values[(by_partner, alone, "nicht erledigt")] == "7"
    ratings = "Einschätzung der Klient/innen"
    # The lone 1 is hidden, and the 6 with it (else 7 answers - 6 would reveal it).
    assert values[(ratings, "4 – viel", "Überprüfungen")] == ""
    assert values[(ratings, "1 – gar nicht", "Überprüfungen")] == ""
    assert values[(ratings, "5 – sehr viel", "Überprüfungen")] == "0"
    assert values[(ratings, "4 – viel", "Anteil an den Antworten (%)")] == ""
    assert values[(ratings, "Überprüfungen mit Antwort", "Überprüfungen")] == "7"
    assert values[(ratings, "Mittelwert der Antworten (1 bis 5)", "Überprüfungen")] == "3.6"
    about = [row for row in rows if row[1] == by_area]
    assert about and "vereinbartes Fälligkeitsdatum" in about[0][3]


def test_the_xlsx_export_has_a_sheet_per_new_table_with_suppression_marks(client, centre):
    _many_steps_and_ratings(centre)
    workbook = load_workbook(io.BytesIO(_export(client, centre, "xlsx").getvalue()))
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}
    ratings = sheets["Einschätzung der Klient innen"]
    assert ("4 – viel", "x", "x") in ratings
    assert ("Überprüfungen mit Antwort", 7, None) in ratings
    assert ("1 – gar nicht", "x", "x") in ratings
    by_area = sheets["Schritte nach Handlungsfeld"]
    language = next(row for row in by_area if row[0] == "Deutsche Sprache")
    assert language[:6] == ("Deutsche Sprache", 6, 6, 0, 0, 12)
    assert len(sheets) == 8


def test_progress_on_a_signed_step_counts_the_figures_anew(steps, centre, counsellor):
    from agreements.models import Step
    from agreements.services.drafting import update_step

    evaluation(centres=[centre], date_from=START, date_to=END)
    assert EvaluationFigures.objects.filter(centre=centre).exists()
    open_step = Step.objects.get(goal__agreement=steps["d"])
    open_step.status, open_step.status_on = StepStatus.DONE, _day(1, 20)
    open_step.save()
    assert not EvaluationFigures.objects.filter(centre=centre).exists()
    result = evaluation(centres=[centre], date_from=START, date_to=END)
    assert _counts(result.steps_by_area, "total") == [4, 2, 2, 1, 9]

    # A draft's step changes no figure and is saved without looking for any.
    draft_step = Step.objects.select_related("goal__agreement").get(
        goal__agreement__status=AgreementStatus.DRAFT, goal__agreement__centre=centre
    )
    update_step(
        user=counsellor,
        step=draft_step,
        values={"description": "Kurs gebucht"},
        expected_revision=draft_step.revision,
    )
    assert EvaluationFigures.objects.filter(centre=centre).exists()


def test_figures_kept_before_the_step_and_rating_figures_are_counted_anew(steps, centre):
    evaluation(centres=[centre], date_from=START, date_to=END)
    kept = EvaluationFigures.objects.get(centre=centre)
    kept.figures = {key: value for key, value in kept.figures.items() if key != "version"}
    kept.save()
    result = evaluation(centres=[centre], date_from=START, date_to=END)
    assert result.as_of is None
    assert result.steps_by_area.cell("total", "due").count == 9
    again = evaluation(centres=[centre], date_from=START, date_to=END)
    assert again.as_of is not None
    assert "version" not in again.steps_by_area.cells
    assert again.steps_by_area.cell("total", "due").count == 9
