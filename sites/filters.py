"""List filters of the sites app (django-filter, as every list's filters)."""

import django_filters

from sites.enums import PartnerKind
from sites.models import Partner


class PartnerFilter(django_filters.FilterSet):
    """The partner list by kind; an unknown kind is ignored (the form drops it)."""

    kind = django_filters.ChoiceFilter(choices=PartnerKind.choices)

    class Meta:
        model = Partner
        fields = []
