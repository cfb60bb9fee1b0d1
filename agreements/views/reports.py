"""Supervisor dashboard, the lists behind its figures, and the evaluation report."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements.enums import AgreementStatus, GoalStatus
from agreements.filters import DashboardListFilter
from agreements.forms.reviews import EvaluationForm
from agreements.services import reports
from agreements.services.reminders import DUE_SOON_DAYS
from agreements.services.reports.dashboard import (
    DASHBOARD_STATUSES,
    FIGURE_KINDS,
    FIGURE_LABELS,
    Figures,
)
from people.services import case_holders
from sites.enums import Area
from sites.http import form_status, page_of
from sites.permissions import require_supervisor

# --- server-side SVG bar charts ----------------------------------------------------------
# Geometry only; the template draws it. Colours come from CSS classes (CSP: no inline
# styles). The SVG is hidden from assistive technology: the table beside it has the same
# figures, and its links are the keyboard route.

LABEL_WIDTH = 190
BAR_X = 200
BAR_SPACE = 330
CHART_WIDTH = 600
BAR_HEIGHT = 14
ROW_GAP = 10


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    css: str
    url: str
    title: str
    value_text: str
    value_x: int
    text_y: int


@dataclass
class ChartRow:
    label: str
    full_label: str
    label_y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Chart:
    key: str
    title: str
    height: int
    rows: list[ChartRow]
    series: list[tuple[str, str]]
    width: int = CHART_WIDTH

    @property
    def legend(self) -> list[tuple[str, str]]:
        return self.series if len(self.series) > 1 else []


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    *,
    key: str,
    title: str,
    rows: list[tuple[str, list[tuple[float, str]]]],
    series: list[tuple[str, str]],
    percent: bool = False,
) -> Chart:
    """Horizontal bars: `rows` are (label, [(value, url) per series]); `series` are
    (css class, label). Percent charts take shares between 0 and 1."""
    largest = 1.0 if percent else max([v for _l, vs in rows for v, _u in vs] + [1])
    chart_rows = []
    y = ROW_GAP
    for label, values in rows:
        row = ChartRow(
            label=_short(label),
            full_label=label,
            label_y=y + (BAR_HEIGHT + 2) * len(values) // 2 + 4,
        )
        for (value, url), (css, series_label) in zip(values, series, strict=True):
            width = round(BAR_SPACE * (value or 0) / largest)
            text = f"{round((value or 0) * 100)} %" if percent else str(value)
            row.bars.append(
                Bar(
                    x=BAR_X,
                    y=y,
                    width=max(width, 1),
                    height=BAR_HEIGHT,
                    css=css,
                    url=url,
                    title=f"{label} – {series_label}: {text}",
                    value_text=text,
                    value_x=BAR_X + max(width, 1) + 6,
                    text_y=y + BAR_HEIGHT - 3,
                )
            )
            y += BAR_HEIGHT + 2
        chart_rows.append(row)
        y += ROW_GAP
    return Chart(
        key=key,
        title=title,
        height=max(y, 2 * ROW_GAP),
        rows=chart_rows,
        series=series,
    )


# --- dashboard ---------------------------------------------------------------------------


@dataclass
class Line:
    """One table row of the dashboard, with the query string its links filter by."""

    label: str
    figures: Figures
    query: str
    url: str = ""
    area_counts: list = field(default_factory=list)


def _list_url(figure: str, query: str, **extra) -> str:
    params = f"figure={figure}&{query}"
    if extra:
        params += "&" + urlencode(extra)
    return f"{reverse('agreements:dashboard-list')}?{params}"


def _due_url(query: str, state: str) -> str:
    return f"{reverse('agreements:reviews-due')}?{query}&state={state}"


def dashboard(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    scopes = reports.supervisor_scopes(request.user)
    scope = reports.pick_scope(scopes, request.GET.get("scope"))
    board = reports.dashboard(centres=scope.centres, today=timezone.localdate())
    scope_query = urlencode({"scope": scope.key})
    caseload = reverse("integration:migrant-list")
    counsellors = [
        Line(
            label=str(line.counsellor),
            figures=line.figures,
            query=urlencode({"scope": scope.key, "counsellor": line.counsellor.pk}),
            url=f"{caseload}?{urlencode({'status': 'active', 'counsellor': line.counsellor.pk})}",
        )
        for line in board.counsellors
    ]
    centres = [
        Line(
            label=line.centre.name,
            figures=line.figures,
            query=urlencode({"scope": f"c{line.centre.pk}"}),
            url=f"{reverse('agreements:dashboard')}?scope=c{line.centre.pk}",
        )
        for line in board.centres
    ]
    total = Line(label=_("All"), figures=board.total, query=scope_query)
    shown_areas = board.areas_with_goals()
    for line in counsellors:
        line.area_counts = [(area, line.figures.goals[area]) for area in shown_areas]
    charts = [
        bar_chart(
            key="caseload",
            title=_("Active clients per counsellor"),
            rows=[
                (line.label, [(line.figures.active_cases, _list_url("active_cases", line.query))])
                for line in counsellors
            ],
            series=[("chart-bar", _("Active clients"))],
        ),
        bar_chart(
            key="reviews",
            title=_("Reviews overdue and due soon per counsellor"),
            rows=[
                (
                    line.label,
                    [
                        (line.figures.reviews_overdue, _due_url(line.query, "overdue")),
                        (line.figures.reviews_due, _due_url(line.query, "soon")),
                    ],
                )
                for line in counsellors
            ],
            series=[
                ("chart-bar-alt", _("overdue")),
                ("chart-bar", _("due within %(days)s days") % {"days": DUE_SOON_DAYS}),
            ],
        ),
        bar_chart(
            key="goals",
            title=_("Share of goals achieved by area"),
            rows=[
                (
                    str(Area(area).label),
                    [
                        (
                            board.total.goals[area].share or 0,
                            _list_url("goals", scope_query, area=area, status=GoalStatus.ACHIEVED),
                        )
                    ],
                )
                for area in shown_areas
            ],
            series=[("chart-bar", _("achieved"))],
            percent=True,
        ),
    ]
    return render(
        request,
        "agreements/dashboard.html",
        {
            "scope": scope,
            "scopes": scopes,
            "board": board,
            "counsellors": counsellors,
            "centres": centres if scope.is_municipality else [],
            "total": total,
            "charts": charts,
            "areas": [(area, Area(area).label) for area in shown_areas],
            "statuses": [(status, AgreementStatus(status).label) for status in DASHBOARD_STATUSES],
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


def dashboard_list(request: HttpRequest) -> HttpResponse:
    """The rows behind one dashboard figure, filtered exactly as they were counted."""
    require_supervisor(request.user)
    figure = request.GET.get("figure", "")
    if figure not in FIGURE_KINDS:
        return redirect("agreements:dashboard")
    scope = reports.pick_scope(reports.supervisor_scopes(request.user), request.GET.get("scope"))
    rows = reports.figure_queryset(figure, centre_ids=scope.centre_ids, today=timezone.localdate())
    list_filter = DashboardListFilter(request.GET, queryset=rows, figure=figure)
    page = page_of(request, list_filter.qs)
    chosen = list_filter.form.cleaned_data
    counsellor_id = int(chosen.get("counsellor") or 0) or None
    # Only a name that belongs to the scope is shown; any other id filters to nothing.
    counsellor = (
        case_holders(scope.centre_ids).filter(pk=counsellor_id).first() if counsellor_id else None
    )
    filters = [scope.label]
    if counsellor:
        filters.append(str(counsellor))
    if chosen.get("area") and figure == "goals":
        filters.append(str(Area(chosen["area"]).label))
    if chosen.get("status"):
        status_type = AgreementStatus if figure == "agreements" else GoalStatus
        filters.append(str(status_type(chosen["status"]).label))
    return render(
        request,
        "agreements/dashboard_list.html",
        {
            "figure": figure,
            "kind": FIGURE_KINDS[figure],
            "title": FIGURE_LABELS[figure](),
            "filters": filters,
            "page": page,
            "scope": scope,
        },
    )


# --- evaluation --------------------------------------------------------------------------


def _evaluation_form(request: HttpRequest, data) -> EvaluationForm:
    return EvaluationForm(data, centres=request.user.supervised_centres())


def evaluation(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    form = _evaluation_form(request, request.GET or None)
    if not form.is_bound:
        # The page opens with the default period and all centres already counted.
        form = _evaluation_form(request, form.default_data())
    result = None
    if form.is_valid():
        result = reports.evaluation(
            centres=form.selected_centres(),
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    return render(
        request,
        "agreements/evaluation.html",
        {"form": form, "result": result},
        status=form_status(form),
    )


@require_POST
def evaluation_export(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    form = _evaluation_form(request, request.POST)
    fmt = request.POST.get("format", "")
    if fmt not in reports.FORMATS or not form.is_valid():
        return render(
            request, "agreements/evaluation.html", {"form": form, "result": None}, status=400
        )
    result = reports.evaluation(
        centres=form.selected_centres(),
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    export = reports.export_evaluation(user=request.user, evaluation=result, fmt=fmt)
    return FileResponse(
        io.BytesIO(export.content),
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )
