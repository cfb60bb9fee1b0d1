"""List filters of the project layer's pages (django-filter, as every list's filters)."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.enums import AccessAction
from people.models import AccessLog, normalise_for_search
from sites.models import CounsellingCentre, User


class IntegerFilter(django_filters.NumberFilter):
    # NumberFilter parses decimals; an id is a whole number.
    field_class = forms.IntegerField


class _DateOrder(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The start date lies after the end date."))
        return data


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class AccessLogFilter(django_filters.FilterSet):
    """The access log of the centres the user supervises."""

    centre = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Counselling centre"), queryset=CounsellingCentre.objects.none()
    )
    person = django_filters.CharFilter(
        label=gettext_lazy("Client (name or case number)"),
        max_length=200,
        method="filter_person",
    )
    migrant = IntegerFilter(field_name="migrant_id", widget=forms.HiddenInput, min_value=1)
    user = django_filters.ModelChoiceFilter(
        label=gettext_lazy("User"), queryset=User.objects.none()
    )
    action = django_filters.ChoiceFilter(label=gettext_lazy("Action"), choices=AccessAction.choices)
    date_from = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="at", lookup_expr="date__gte", widget=_date_input()
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("To"), field_name="at", lookup_expr="date__lte", widget=_date_input()
    )

    class Meta:
        model = AccessLog
        fields = []
        form = _DateOrder

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        centres = CounsellingCentre.objects.supervised_by(user)
        self.filters["centre"].queryset = centres
        self.filters["user"].queryset = User.objects.filter(
            memberships__centre__in=centres
        ).distinct()

    def filter_person(self, queryset, name, value):
        for word in normalise_for_search(value).split():
            queryset = queryset.filter(migrant__search_text__contains=word)
        return queryset
