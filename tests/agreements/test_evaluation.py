"""The evaluation report: shares on a hand-built data set, small-cell suppression, and a
pseudonymised, logged export."""

import csv
import datetime
import io
import itertools

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.enums import AgreementStatus, HurdleCategory, ReviewOutcome
from agreements.services.reports import evaluation
from agreements.services.reports.tables import Cell, Table
from people.enums import AccessAction
from people.models import AccessLog
from sites.enums import Area
from tests.factories import (
    GoalFactory,
    GoalOutcomeFactory,
    MigrantFactory,
    ReviewFactory,
    SignedAgreementFactory,
    counsellor_of,
    supervisor_of,
)

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def _signed(centre, *, signed_on, intake_days=30, version=1, migrant=None, **kwargs):
    migrant = migrant or MigrantFactory(
        centre=centre, intake_on=signed_on - datetime.timedelta(days=intake_days)
    )
    return SignedAgreementFactory(
        migrant=migrant,
        centre=centre,
        signed_on=signed_on,
        version=version,
        number=kwargs.pop("number", f"{migrant.case_number}-IV"),
        **kwargs,
    )


@pytest.fixture
def data(centre, other_centre):
    """Three agreements signed in the period (10, 20 and 30 days after intake), one before
    it, one amendment; four reviews; goals in two areas; one centre not chosen."""
    a = _signed(centre, signed_on=datetime.date(2026, 1, 10), intake_days=10)
    b = _signed(centre, signed_on=datetime.date(2026, 2, 10), intake_days=20)
    c = _signed(centre, signed_on=datetime.date(2026, 3, 10), intake_days=30)
    _signed(centre, signed_on=datetime.date(2025, 12, 1), intake_days=5)  # before
    c.status = AgreementStatus.SUPERSEDED
    c.save()
    amended = _signed(
        centre,
        signed_on=datetime.date(2026, 4, 1),
        version=2,
        migrant=c.migrant,
        number=c.number,
        predecessor=c,
        status=AgreementStatus.ACTIVE,
    )
    _signed(other_centre, signed_on=datetime.date(2026, 2, 1))  # not chosen

    def review(agreement, held_on, due_on, categories=()):
        return ReviewFactory(
            agreement=agreement,
            held_on=held_on,
            due_on=due_on,
            hurdle_categories=list(categories),
        )

    on_time = review(
        a,
        datetime.date(2026, 4, 10),
        datetime.date(2026, 4, 10),
        [HurdleCategory.COURSE_WAITING_LIST, HurdleCategory.MONEY],
    )
    tolerated = review(
        b, datetime.date(2026, 5, 24), datetime.date(2026, 5, 10), [HurdleCategory.MONEY]
    )
    late = review(c, datetime.date(2026, 3, 26), datetime.date(2026, 3, 10))
    undated = review(amended, datetime.date(2026, 6, 1), None)
    review(a, datetime.date(2025, 12, 20), datetime.date(2025, 12, 20))  # before

    language_a = GoalFactory(agreement=a, area=Area.LANGUAGE)
    language_b = GoalFactory(agreement=b, area=Area.LANGUAGE)
    work_c = GoalFactory(agreement=c, area=Area.WORK)
    work_amended = GoalFactory(agreement=amended, area=Area.WORK, key=work_c.key)
    work_a = GoalFactory(agreement=a, area=Area.WORK)

    GoalOutcomeFactory(review=on_time, goal=language_a, outcome=ReviewOutcome.ACHIEVED)
    GoalOutcomeFactory(review=on_time, goal=work_a, outcome=ReviewOutcome.PARTLY_ACHIEVED)
    GoalOutcomeFactory(review=tolerated, goal=language_b, outcome=ReviewOutcome.NOT_ACHIEVED)
    # the same goal in two versions: only its latest outcome in the period counts
    GoalOutcomeFactory(review=late, goal=work_c, outcome=ReviewOutcome.IN_PROGRESS)
    GoalOutcomeFactory(review=undated, goal=work_amended, outcome=ReviewOutcome.ACHIEVED)
    # still in progress: counted, but not judged yet
    GoalOutcomeFactory(
        review=late,
        goal=GoalFactory(agreement=c, area=Area.LANGUAGE),
        outcome=ReviewOutcome.IN_PROGRESS,
    )
    return {"a": a, "b": b, "c": c}


