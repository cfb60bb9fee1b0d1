"""Which centres a page's figures cover: one centre, or all of a user's centres in a
municipality (for supervisors of several centres)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from sites.models import CounsellingCentre, User


@dataclass(frozen=True)
class Scope:
    key: str  # "c<centre id>" or "m<municipality id>", as it appears in query strings
    label: str
    centres: tuple[CounsellingCentre, ...]

    @property
    def centre_ids(self) -> list[int]:
        return [centre.pk for centre in self.centres]

    @property
    def is_municipality(self) -> bool:
        return self.key.startswith("m")


def _scopes(centres: list[CounsellingCentre]) -> list[Scope]:
    by_municipality: dict[int, list[CounsellingCentre]] = {}
    for centre in centres:
        by_municipality.setdefault(centre.municipality_id, []).append(centre)
    scopes = []
    for members in sorted(by_municipality.values(), key=lambda c: c[0].municipality.name):
        if len(members) > 1:
            municipality = members[0].municipality
            scopes.append(
                Scope(
                    key=f"m{municipality.pk}",
                    label=_("%(municipality)s: all %(count)s centres")
                    % {"municipality": municipality.name, "count": len(members)},
                    centres=tuple(members),
                )
            )
        scopes.extend(
            Scope(key=f"c{centre.pk}", label=centre.name, centres=(centre,)) for centre in members
        )
    return scopes


def supervisor_scopes(user: User) -> list[Scope]:
    """The scopes a supervisor may look at; no query beyond the cached memberships."""
    return _scopes(user.supervised_centres())


def member_scopes(user: User) -> list[Scope]:
    return _scopes([m.centre for m in user.memberships_cached()])


def pick_scope(scopes: list[Scope], key: str | None) -> Scope:
    """The scope named in the query string, or the first; a key outside the user's scopes
    is a 404 like any object of another centre."""
    if not scopes:
        raise Http404
    if not key:
        return scopes[0]
    for scope in scopes:
        if scope.key == key:
            return scope
    raise Http404
