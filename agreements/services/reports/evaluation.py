"""The evaluation report: the model project's figures for any period and set of centres.

The figures are counted per centre (seven grouped queries whatever the size: agreements,
reviews with hurdles and the clients' ratings, goal outcomes, their distinct people per
area and outcome, steps due by area and partner kind (progress.py), and people by age
band and nationality group) into a flat dict of additive numbers. A person belongs to one
centre, so the figures of several centres are the sums of each centre's; that lets
`snapshots` keep each centre's figures and add them up instead of counting a whole
country again. Every figure carries the number of different people behind it, for
suppression on export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.enums import AgreementStatus, HurdleCategory, ReviewOutcome
from agreements.models import Agreement, GoalOutcome, Review
from agreements.services.lifecycle import add_months
from agreements.services.reports.progress import (
    rating_counts,
    ratings_table,
    step_figures,
    step_tables,
)
from agreements.services.reports.tables import Cell, Figures, Share, Table, add_figures
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


def default_evaluation_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, this one included."""
    return add_months(today.replace(day=1), -11), today


@dataclass
class Evaluation:
    date_from: datetime.date
    date_to: datetime.date
    centres: list[CounsellingCentre]
    summary: Table
    goals: Table
    steps_by_area: Table
    steps_by_partner: Table
    ratings: Table
    hurdles: Table
    people: Table
    # When the oldest of the centres' stored figures was counted; None: counted just now.
    as_of: datetime.datetime | None = None

    def tables(self) -> list[Table]:
        return [
            self.summary,
            self.goals,
            self.steps_by_area,
            self.steps_by_partner,
            self.ratings,
            self.hurdles,
            self.people,
        ]

    def figure(self, row: str) -> float | None:
        return self.summary.cell(row, "value").count

    @property
    def on_time_share(self) -> float | None:
        return self.summary.share("reviews_on_time", "share").value

    def achieved_share(self, area: str | None = None) -> float | None:
        return self.goals.share(area or "total", "achieved").value


# --- counting, grouped by centre -----------------------------------------------------------


def _agreement_figures(by_centre, centre_ids, date_from, date_to) -> None:
    period = (date_from, date_to)
    signed = Q(signed_on__range=period)
    first = signed & Q(version=1)
    intake_known = first & Q(migrant__intake_on__lte=F("signed_on"))
    completed = Q(status=AgreementStatus.COMPLETED, ended_on__range=period)
    # A draft ended unsigned with its case was never an agreement: not counted as ended.
    ended = Q(status=AgreementStatus.ENDED_EARLY, ended_on__range=period, signed_on__isnull=False)
    migrant = "migrant"
    rows = (
        Agreement.objects.filter(centre_id__in=centre_ids)
        .values("centre_id")
        .annotate(
            signed=Count("pk", filter=first),
            signed_people=Count(migrant, distinct=True, filter=first),
            amended=Count("pk", filter=signed & Q(version__gt=1)),
            amended_people=Count(migrant, distinct=True, filter=signed & Q(version__gt=1)),
            completed=Count("pk", filter=completed),
            completed_people=Count(migrant, distinct=True, filter=completed),
            ended=Count("pk", filter=ended),
            ended_people=Count(migrant, distinct=True, filter=ended),
            # A sum and a count rather than an average, so centres can be added up.
            days_total=Sum(
                ExpressionWrapper(F("signed_on") - F("migrant__intake_on"), DurationField()),
                filter=intake_known,
            ),
            days_signed=Count("pk", filter=intake_known),
            days_people=Count(migrant, distinct=True, filter=intake_known),
        )
        .order_by()
    )
    for row in rows:
        total = row.pop("days_total")
        row["days_total"] = total.total_seconds() / 86400 if total else 0
        add_figures(by_centre[row.pop("centre_id")], row)


def _review_figures(by_centre, centre_ids, date_from, date_to) -> None:
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
    counts.update(rating_counts(person))
    rows = (
        Review.objects.filter(
            agreement__centre_id__in=centre_ids, held_on__range=(date_from, date_to)
        )
        .annotate(lateness=ExpressionWrapper(F("held_on") - F("due_on"), DurationField()))
        .values(centre_id=F("agreement__centre_id"))
        .annotate(**counts)
        .order_by()
    )
    for row in rows:
        add_figures(by_centre[row.pop("centre_id")], row)


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


def _goal_figures(by_centre, centre_ids, date_from, date_to) -> None:
    latest = _latest_outcomes(centre_ids, date_from, date_to)
    person = "review__agreement__migrant"
    centre = F("review__agreement__centre_id")
    for row in (
        latest.values("goal__area", "outcome", centre_id=centre)
        .annotate(goals=Count("pk"), people=Count(person, distinct=True))
        .order_by()
    ):
        key = f"goal:{row['goal__area']}:{row['outcome']}"
        add_figures(by_centre[row["centre_id"]], {"": row["goals"], ":people": row["people"]}, key)
    # One person can have several goals in an area: the totals' people are counted apart.
    margins = {"total": Count(person, distinct=True)}
    margins.update(
        {f"area_{a}": Count(person, distinct=True, filter=Q(goal__area=a)) for a in Area.values}
    )
    margins.update(
        {
            f"outcome_{o}": Count(person, distinct=True, filter=Q(outcome=o))
            for o in ReviewOutcome.values
        }
    )
    for row in latest.values(centre_id=centre).annotate(**margins).order_by():
        add_figures(by_centre[row.pop("centre_id")], row, "goal_people:")