def test_the_reports_figures_and_shares_on_a_small_data_set(data, centre):
    result = evaluation(centres=[centre], date_from=START, date_to=END)
    assert result.figure("agreements_signed") == 3
    assert result.figure("amendments_signed") == 1
    assert result.figure("days_to_signature") == 20.0
    assert result.figure("reviews_held") == 4
    assert result.figure("reviews_dated") == 3
    assert result.figure("reviews_on_time") == 2  # on the day, and 14 days late
    assert result.figure("reviews_late") == 1
    assert result.on_time_share == pytest.approx(2 / 3)

    goals = result.goals
    assert goals.cell(Area.LANGUAGE, ReviewOutcome.ACHIEVED).count == 1
    assert goals.cell(Area.LANGUAGE, ReviewOutcome.NOT_ACHIEVED).count == 1
    assert goals.cell(Area.WORK, ReviewOutcome.ACHIEVED).count == 1
    assert goals.cell(Area.WORK, ReviewOutcome.PARTLY_ACHIEVED).count == 1
    assert goals.cell(Area.WORK, ReviewOutcome.IN_PROGRESS).count == 0
    assert goals.cell(Area.LANGUAGE, ReviewOutcome.IN_PROGRESS).count == 1
    assert goals.cell("total", "total").count == 5
    assert goals.cell("total", ReviewOutcome.ACHIEVED).count == 2
    # of the goals concluded: language 1 of 2, all areas 2 of 4
    assert result.achieved_share(Area.LANGUAGE) == pytest.approx(0.5)
    assert result.achieved_share() == pytest.approx(0.5)
    assert goals.share(Area.WORK, "at_least_partly").value == pytest.approx(1.0)

    hurdles = result.hurdles
    assert hurdles.cell(HurdleCategory.MONEY, "reviews").count == 2
    assert hurdles.cell(HurdleCategory.COURSE_WAITING_LIST, "reviews").count == 1
    assert hurdles.cell(HurdleCategory.HOUSING, "reviews").count == 0
    assert hurdles.share(HurdleCategory.MONEY, "share").value == pytest.approx(0.5)


def test_people_by_age_band_and_nationality_group(centre):
    born = {"under_18": 2010, "18_26": 2003, "27_39": 1990, "40_54": 1980, "55_plus": 1960}
    for nationality in ["SY", "UA", "DE", "AF", "ER", "BR", ""]:
        for year in born.values():
            migrant = MigrantFactory(
                centre=centre, nationality=nationality, date_of_birth=datetime.date(year, 3, 1)
            )
            _signed(centre, migrant=migrant, signed_on=datetime.date(2026, 2, 1))
    _signed(
        centre,
        migrant=MigrantFactory(centre=centre, date_of_birth=None),
        signed_on=datetime.date(2026, 2, 1),
    )
    people = evaluation(centres=[centre], date_from=START, date_to=END).people
    for band in born:
        for group in ["mena", "europe_other", "eu", "asia", "africa", "other", "unknown"]:
            assert people.cell(band, group).count == 1, (band, group)
    assert people.cell("unknown", "mena").count == 1  # the factory's nationality is SY
    assert people.cell("total", "total").count == 36


def test_small_cells_and_the_cells_that_would_reveal_them_are_suppressed():
    table = Table(
        key="t",
        title="t",
        row_title="r",
        columns=[("a", "A"), ("b", "B"), ("c", "C")],
        rows=[("x", "X"), ("y", "Y")],
    )
    counts = {("x", "a"): 3, ("x", "b"): 20, ("x", "c"): 12, ("y", "a"): 9, ("y", "b"): 0}
    counts[("y", "c")] = 40
    table.cells = {key: Cell(n, n) for key, n in counts.items()}
    table.add_totals(("total", "Total"), ("total", "Total"))
    table.suppress()
    hidden = {key for key, cell in table.cells.items() if cell.suppressed}
    # 3 is small; in its row the next smallest (12), in its column the other (9); then
    # row y has 9 hidden and needs a partner (40, as 0 reveals nothing); column c then
    # has 12 and 40 hidden: two, so nothing more.
    assert hidden == {("x", "a"), ("x", "c"), ("y", "a"), ("y", "c")}
    assert not table.cell("total", "total").suppressed
    for parts, total in table.lines:
        members = [*parts, total]
        assert sum(1 for key in members if key in hidden) != 1, (parts, total)


