"""The evaluation report: the model project's figures for any period and set of centres.

Five queries whatever the size: agreements, reviews (with hurdles), goal outcomes, their
distinct people per area and outcome, and people by age band and nationality group.
Every figure carries the number of different people behind it, for suppression on export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.enums import AgreementStatus, HurdleCategory, ReviewOutcome
from agreements.models import Agreement, GoalOutcome, Review
from agreements.services.drafting import add_months
from agreements.services.reports.tables import Cell, Share, Table
from sites.enums import Area
from sites.models import CounsellingCentre

# A review held up to two weeks after its date still counts as held on time: reviews are
# arranged with people and partners, and a week's shift is part of the job.
ON_TIME_TOLERANCE_DAYS = 14

# (code, label, lowest age, first age of the next band)
AGE_BANDS = [
    ("under_18", gettext_lazy("under 18"), 0, 18),
    ("18_26", gettext_lazy("18 to 26"), 18, 27),
    ("27_39", gettext_lazy("27 to 39"), 27, 40),
    ("40_54", gettext_lazy("40 to 54"), 40, 55),
    ("55_plus", gettext_lazy("55 and over"), 55, None),
]
UNKNOWN = "unknown"

# Nationalities in a few world regions: single nationalities would single people out in
# small centres. ISO 3166 codes as django-countries stores them.
NATIONALITY_GROUPS = [
    (
        "eu",
        gettext_lazy("EU, EEA and Switzerland"),
        "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
        "IS LI NO CH",
    ),
    (
        "europe_other",
        gettext_lazy("Other Europe (incl. Turkey, Ukraine, Russia)"),
        "AL AD AM AZ BA BY GB GE XK MD MC ME MK RU SM RS TR UA VA",
    ),
    (
        "mena",
        gettext_lazy("Near and Middle East, North Africa"),
        "DZ BH EG IR IQ IL JO KW LB LY MA OM PS QA SA SY TN AE YE EH",
    ),
    (
        "asia",
        gettext_lazy("Other Asia (incl. Afghanistan)"),
        "AF BD BT BN KH CN IN ID JP KZ KG LA MY MV MN MM NP KP KR PK PH LK SG TW TJ TH TL TM "
        "UZ VN HK MO",
    ),
    (
        "africa",
        gettext_lazy("Africa south of the Sahara"),
        "AO BJ BW BF BI CV CM CF TD KM CD CG CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW "
        "ML MR MU MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG UG ZM ZW",
    ),
]
CONCLUDED = [o for o in ReviewOutcome.values if o != ReviewOutcome.IN_PROGRESS]

OTHER_NATIONALITY = ("other", gettext_lazy("Americas, Oceania, other"))


def age_band_expression(born_path: str, on: datetime.date) -> Case:
    """The age band on a given day, computed by the database from the date of birth."""
    whens = [When(**{f"{born_path}__isnull": True}, then=Value(UNKNOWN))]
    for code, _label, _low, upper in AGE_BANDS:
        if upper is None:
            whens.append(When(**{f"{born_path}__isnull": False}, then=Value(code)))
        else:
            # Younger than `upper` on `on` means born after the day `upper` years earlier.
            whens.append(
                When(**{f"{born_path}__gt": add_months(on, -12 * upper)}, then=Value(code))
            )
    return Case(*whens, default=Value(UNKNOWN), output_field=CharField())


def nationality_group_expression(path: str) -> Case:
    whens = [When(**{path: ""}, then=Value(UNKNOWN))]
    whens += [
        When(**{f"{path}__in": codes.split()}, then=Value(code))
        for code, _label, codes in NATIONALITY_GROUPS
    ]
    return Case(*whens, default=Value(OTHER_NATIONALITY[0]), output_field=CharField())


def _days(duration: datetime.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


@dataclass
class Evaluation:
    date_from: datetime.date
    date_to: datetime.date
    centres: list[CounsellingCentre]
    summary: Table
    goals: Table
    hurdles: Table
    people: Table

    def tables(self) -> list[Table]:
        return [self.summary, self.goals, self.hurdles, self.people]

    def figure(self, row: str) -> float | None:
        return self.summary.cell(row, "value").count

    @property
    def on_time_share(self) -> float | None:
        return self.summary.share("reviews_on_time", "share").value

    def achieved_share(self, area: str | None = None) -> float | None:
        return self.goals.share(area or "total", "achieved").value


def _summary(centre_ids: list[int], date_from, date_to, reviews: dict) -> Table:
    period = (date_from, date_to)
    signed = Q(signed_on__range=period)
    first = signed & Q(version=1)
    intake_known = first & Q(migrant__intake_on__lte=F("signed_on"))
    completed = Q(status=AgreementStatus.COMPLETED, ended_on__range=period)
    ended = Q(status=AgreementStatus.ENDED_EARLY, ended_on__range=period)
    migrant = "migrant"
    agreements = Agreement.objects.filter(centre_id__in=centre_ids).aggregate(
        signed=Count("pk", filter=first),
        signed_people=Count(migrant, distinct=True, filter=first),
        amended=Count("pk", filter=signed & Q(version__gt=1)),
        amended_people=Count(migrant, distinct=True, filter=signed & Q(version__gt=1)),
        completed=Count("pk", filter=completed),
        completed_people=Count(migrant, distinct=True, filter=completed),
        ended=Count("pk", filter=ended),
        ended_people=Count(migrant, distinct=True, filter=ended),
        days=Avg(
            ExpressionWrapper(F("signed_on") - F("migrant__intake_on"), DurationField()),
            filter=intake_known,
        ),
        days_people=Count(migrant, distinct=True, filter=intake_known),
    )
    table = Table(
        key="summary",
        title=_("Overview"),
        row_title=_("Figure"),
        columns=[("value", _("Count"))],
    )
    rows = [
        ("agreements_signed", _("Agreements signed"), "signed"),
        ("amendments_signed", _("Amendments signed"), "amended"),
        ("agreements_completed", _("Agreements completed"), "completed"),
        ("agreements_ended_early", _("Agreements ended early"), "ended"),
    ]
    for code, label, name in rows:
        table.rows.append((code, label))
        table.cells[(code, "value")] = Cell(agreements[name], agreements[f"{name}_people"])
    for code, label, name in [
        ("reviews_held", _("Reviews held"), "held"),
        ("reviews_dated", _("Reviews that had a due date"), "dated"),
        (
            "reviews_on_time",
            _("… held on time (at most %(days)s days after the date due)")
            % {"days": ON_TIME_TOLERANCE_DAYS},
            "on_time",
        ),
        ("reviews_late", _("… held later"), "late"),
    ]:
        table.rows.append((code, label))
        table.cells[(code, "value")] = Cell(reviews[name], reviews[f"{name}_people"])
    table.rows.append(("days_to_signature", _("Average days from intake to signature")))
    table.cells[("days_to_signature", "value")] = Cell(
        _days(agreements["days"]), agreements["days_people"]
    )
    table.lines.append(
        ([("reviews_on_time", "value"), ("reviews_late", "value")], ("reviews_dated", "value"))
    )
    table.share_columns = [("share", _("Share"))]
    dated = [table.cell("reviews_dated", "value")]
    table.shares[("reviews_on_time", "share")] = Share(
        [table.cell("reviews_on_time", "value")], dated
    )
    table.shares[("reviews_late", "share")] = Share([table.cell("reviews_late", "value")], dated)
    return table


def _reviews(centre_ids: list[int], date_from, date_to) -> dict:
    tolerance = datetime.timedelta(days=ON_TIME_TOLERANCE_DAYS)
    dated = Q(due_on__isnull=False)
    on_time = dated & Q(lateness__lte=tolerance)
    late = dated & Q(lateness__gt=tolerance)
    person = "agreement__migrant"
    counts = {
        "held": Count("pk"),
        "held_people": Count(person, distinct=True),
        "dated": Count("pk", filter=dated),
        "dated_people": Count(person, distinct=True, filter=dated),
        "on_time": Count("pk", filter=on_time),
        "on_time_people": Count(person, distinct=True, filter=on_time),
        "late": Count("pk", filter=late),
        "late_people": Count(person, distinct=True, filter=late),
    }
    for code in HurdleCategory.values:
        # The JSON text of the list contains the quoted code; portable across databases.
        named = Q(hurdle_categories__icontains=f'"{code}"')
        counts[f"hurdle_{code}"] = Count("pk", filter=named)
        counts[f"hurdle_{code}_people"] = Count(person, distinct=True, filter=named)
    return (
        Review.objects.filter(
            agreement__centre_id__in=centre_ids, held_on__range=(date_from, date_to)
        )
        .annotate(lateness=ExpressionWrapper(F("held_on") - F("due_on"), DurationField()))
        .aggregate(**counts)
    )


def _hurdles(reviews: dict, reviews_held: Cell) -> Table:
    table = Table(
        key="hurdles",
        title=_("Hurdles by kind"),
        row_title=_("Kind of hurdle"),
        columns=[("reviews", _("Reviews naming it"))],
        share_columns=[("share", _("Share of reviews"))],
    )
    for code, label in HurdleCategory.choices:
        table.rows.append((code, str(label)))
        cell = Cell(reviews[f"hurdle_{code}"], reviews[f"hurdle_{code}_people"])
        table.cells[(code, "reviews")] = cell
        table.shares[(code, "share")] = Share([cell], [reviews_held])
    return table


def _latest_outcomes(centre_ids: list[int], date_from, date_to):
    """Each goal's last outcome within the period (goals keep their key across versions)."""
    ranked = GoalOutcome.objects.filter(
        review__agreement__centre_id__in=centre_ids,
        review__held_on__range=(date_from, date_to),
    ).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("goal__key")],
            order_by=[F("review__held_on").desc(), F("review_id").desc()],
        )
    )
    return GoalOutcome.objects.filter(pk__in=ranked.filter(rank=1).values("pk"))


