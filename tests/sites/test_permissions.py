"""The permissions module: who supervises what, and the one way of refusing."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from people.models import ErasureRequest
from sites.permissions import (
    can_decide_erasure,
    is_supervisor,
    is_supervisor_of,
    needs_second_factor,
    require_supervisor,
    supervised_centre_ids,
)
from tests.factories import MigrantFactory, UserFactory, supervisor_of

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ("sites", "people", "agreements", "integration")
# The one place that renders the 403 page: Django's handler403.
HANDLER = ROOT / "integration" / "views" / "core.py"


def test_a_supervisor_supervises_their_centre_only(supervisor, centre, other_centre):
    assert (is_supervisor(supervisor), is_supervisor_of(supervisor, centre)) == (True, True)
    assert is_supervisor_of(supervisor, centre.pk)
    assert not is_supervisor_of(supervisor, other_centre)
    assert supervised_centre_ids(supervisor) == [centre.pk]


def test_a_counsellor_and_an_anonymous_user_supervise_nothing(counsellor, centre):
    for user in (counsellor, AnonymousUser()):
        assert (is_supervisor(user), is_supervisor_of(user, centre)) == (False, False)
        assert supervised_centre_ids(user) == []


def test_require_supervisor_refuses_with_permission_denied(counsellor, supervisor, centre):
    require_supervisor(supervisor, centre)
    require_supervisor(supervisor)
    with pytest.raises(PermissionDenied):
        require_supervisor(counsellor)
    with pytest.raises(PermissionDenied, match="nur Leitung"):
        require_supervisor(counsellor, centre, "nur Leitung")


def test_an_erasure_is_decided_by_a_second_supervisor_of_the_centre(
    counsellor, supervisor, centre, other_centre
):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    asked_by_counsellor = ErasureRequest(migrant=migrant, requested_by=counsellor)
    asked_by_supervisor = ErasureRequest(migrant=migrant, requested_by=supervisor)
    assert can_decide_erasure(supervisor, asked_by_counsellor)
    assert not can_decide_erasure(supervisor, asked_by_supervisor)
    assert not can_decide_erasure(counsellor, asked_by_counsellor)
    assert not can_decide_erasure(supervisor_of(other_centre), asked_by_counsellor)


def _renders_403(node: ast.AST) -> bool:
    """A call with the 403 template or status=403 in its arguments."""
    if not isinstance(node, ast.Call):
        return False
    values = [*node.args, *(keyword.value for keyword in node.keywords)]
    return any(isinstance(v, ast.Constant) and v.value in ("403.html", 403) for v in values)


def test_only_the_handler_renders_the_403_page():
    # One 403 style: views and services raise PermissionDenied (see sites/permissions.py).
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for app in APP_DIRS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != HANDLER and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if _renders_403(node)
    ]
    assert offenders == []


# --- who needs a second factor (issue 21) ------------------------------------------------


def test_supervisors_and_operators_need_a_second_factor(supervisor, counsellor, db):
    staff = UserFactory(username="technik", is_staff=True)
    superuser = UserFactory(username="betrieb", is_superuser=True)
    assert [needs_second_factor(u) for u in (supervisor, staff, superuser)] == [True] * 3
    assert needs_second_factor(counsellor) is False
    assert needs_second_factor(AnonymousUser()) is False


def test_counsellors_need_one_where_their_centre_asks_it(counsellor, outsider, centre):
    centre.counsellors_need_second_factor = True
    centre.save()
    assert needs_second_factor(type(counsellor).objects.get(pk=counsellor.pk)) is True
    assert needs_second_factor(outsider) is False