def _export(client, centre, fmt):
    return client.post(
        reverse("agreements:evaluation-export"),
        {
            "date_from": START.isoformat(),
            "date_to": END.isoformat(),
            "centres": [centre.pk],
            "format": fmt,
        },
    )


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8"))))


def test_an_export_of_few_people_suppresses_every_small_figure(supervisor_client, data, centre):
    response = _export(supervisor_client, centre, "csv")
    assert response.status_code == 200
    rows = _csv_rows(response)
    header, *body = rows
    assert len(header) == 5
    figures = [row for row in body if row[0] != body[0][0]]  # skip "about" rows
    assert figures
    suppressed = 0
    for _table, row, column, value, note in figures:
        # Three people signed: no figure about them may be published.
        assert value in ("", "0"), f"published a figure of fewer than five people: {row} {column}"
        if note:
            assert value == ""
            suppressed += 1
    assert suppressed > 10


_numbers = itertools.count()


def _many_people(centre, count=12):
    for index in (next(_numbers) for _ in range(count)):
        agreement = _signed(
            centre,
            signed_on=datetime.date(2026, 2, 1),
            migrant=MigrantFactory(
                centre=centre,
                first_name=f"Vorname{index}",
                last_name=f"Nachname{index}",
                case_number=f"EXP-2026-{index:04d}",
                intake_on=datetime.date(2026, 1, 1),
            ),
        )
        review = ReviewFactory(
            agreement=agreement,
            held_on=datetime.date(2026, 5, 1),
            due_on=datetime.date(2026, 5, 1),
            hurdle_categories=[HurdleCategory.MONEY],
            successes=f"Nachname{index} hat den Kurs bestanden",
        )
        GoalOutcomeFactory(
            review=review,
            goal=GoalFactory(agreement=agreement, text=f"Ziel von Vorname{index}"),
            outcome=ReviewOutcome.ACHIEVED,
        )


def test_large_enough_figures_are_published(supervisor_client, centre):
    _many_people(centre)
    rows = _csv_rows(_export(supervisor_client, centre, "csv"))
    values = {(row[1], row[2]): row[3] for row in rows[1:]}
    published = [v for v in values.values() if v not in ("", "0")]
    assert "12" in published  # signed agreements, reviews, goals achieved …
    assert "100" in published or "100.0" in published  # share on time / achieved


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_name_or_case_number_anywhere_in_an_export(supervisor_client, centre, fmt):
    _many_people(centre)
    response = _export(supervisor_client, centre, fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="evaluation_2026-01-01_2026-06-30.{fmt}"'
    )
    if fmt == "csv":
        text = response.getvalue().decode("utf-8")
    else:
        workbook = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
        text = "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        assert len(workbook.worksheets) == 8
    for forbidden in ["Vorname", "Nachname", "EXP-2026", "-IV", "Kurs bestanden", "Ziel von"]:
        assert forbidden not in text, forbidden
    assert "12" in text


def test_each_export_is_logged_once_per_centre(client, centre):
    second = MigrantFactory().centre
    lead = supervisor_of(centre)
    supervisor_of(second, user=lead)
    client.force_login(lead)
    response = client.post(
        reverse("agreements:evaluation-export"),
        {
            "date_from": START.isoformat(),
            "date_to": END.isoformat(),
            "centres": [centre.pk, second.pk],
            "format": "xlsx",
        },
    )
    assert response.status_code == 200
    assert sorted(AccessLog.objects.values_list("user", "centre", "migrant", "action")) == sorted(
        [
            (lead.pk, centre.pk, None, AccessAction.EXPORT),
            (lead.pk, second.pk, None, AccessAction.EXPORT),
        ]
    )