def _goals(centre_ids: list[int], date_from, date_to) -> Table:
    latest = _latest_outcomes(centre_ids, date_from, date_to)
    person = "review__agreement__migrant"
    table = Table(
        key="goals",
        title=_("Goals by area and outcome"),
        row_title=_("Area"),
        columns=[(code, str(label)) for code, label in ReviewOutcome.choices],
        rows=[(code, str(label)) for code, label in Area.choices],
    )
    for row in (
        latest.values("goal__area", "outcome")
        .annotate(goals=Count("pk"), people=Count(person, distinct=True))
        .order_by()
    ):
        if row["goal__area"] in Area.values:
            table.cells[(row["goal__area"], row["outcome"])] = Cell(row["goals"], row["people"])
    for area in Area.values:
        for outcome in ReviewOutcome.values:
            table.cells.setdefault((area, outcome), Cell(0, 0))
    # One person can have several goals in an area: the totals' people are counted apart.
    margins = latest.aggregate(
        total=Count(person, distinct=True),
        **{
            f"area_{area}": Count(person, distinct=True, filter=Q(goal__area=area))
            for area in Area.values
        },
        **{
            f"outcome_{outcome}": Count(person, distinct=True, filter=Q(outcome=outcome))
            for outcome in ReviewOutcome.values
        },
    )
    people = {("total", "total"): margins["total"]}
    people.update({(area, "total"): margins[f"area_{area}"] for area in Area.values})
    people.update(
        {("total", outcome): margins[f"outcome_{outcome}"] for outcome in ReviewOutcome.values}
    )
    table.add_totals(("total", _("All areas")), ("total", _("All goals")), people=people)
    # Attainment is measured on the goals that have come to an end; goals still in
    # progress are counted in the table but not yet judged.
    table.share_columns = [
        ("achieved", _("Share achieved (of goals concluded)")),
        ("at_least_partly", _("Share achieved at least partly (of goals concluded)")),
    ]
    for area, _label in table.rows:
        concluded = [table.cell(area, outcome) for outcome in CONCLUDED]
        achieved = table.cell(area, ReviewOutcome.ACHIEVED)
        partly = table.cell(area, ReviewOutcome.PARTLY_ACHIEVED)
        table.shares[(area, "achieved")] = Share([achieved], concluded)
        table.shares[(area, "at_least_partly")] = Share([achieved, partly], concluded)
    return table