def _people_figures(by_centre, centre_ids, date_from, date_to) -> None:
    for row in (
        Agreement.objects.filter(
            centre_id__in=centre_ids, version=1, signed_on__range=(date_from, date_to)
        )
        .values(
            "centre_id",
            band=age_band_expression("migrant__date_of_birth", date_to),
            group=nationality_group_expression("migrant__nationality"),
        )
        .annotate(people=Count("migrant", distinct=True))
        .order_by()
    ):
        key = f"people:{row['band']}:{row['group']}"
        add_figures(by_centre[row["centre_id"]], {"": row["people"]}, key)


def figures_by_centre(
    centre_ids: list[int], date_from: datetime.date, date_to: datetime.date
) -> dict[int, Figures]:
    """Every centre's additive figures for the period; a centre without any is {}."""
    by_centre: dict[int, Figures] = {centre_id: {} for centre_id in centre_ids}
    if centre_ids:
        for count in (
            _agreement_figures,
            _review_figures,
            _goal_figures,
            step_figures,
            _people_figures,
        ):
            count(by_centre, centre_ids, date_from, date_to)
    return by_centre


def add_up(figures: Iterable[Figures]) -> Figures:
    total: Figures = {}
    for one in figures:
        add_figures(total, one)
    return total


# --- tables from the figures -----------------------------------------------------------------


def _summary(f: Figures) -> Table:
    table = Table(
        key="summary",
        title=_("Overview"),
        row_title=_("Figure"),
        columns=[("value", _("Count"))],
    )
    for code, label, name in [
        ("agreements_signed", _("Agreements signed"), "signed"),
        ("amendments_signed", _("Amendments signed"), "amended"),
        ("agreements_completed", _("Agreements completed"), "completed"),
        ("agreements_ended_early", _("Agreements ended early"), "ended"),
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
        table.cells[(code, "value")] = Cell(f.get(name, 0), f.get(f"{name}_people", 0))
    table.rows.append(("days_to_signature", _("Average days from intake to signature")))
    signed = f.get("days_signed", 0)
    average = round(f.get("days_total", 0) / signed, 1) if signed else None
    table.cells[("days_to_signature", "value")] = Cell(average, f.get("days_people", 0))
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


def _hurdles(f: Figures, reviews_held: Cell) -> Table:
    table = Table(
        key="hurdles",
        title=_("Hurdles by kind"),
        row_title=_("Kind of hurdle"),
        columns=[("reviews", _("Reviews naming it"))],
        share_columns=[("share", _("Share of reviews"))],
    )
    for code, label in HurdleCategory.choices:
        table.rows.append((code, str(label)))
        cell = Cell(f.get(f"hurdle_{code}", 0), f.get(f"hurdle_{code}_people", 0))
        table.cells[(code, "reviews")] = cell
        table.shares[(code, "share")] = Share([cell], [reviews_held])
    return table


def _goals(f: Figures) -> Table:
    table = Table(
        key="goals",
        title=_("Goals by area and outcome"),
        row_title=_("Area"),
        columns=[(code, str(label)) for code, label in ReviewOutcome.choices],
        rows=[(code, str(label)) for code, label in Area.choices],
    )
    for area in Area.values:
        for outcome in ReviewOutcome.values:
            key = f"goal:{area}:{outcome}"
            table.cells[(area, outcome)] = Cell(f.get(key, 0), f.get(f"{key}:people", 0))
    people = {("total", "total"): f.get("goal_people:total", 0)}
    people.update({(a, "total"): f.get(f"goal_people:area_{a}", 0) for a in Area.values})
    people.update(
        {("total", o): f.get(f"goal_people:outcome_{o}", 0) for o in ReviewOutcome.values}
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


def _people(f: Figures) -> Table:
    table = Table(
        key="people",
        title=_("People with an agreement signed in the period"),
        row_title=_("Age at the end of the period"),
        columns=[(code, str(label)) for code, label, _codes in NATIONALITY_GROUPS]
        + [(OTHER_NATIONALITY[0], str(OTHER_NATIONALITY[1])), (UNKNOWN, _("not recorded"))],
        rows=[(code, str(label)) for code, label, _low, _up in AGE_BANDS]
        + [(UNKNOWN, _("not recorded"))],
    )
    for band, _label in table.rows:
        for group, _label in table.columns:
            people = f.get(f"people:{band}:{group}", 0)
            table.cells[(band, group)] = Cell(people, people)
    table.add_totals(("total", _("All ages")), ("total", _("All nationalities")))
    return table


def evaluation_from_figures(
    figures: Figures,
    *,
    centres: list[CounsellingCentre],
    date_from: datetime.date,
    date_to: datetime.date,
    as_of: datetime.datetime | None = None,
) -> Evaluation:
    summary = _summary(figures)
    steps_by_area, steps_by_partner = step_tables(figures)
    return Evaluation(
        date_from=date_from,
        date_to=date_to,
        centres=centres,
        summary=summary,
        goals=_goals(figures),
        steps_by_area=steps_by_area,
        steps_by_partner=steps_by_partner,
        ratings=ratings_table(figures),
        hurdles=_hurdles(figures, summary.cell("reviews_held", "value")),
        people=_people(figures),
        as_of=as_of,
    )