def test_an_unsupervised_centre_cannot_be_chosen(supervisor_client, other_centre):
    response = _export(supervisor_client, other_centre, "csv")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["centres"]
    assert AccessLog.objects.count() == 0
    page = supervisor_client.get(
        reverse("agreements:evaluation"),
        {"date_from": "2026-01-01", "date_to": "2026-06-30", "centres": other_centre.pk},
    )
    assert page.status_code == 400


def test_a_get_request_never_exports(supervisor_client):
    assert supervisor_client.get(reverse("agreements:evaluation-export")).status_code == 405
    assert AccessLog.objects.count() == 0


def test_the_report_page_opens_with_the_last_twelve_months_counted(supervisor_client, data):
    response = supervisor_client.get(reverse("agreements:evaluation"))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.date_to - result.date_from > datetime.timedelta(days=330)
    body = response.content.decode()
    assert 'id="evaluation-goals"' in body and 'id="export-form"' in body


def test_the_report_costs_the_same_queries_for_few_and_many_people(
    client, centre, django_assert_num_queries
):
    lead = supervisor_of(centre)
    client.force_login(lead)
    params = {"date_from": START.isoformat(), "date_to": END.isoformat(), "centres": centre.pk}
    url = reverse("agreements:evaluation")
    # session, user, memberships, kept figures; agreements, reviews with hurdles and
    # ratings, goal outcomes, their people per area and outcome, steps due by area and
    # partner kind (one union), people by age and nationality; the figures kept (in a
    # savepoint); savepoints around the view
    counting, kept = 15, 6
    _many_people(centre, count=1)
    with django_assert_num_queries(counting):
        client.get(url, params)
    with django_assert_num_queries(kept):
        client.get(url, params)
    _many_people(centre, count=25)
    counsellor_of(centre)
    with django_assert_num_queries(counting):
        response = client.get(url, params)
    assert response.context["result"].figure("agreements_signed") == 26
    with django_assert_num_queries(kept):
        response = client.get(url, params)
    assert response.context["result"].figure("agreements_signed") == 26


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_costs_the_same_queries_for_few_and_many_people(
    client, centre, fmt, django_assert_num_queries
):
    lead = supervisor_of(centre)
    client.force_login(lead)
    # session, user, memberships, kept figures; the access log rows (one insert for all
    # centres) in a savepoint; savepoints around the view. Counting anew adds the report's
    # six queries and keeping the figures (three with its savepoint).
    counting, kept = 18, 9
    _many_people(centre, count=1)
    with django_assert_num_queries(counting):
        _export(client, centre, fmt)
    with django_assert_num_queries(kept):
        _export(client, centre, fmt)
    _many_people(centre, count=25)
    with django_assert_num_queries(counting):
        assert _export(client, centre, fmt).status_code == 200
    with django_assert_num_queries(kept):
        assert _export(client, centre, fmt).status_code == 200


def test_a_centre_name_cannot_smuggle_a_formula_into_the_export(supervisor_client, centre):
    centre.name = '=HYPERLINK("http://evil.example")'
    centre.save()
    rows = _csv_rows(_export(supervisor_client, centre, "csv"))
    names = [row[3] for row in rows if "evil" in row[3]]
    assert names == ['\'=HYPERLINK("http://evil.example")']


def test_the_centre_choice_accepts_the_offered_centres_only(centre, other_centre):
    from agreements.forms.reviews import EvaluationForm

    def form(chosen, offered):
        data = {"date_from": "2026-01-01", "date_to": "2026-06-30", "centres": chosen}
        return EvaluationForm(data, centres=offered)

    both = form([str(centre.pk), str(other_centre.pk)], [centre, other_centre])
    one = form([str(centre.pk), str(other_centre.pk)], [centre])

    assert both.is_valid()
    assert both.selected_centres() == [centre, other_centre]
    assert not one.is_valid()
    assert list(one.errors) == ["centres"]
    assert not form(["x"], [centre]).is_valid()
