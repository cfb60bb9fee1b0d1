import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from integration.enums import CaseStatus
from integration.models import Migrant
from integration.services import centre_counsellors
from sites.enums import ServiceType
from sites.models import User


class MigrantFilter(django_filters.FilterSet):
    """Caseload filters; the queryset it gets is already scoped to the user."""

    q = django_filters.CharFilter(label=_("Name or case number"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, empty_label=_("all")
    )
    counsellor = django_filters.ModelChoiceFilter(
        label=_("Counsellor"), queryset=User.objects.none(), empty_label=_("all")
    )
    appointment = django_filters.ChoiceFilter(
        label=_("Next appointment"),
        choices=[
            ("week", _("within 7 days")),
            ("month", _("within 30 days")),
            ("none", _("none planned")),
        ],
        method="filter_appointment",
        empty_label=_("any"),
    )
    programme = django_filters.ChoiceFilter(
        label=_("Programme"),
        choices=ServiceType.choices,
        field_name="centre__service_type",
        empty_label=_("all"),
    )

    class Meta:
        model = Migrant
        fields = []

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        counsellors = User.objects.none()
        for centre in centres:
            counsellors = counsellors | centre_counsellors(centre)
        self.filters["counsellor"].queryset = counsellors.distinct()
        for name in ("status", "counsellor", "appointment", "programme"):
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
        days = 7 if value == "week" else 30
        return queryset.filter(
            Q(next_appointment_at__gte=now)
            & Q(next_appointment_at__lt=now + datetime.timedelta(days=days))
        )
