"""Looking up a person for a view: the people pages and the project's privacy pages share it."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from people.models import Migrant

# What the person's own pages show beside the person.
PERSON_PAGE_RELATED = ("centre__municipality", "counsellor", "foreigners_authority")


def visible_migrant(
    request: HttpRequest, pk: int, related: tuple[str, ...] = PERSON_PAGE_RELATED
) -> Migrant:
    """The person, if the user may see them; otherwise 404 (never 403: that would tell a
    stranger the case exists). `related` is what the page shows of the person's neighbours."""
    queryset = Migrant.objects.visible_to(request.user)
    # Not select_related() without names: that would follow every foreign key.
    if related:
        queryset = queryset.select_related(*related)
    return get_object_or_404(queryset, pk=pk)
