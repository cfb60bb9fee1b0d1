"""Two evaluation figures of the living agreement: steps done on time, and the clients' own
ratings at their reviews. Counted per centre into the same additive figures as the rest of
the evaluation (evaluation.py), so the kept figures of many centres still add up.

Steps done on time
    A step counts when its agreed due date (`due_on`, as signed; a postponement does not
    move it) lies within the period, and it belongs to the current version of a signed
    agreement: active, completed or ended early. A superseded version is history, and its
    steps are counted in the version that replaced it (an amendment copies every step
    with its key); a draft counts in no figure. Each counted step falls into exactly one
    column, by its status when counted:

    - done on time: done, on or before the agreed due date (`status_on <= due_on`);
    - done late: done after it, or done without a recorded date (not shown to be on time);
    - not done (yet): open, in progress or postponed;
    - cancelled.

    Shares are taken of the steps not cancelled: a step given up by agreement is neither
    kept nor missed. The areas are those of the step's goal; the partner kind that of the
    step's partner, and "without a partner" where the client or the centre takes it alone.

Clients' ratings
    Every review held in the period (as in "Reviews held") with the client's answer to
    "Does the agreement help you?" (1 to 5) or none. Counted are reviews, not people; the
    mean is taken of the answers. The clients' own words are never read here. These
    cells are suppressed on the page as well as in the export: they are the clients' own
    view, and a supervisor could tell whose answer a single rating is.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum, Value
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus, ClientRating, StepStatus
from agreements.models import Step
from agreements.services.reports.tables import Cell, Figures, Share, Table, add_figures
from sites.enums import Area, PartnerKind

# The versions whose steps are counted: one per agreement, the one signed last.
COUNTED_VERSIONS = (AgreementStatus.ACTIVE, AgreementStatus.COMPLETED, AgreementStatus.ENDED_EARLY)
NOT_DONE = (StepStatus.OPEN, StepStatus.IN_PROGRESS, StepStatus.POSTPONED)
WITHOUT_PARTNER = "none"
ALL = "all"
NO_ANSWER = "none"

_done = Q(status=StepStatus.DONE)
STEP_COLUMNS = {
    "on_time": _done & Q(status_on__lte=F("due_on")),
    "late": _done & (Q(status_on__gt=F("due_on")) | Q(status_on__isnull=True)),
    "not_done": Q(status__in=NOT_DONE),
    "cancelled": Q(status=StepStatus.CANCELLED),
}
DUE = "due"  # the total column: every step due


def _step_counts() -> dict:
    person = "goal__agreement__migrant"
    counts = {DUE: Count("pk"), f"{DUE}_people": Count(person, distinct=True)}
    for column, condition in STEP_COLUMNS.items():
        counts[column] = Count("pk", filter=condition)
        counts[f"{column}_people"] = Count(person, distinct=True, filter=condition)
    return counts


def step_figures(by_centre: dict[int, Figures], centre_ids: list[int], date_from, date_to) -> None:
    """Steps due in the period per centre: by area, by partner kind and all together, in
    one query (a union of the three groupings; people are counted apart in each, since
    one person's steps can lie in several areas)."""
    steps = Step.objects.filter(
        goal__agreement__centre_id__in=centre_ids,
        goal__agreement__status__in=COUNTED_VERSIONS,
        goal__agreement__signed_on__isnull=False,
        due_on__range=(date_from, date_to),
    ).order_by()
    centre = F("goal__agreement__centre_id")

    def grouped(dimension: str, code):
        return (
            steps.annotate(group_centre=centre, dimension=Value(dimension), code=code)
            .values("group_centre", "dimension", "code")
            .annotate(**_step_counts())
        )

    rows = grouped("area", F("goal__area")).union(
        grouped("kind", F("partner__kind")), grouped(ALL, Value(ALL)), all=True
    )
    for row in rows:
        code = row.pop("code") or WITHOUT_PARTNER
        prefix = f"step:{row.pop('dimension')}:{code}:"
        add_figures(by_centre[row.pop("group_centre")], row, prefix)


def rating_counts(person: str) -> dict:
    """Aggregates over reviews for the clients' ratings, to join the review query."""
    answered = Q(client_rating__isnull=False)
    counts = {
        "rated": Count("pk", filter=answered),
        "rated_people": Count(person, distinct=True, filter=answered),
        "rating_sum": Sum("client_rating", filter=answered),
    }
    for value in [*ClientRating.values, None]:
        condition = Q(client_rating__isnull=True) if value is None else Q(client_rating=value)
        name = f"rating_{NO_ANSWER if value is None else value}"
        counts[name] = Count("pk", filter=condition)
        counts[f"{name}_people"] = Count(person, distinct=True, filter=condition)
    return counts


# --- tables ---------------------------------------------------------------------------------


def _step_note() -> str:
    return _(
        "Counted are the steps whose agreed due date (as signed; a postponement does not "
        "move it) lies in the period, in the latest signed version of each agreement. "
        "Done on time: done on or before that date; done late: done after it or without "
        "a date. Not done: open, in progress or postponed when counted. Shares are of the "
        "steps not cancelled."
    )


def _step_table(
    f: Figures, *, key: str, title: str, row_title: str, dimension: str, rows, total_label: str
) -> Table:
    table = Table(
        key=key,
        title=title,
        row_title=row_title,
        columns=[
            ("on_time", _("done on time")),
            ("late", _("done late")),
            ("not_done", _("not done")),
            ("cancelled", _("cancelled")),
        ],
        rows=rows,
        note=_step_note(),
    )

    def figure(code: str, column: str, dim: str = dimension) -> tuple[float, int]:
        key = f"step:{dim}:{code}:{column}"
        return f.get(key, 0), f.get(f"{key}_people", 0)

    for code, _label in rows:
        for column in STEP_COLUMNS:
            table.cells[(code, column)] = Cell(*figure(code, column))
    people = {("total", DUE): figure(ALL, DUE, ALL)[1]}
    people.update({(code, DUE): figure(code, DUE)[1] for code, _label in rows})
    people.update({("total", column): figure(ALL, column, ALL)[1] for column in STEP_COLUMNS})
    table.add_totals(("total", total_label), (DUE, _("All steps due")), people=people)
    table.share_columns = [
        ("on_time_share", _("Share done on time (of steps not cancelled)")),
        ("done_share", _("Share done (of steps not cancelled)")),
    ]
    for code, _label in table.rows:
        kept = [table.cell(code, c) for c in ("on_time", "late", "not_done")]
        on_time, late = kept[0], kept[1]
        table.shares[(code, "on_time_share")] = Share([on_time], kept)
        table.shares[(code, "done_share")] = Share([on_time, late], kept)
    return table


def step_tables(f: Figures) -> tuple[Table, Table]:
    by_area = _step_table(
        f,
        key="steps_area",
        title=_("Steps by area"),
        row_title=_("Area"),
        dimension="area",
        rows=[(code, str(label)) for code, label in Area.choices],
        total_label=_("All areas"),
    )
    by_partner = _step_table(
        f,
        key="steps_partner",
        title=_("Steps by kind of partner"),
        row_title=_("Kind of partner"),
        dimension="kind",
        rows=[(code, str(label)) for code, label in PartnerKind.choices]
        + [(WITHOUT_PARTNER, _("without a partner (the client or the centre)"))],
        total_label=_("All steps"),
    )
    return by_area, by_partner


def ratings_table(f: Figures) -> Table:
    """The distribution of the answers, suppressed already (see the module docstring)."""
    table = Table(
        key="ratings",
        title=_("Clients' ratings"),
        row_title=_('Answer to "Does the agreement help you?"'),
        columns=[("reviews", _("Reviews"))],
        share_columns=[("share", _("Share of answers"))],
        note=_(
            "Every review held in the period with the client's answer, counted per "
            "review (a client answers at each review). The mean is taken of the answers; "
            "figures of fewer than five people are suppressed here as in the export."
        ),
    )

    def cell(name: str) -> Cell:
        return Cell(f.get(name, 0), f.get(f"{name}_people", 0))

    answers = []
    for value, label in reversed(ClientRating.choices):
        code = str(value)
        table.rows.append((code, f"{value} – {label}"))
        table.cells[(code, "reviews")] = answers_cell = cell(f"rating_{value}")
        answers.append(answers_cell)
    answered = cell("rated")
    held = cell("held")
    table.rows += [
        ("answered", _("Reviews with an answer")),
        (NO_ANSWER, _("no answer")),
        ("total", _("All reviews held")),
        ("mean", _("Mean of the answers (1 to 5)")),
    ]
    table.cells[("answered", "reviews")] = answered
    table.cells[(NO_ANSWER, "reviews")] = cell(f"rating_{NO_ANSWER}")
    table.cells[("total", "reviews")] = held
    rated = f.get("rated", 0)
    mean = round(f.get("rating_sum", 0) / rated, 1) if rated else None
    table.cells[("mean", "reviews")] = Cell(mean, f.get("rated_people", 0))
    keys = [(str(value), "reviews") for value in reversed(ClientRating.values)]
    table.lines += [
        (keys, ("answered", "reviews")),
        ([("answered", "reviews"), (NO_ANSWER, "reviews")], ("total", "reviews")),
    ]
    for code, answer in zip(keys, answers, strict=True):
        table.shares[(code[0], "share")] = Share([answer], [answered])
    return table.suppress()
