import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.enums import CaseStatus
from people.models import Migrant
from sites.django_overrides import PlainSelect
from sites.enums import ServiceType

# The filter keys: when a request carries none of them, the list starts from its default.
FILTER_KEYS = ("q", "status", "counsellor", "appointment", "programme", "sort")


class MigrantFilter(django_filters.FilterSet):
    """Caseload filters; the queryset it gets is already scoped to the user.

    The counsellor choices come in as a list (`counsellors`), read once per request: a
    ModelChoiceFilter would query them twice, once to validate and once to render.
    """

    q = django_filters.CharFilter(label=_("Name or case number"), method="filter_search")
    status = django_filters.ChoiceFilter(
        widget=PlainSelect, label=_("Status"), choices=CaseStatus.choices, empty_label=_("all")
    )
    counsellor = django_filters.ChoiceFilter(
        widget=PlainSelect,
        label=_("Counsellor"),
        choices=(),
        field_name="counsellor_id",
        empty_label=_("all"),
    )
    appointment = django_filters.ChoiceFilter(
        widget=PlainSelect,
        label=_("Next appointment"),
        choices=[
            ("overdue", _("no appointment, last session over 90 days ago")),
            ("week", _("within 7 days")),
            ("month", _("within 30 days")),
            ("none", _("none planned")),
        ],
        method="filter_appointment",
        empty_label=_("any"),
    )
    programme = django_filters.ChoiceFilter(
        widget=PlainSelect,
        label=_("Programme"),
        choices=ServiceType.choices,
        field_name="centre__service_type",
        empty_label=_("all"),
    )
    sort = django_filters.ChoiceFilter(
        widget=PlainSelect,
        label=_("Sort by"),
        choices=[
            ("name", _("name")),
            ("case_number", _("case number")),
            ("next_appointment", _("next appointment")),
            ("last_session", _("last session, oldest first")),
        ],
        method="sort_by",
        empty_label=None,
    )

    class Meta:
        model = Migrant
        fields = []

    def __init__(self, *args, counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["counsellor"].extra["choices"] = [
            (str(user.pk), str(user)) for user in counsellors
        ]
        for name in ("status", "counsellor", "appointment", "programme", "sort"):
            self.filters[name].field.widget.attrs["class"] = "form-select"
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"class": "form-control", "type": "search", "autocomplete": "off"}
        )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_appointment(self, queryset, name, value):
        now = timezone.now()
        if value == "none":
            return queryset.filter(next_appointment_at__isnull=True)
        if value == "overdue":
            cutoff = timezone.localdate() - datetime.timedelta(days=90)
            return queryset.filter(next_appointment_at__isnull=True).filter(
                Q(last_session_on__lt=cutoff) | Q(last_session_on__isnull=True)
            )
        days = 7 if value == "week" else 30
        return queryset.filter(
            Q(next_appointment_at__gte=now)
            & Q(next_appointment_at__lt=now + datetime.timedelta(days=days))
        )

    def sort_by(self, queryset, name, value):
        orderings = {
            "case_number": ["case_number"],
            "next_appointment": [F("next_appointment_at").asc(nulls_last=True)],
            "last_session": [F("last_session_on").asc(nulls_first=True)],
        }
        return queryset.order_by(*orderings.get(value, []), "last_name", "first_name", "pk")
