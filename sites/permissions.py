"""Who may do what: every permission check of the project, in one place.

Roles live with the memberships (a user is counsellor or supervisor *at a centre*), so the
predicates live here, in the lowest layer; the people, agreements and project layers ask
them instead of comparing centre ids themselves. `User.supervised_centre_ids()` stays the
one source of the facts (it caches the memberships the page read anyway).

Two kinds of "no", kept apart:
- a permission refuses: `require_*` raises `PermissionDenied`, which `handler403` renders
  as 403.html. Only for a page or action that exists for everybody of the centre alike (a
  counsellor learns nothing from it);
- an object outside the user's scope is a 404 (`visible_to`), never a 403 that would
  reveal it exists; a rule of the domain refuses with `RuleError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied

from sites.enums import Role

if TYPE_CHECKING:
    from sites.models import CounsellingCentre, User


class _ErasureRequest(Protocol):
    # Duck-typed: the request's model lives in the people app, a layer above this one.
    requested_by_id: int | None

    @property
    def migrant(self): ...


def _centre_id(centre: CounsellingCentre | int) -> int:
    return centre if isinstance(centre, int) else centre.pk


def supervised_centre_ids(user: User) -> list[int]:
    """The centres the user supervises (none for anonymous users); no query of its own."""
    if not user.is_authenticated:
        return []
    return user.supervised_centre_ids()


def is_supervisor(user: User) -> bool:
    """Supervises at least one centre: the team pages (dashboard, evaluation, access log)."""
    return bool(supervised_centre_ids(user))


def is_supervisor_of(user: User, centre: CounsellingCentre | int) -> bool:
    return _centre_id(centre) in supervised_centre_ids(user)


def needs_second_factor(user: User) -> bool:
    """Must prove a second factor (TOTP app or recovery code) after the password: whoever
    sees more than one caseload or runs the system, and the counsellors of a centre that
    asks it of them. The one rule; the middleware and the set-up page ask it. No query of
    its own (the memberships are cached)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or is_supervisor(user):
        return True
    return any(
        m.centre.counsellors_need_second_factor
        for m in user.memberships_cached()
        if m.role == Role.COUNSELLOR
    )


def can_decide_erasure(user: User, erasure_request: _ErasureRequest) -> bool:
    """Four eyes: a supervisor of the person's centre who did not ask for the erasure."""
    return erasure_request.requested_by_id != user.pk and is_supervisor_of(
        user, erasure_request.migrant.centre_id
    )


def require_supervisor(
    user: User, centre: CounsellingCentre | int | None = None, message: str = ""
) -> None:
    """Refuse unless the user supervises `centre`, or any centre when None: the team pages
    (dashboard, evaluation, access log) are nobody's object, so their 403 tells a
    counsellor nothing."""
    allowed = is_supervisor(user) if centre is None else is_supervisor_of(user, centre)
    if not allowed:
        raise PermissionDenied(message)
