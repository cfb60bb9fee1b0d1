"""The supervisor dashboard: per counsellor and per centre, counted by the database.

Four grouped queries (cases, agreements, sessions, goals), each grouped by centre and
counsellor with conditional counts, plus one for the counsellors' names: the same six
queries for a centre of ten cases and a municipality of ten thousand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus, GoalStatus
from agreements.models import Agreement, Goal
from agreements.services.reminders import due_window
from people.enums import CaseStatus
from people.models import CounsellingSession, Migrant
from people.services import case_holders
from sites.enums import Area
from sites.models import CounsellingCentre, User

SESSION_WINDOW_DAYS = 30
# Agreements by status as a supervisor reads them; superseded versions are history.
DASHBOARD_STATUSES = (
    AgreementStatus.DRAFT,
    AgreementStatus.ACTIVE,
    AgreementStatus.COMPLETED,
    AgreementStatus.ENDED_EARLY,
)
SIGNED_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.COMPLETED, AgreementStatus.ENDED_EARLY)


@dataclass
class AreaCount:
    achieved: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return self.achieved / self.total if self.total else None


@dataclass
class Figures:
    """One line of the dashboard: a counsellor, a centre, or everything in scope."""

    active_cases: int = 0
    new_cases: int = 0
    agreements: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DASHBOARD_STATUSES, 0))
    reviews_due: int = 0
    reviews_overdue: int = 0
    sessions: int = 0
    goals: dict[str, AreaCount] = field(default_factory=lambda: {a: AreaCount() for a in Area})

    @property
    def goals_achieved(self) -> int:
        return sum(c.achieved for c in self.goals.values())

    @property
    def goals_total(self) -> int:
        return sum(c.total for c in self.goals.values())

    def agreement_counts(self) -> list[tuple[str, int]]:
        return [(status, self.agreements[status]) for status in DASHBOARD_STATUSES]

    def goal_counts(self) -> list[tuple[str, AreaCount]]:
        return [(area, self.goals[area]) for area in Area]


@dataclass
class CounsellorLine:
    counsellor: User
    figures: Figures


@dataclass
class CentreLine:
    centre: CounsellingCentre
    figures: Figures


@dataclass
class Dashboard:
    today: datetime.date
    month_start: datetime.date
    sessions_since: datetime.date
    due_until: datetime.date
    counsellors: list[CounsellorLine]
    centres: list[CentreLine]
    total: Figures

    def areas_with_goals(self) -> list[str]:
        return [area for area in Area if self.total.goals[area].total]


def _rows(queryset: QuerySet, centre: str, counsellor: str, **counts) -> Iterable[dict]:
    """One row per centre and counsellor; `order_by()` keeps Meta.ordering out of GROUP BY."""
    return (
        queryset.values(centre_key=F(centre), counsellor_key=F(counsellor))
        .annotate(**counts)
        .order_by()
    )


def dashboard(*, centres: Iterable[CounsellingCentre], today: datetime.date) -> Dashboard:
    centres = list(centres)
    centre_ids = [c.pk for c in centres]
    month_start = today.replace(day=1)
    since = today - datetime.timedelta(days=SESSION_WINDOW_DAYS - 1)
    first, last = due_window(today)

    cells: dict[tuple[int, int], Figures] = {}

    def cell(row: dict) -> Figures:
        return cells.setdefault((row["centre_key"], row["counsellor_key"]), Figures())

    for row in _rows(
        Migrant.objects.filter(centre_id__in=centre_ids),
        "centre_id",
        "counsellor_id",
        active=Count("pk", filter=Q(status=CaseStatus.ACTIVE)),
        new=Count("pk", filter=Q(intake_on__range=(month_start, today))),
    ):
        figures = cell(row)
        figures.active_cases, figures.new_cases = row["active"], row["new"]

    status_counts = {status: Count("pk", filter=Q(status=status)) for status in DASHBOARD_STATUSES}
    active = Q(status=AgreementStatus.ACTIVE)
    for row in _rows(
        Agreement.objects.filter(centre_id__in=centre_ids, status__in=DASHBOARD_STATUSES),
        "centre_id",
        "counsellor_id",
        **status_counts,
        overdue=Count("pk", filter=active & Q(next_review_on__lt=first)),
        due=Count("pk", filter=active & Q(next_review_on__range=(first, last))),
    ):
        figures = cell(row)
        figures.agreements = {status: row[status] for status in DASHBOARD_STATUSES}
        figures.reviews_overdue, figures.reviews_due = row["overdue"], row["due"]

    for row in _rows(
        CounsellingSession.objects.filter(
            migrant__centre_id__in=centre_ids, held_on__range=(since, today)
        ),
        "migrant__centre_id",
        "counsellor_id",
        sessions=Count("pk"),
    ):
        cell(row).sessions = row["sessions"]

    for row in (
        Goal.objects.filter(
            agreement__centre_id__in=centre_ids, agreement__status__in=SIGNED_STATUSES
        )
        .values(
            "area",
            centre_key=F("agreement__centre_id"),
            counsellor_key=F("agreement__counsellor_id"),
        )
        .annotate(achieved=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)), total=Count("pk"))
        .order_by()
    ):
        if row["area"] in Area.values:
            cell(row).goals[row["area"]] = AreaCount(row["achieved"], row["total"])

    # Everyone who counsels in scope, also with nothing to count yet; and whoever still
    # holds cases here after leaving the centre (a supervisor must see those first).
    holder_ids = {counsellor_id for _centre, counsellor_id in cells}
    users = list(case_holders(centre_ids, holding=False, also=holder_ids))
    by_counsellor = {user.pk: Figures() for user in users}
    by_centre = {centre.pk: Figures() for centre in centres}
    total = Figures()
    for (centre_id, counsellor_id), figures in cells.items():
        for target in (by_counsellor[counsellor_id], by_centre[centre_id], total):
            _add(target, figures)
    return Dashboard(
        today=today,
        month_start=month_start,
        sessions_since=since,
        due_until=last,
        counsellors=[CounsellorLine(user, by_counsellor[user.pk]) for user in users],
        centres=[CentreLine(centre, by_centre[centre.pk]) for centre in centres],
        total=total,
    )


def _add(target: Figures, figures: Figures) -> None:
    target.active_cases += figures.active_cases
    target.new_cases += figures.new_cases
    for status, count in figures.agreements.items():
        target.agreements[status] += count
    target.reviews_due += figures.reviews_due
    target.reviews_overdue += figures.reviews_overdue
    target.sessions += figures.sessions
    for area, count in figures.goals.items():
        target.goals[area].achieved += count.achieved
        target.goals[area].total += count.total


# --- the lists behind the figures --------------------------------------------------------

FIGURE_LABELS = {
    "new_cases": lambda: _("New clients this month"),
    "active_cases": lambda: _("Active clients"),
    "agreements": lambda: _("Agreements"),
    "sessions": lambda: _("Counselling sessions in the last 30 days"),
    "goals": lambda: _("Goals"),
}
FIGURE_KINDS = {
    "new_cases": "migrants",
    "active_cases": "migrants",
    "agreements": "agreements",
    "sessions": "sessions",
    "goals": "goals",
}


def figure_queryset(figure: str, *, centre_ids: list[int], today: datetime.date) -> QuerySet:
    """The rows behind one dashboard figure, chosen as they were counted; the list narrows
    them by counsellor, status and area (agreements.filters.DashboardListFilter)."""
    if figure in ("new_cases", "active_cases"):
        queryset = Migrant.objects.filter(centre_id__in=centre_ids).select_related(
            "counsellor", "centre"
        )
        if figure == "new_cases":
            queryset = queryset.filter(intake_on__range=(today.replace(day=1), today))
        else:
            queryset = queryset.filter(status=CaseStatus.ACTIVE)
        return queryset.order_by("last_name", "first_name", "pk")
    if figure == "agreements":
        return (
            Agreement.objects.filter(centre_id__in=centre_ids, status__in=DASHBOARD_STATUSES)
            .select_related("migrant", "counsellor")
            .order_by("number", "-version")
        )
    if figure == "sessions":
        since = today - datetime.timedelta(days=SESSION_WINDOW_DAYS - 1)
        return (
            CounsellingSession.objects.filter(
                migrant__centre_id__in=centre_ids, held_on__range=(since, today)
            )
            .select_related("migrant", "counsellor")
            .order_by("-held_on", "-pk")
        )
    if figure == "goals":
        return (
            Goal.objects.filter(
                agreement__centre_id__in=centre_ids, agreement__status__in=SIGNED_STATUSES
            )
            .select_related("agreement__migrant", "agreement__counsellor")
            .order_by("agreement__number", "position", "pk")
        )
    raise ValueError(figure)