def _people(centre_ids: list[int], date_from, date_to) -> Table:
    table = Table(
        key="people",
        title=_("People with an agreement signed in the period"),
        row_title=_("Age at the end of the period"),
        columns=[(code, str(label)) for code, label, _codes in NATIONALITY_GROUPS]
        + [(OTHER_NATIONALITY[0], str(OTHER_NATIONALITY[1])), (UNKNOWN, _("not recorded"))],
        rows=[(code, str(label)) for code, label, _low, _up in AGE_BANDS]
        + [(UNKNOWN, _("not recorded"))],
    )
    for row in (
        Agreement.objects.filter(
            centre_id__in=centre_ids, version=1, signed_on__range=(date_from, date_to)
        )
        .values(
            band=age_band_expression("migrant__date_of_birth", date_to),
            group=nationality_group_expression("migrant__nationality"),
        )
        .annotate(people=Count("migrant", distinct=True))
        .order_by()
    ):
        table.cells[(row["band"], row["group"])] = Cell(row["people"], row["people"])
    for band, _label in table.rows:
        for group, _label in table.columns:
            table.cells.setdefault((band, group), Cell(0, 0))
    table.add_totals(("total", _("All ages")), ("total", _("All nationalities")))
    return table


def evaluation(
    *, centres: Iterable[CounsellingCentre], date_from: datetime.date, date_to: datetime.date
) -> Evaluation:
    centres = list(centres)
    centre_ids = [c.pk for c in centres]
    reviews = _reviews(centre_ids, date_from, date_to)  # also counts the hurdles
    summary = _summary(centre_ids, date_from, date_to, reviews)
    hurdles = _hurdles(reviews, summary.cell("reviews_held", "value"))
    return Evaluation(
        date_from=date_from,
        date_to=date_to,
        centres=centres,
        summary=summary,
        goals=_goals(centre_ids, date_from, date_to),
        hurdles=hurdles,
        people=_people(centre_ids, date_from, date_to),
    )
