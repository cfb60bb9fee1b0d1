"""List filters of the agreements app (django-filter, as every list's filters).

Each FilterSet validates its query: a value outside the choices is dropped by the form
(and so not filtered by), never a server error.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.enums import AgreementStatus, GoalStatus
from agreements.models import Agreement, Step
from agreements.services.reminders import due_reviews
from agreements.services.reports.dashboard import DASHBOARD_STATUSES
from sites.enums import Area


class AgreementFilter(django_filters.FilterSet):
    """The agreement list: by status, and `mine=1` for the user's own agreements."""

    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices)
    mine = django_filters.ChoiceFilter(choices=[("1", "1")], method="filter_mine")

    class Meta:
        model = Agreement
        fields = []

    def filter_mine(self, queryset, name, value):
        return queryset.filter(counsellor=self.request.user)


def _counsellor_filter(field_name: str) -> django_filters.TypedChoiceFilter:
    return django_filters.TypedChoiceFilter(
        label=_("Counsellor"),
        field_name=field_name,
        coerce=int,
        empty_value=None,
    )


class _DueListFilter(django_filters.FilterSet):
    """A due list by counsellor; the counsellors to offer come as a list or queryset."""

    def __init__(self, *args, counsellors, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["counsellor"].extra["choices"] = [("", _("all"))] + [
            (user.pk, str(user)) for user in counsellors
        ]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"


class ReviewsDueFilter(_DueListFilter):
    STATES = [
        ("due", _("overdue or due within 7 days")),
        ("overdue", _("overdue")),
        ("soon", _("due within 7 days")),
    ]
    # Applied in filter_queryset: an empty or unknown state means "due", which
    # django-filter's skipping of empty values could not express.
    state = django_filters.ChoiceFilter(
        label=_("Reviews"), choices=STATES, empty_label=None, method="filter_state"
    )
    counsellor = _counsellor_filter("counsellor_id")

    class Meta:
        model = Agreement
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        state = self.form.cleaned_data.get("state") or "due"
        queryset = due_reviews(queryset, state=state, today=timezone.localdate())
        return super().filter_queryset(queryset)


class StepsDueFilter(_DueListFilter):
    counsellor = _counsellor_filter("goal__agreement__counsellor_id")

    class Meta:
        model = Step
        fields = []


class DashboardListFilter(django_filters.FilterSet):
    """The rows behind one dashboard figure (`figure_queryset`), by counsellor, and by
    status (agreements, goals) and area (goals) where the figure has them."""

    STATUSES = {
        "agreements": [(status.value, status.label) for status in DASHBOARD_STATUSES],
        "goals": GoalStatus.choices,
    }

    counsellor = django_filters.NumberFilter(method="filter_counsellor")
    status = django_filters.ChoiceFilter(method="filter_status")
    area = django_filters.ChoiceFilter(choices=Area.choices, method="filter_area")

    def __init__(self, *args, figure: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure = figure
        # A status another figure has (or none) is not a choice here: the form drops it.
        self.filters["status"].extra["choices"] = self.STATUSES.get(figure, [])

    def filter_counsellor(self, queryset, name, value):
        if not value:
            return queryset
        field = "agreement__counsellor_id" if self.figure == "goals" else "counsellor_id"
        return queryset.filter(**{field: int(value)})

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_area(self, queryset, name, value):
        return queryset.filter(area=value) if self.figure == "goals" else queryset
