"""The access matrix: every URL of the project × every role, the one URL walk.

The routes are discovered from the URLconf (tests/urlwalk.py), so a new URL is walked the
day it is added. Its parameters are filled with objects of the owning centre (one full
object graph, see `CaseGraph`). Expected, per role:

- anonymous: a redirect to the login page for GET and POST, whether the object exists or
  not; nothing changes;
- the owning counsellor, a colleague of the same centre and the centre's supervisor: the
  page opens with exactly the status below (200 unless listed), never a 500;
- a counsellor on a page for supervisors only: 403 for GET and POST (405 where the method
  is not allowed), and nothing changes - required, not merely allowed;
- a counsellor and a supervisor of ANOTHER centre: 404 for every URL that names an object
  (never 403 that reveals it exists, never 200, never 500), for GET, htmx GET and POST;
  pages without an object answer as they do in the own centre and show nothing of the
  owning centre (clients, case numbers, counsellors, the centre, its figures); nothing
  changes in the database, not even the access log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import reverse

from agreements.enums import GoalStatus
from people.models import CounsellingSession, Migrant
from sites.enums import Area, Role
from tests.factories import (
    CaseGraph,
    GoalFactory,
    MembershipFactory,
    UserFactory,
    supervisor_of,
)
from tests.urlwalk import (
    NOT_WALKED,
    PUBLIC_URL_NAMES,
    UnfillableRoute,
    app_routes,
    fill,
    fill_with_missing_objects,
    iter_routes,
    names_an_object,
    walked_routes,
)

LOGIN_PREFIX = "/konto/anmelden/"
HTMX = {"HTTP_HX_REQUEST": "true"}

# Pages for supervisors only: a counsellor of the same centre gets 403 (it reveals nothing:
# the counsellor sees the centre's cases anyway). Keep each entry explained.
SUPERVISOR_ONLY: dict[str, str] = {
    "integration:access-log": "the access log is read by the centre's supervisors",
    "integration:migrant-reassign": "supervisors hand a case to another counsellor",
    "integration:caseload-reassign": "supervisors hand a whole caseload over",
    "integration:erasure-decide": "a supervisor is the second pair of eyes on an erasure",
    "integration:merge": "supervisors ask for two records of one person to be merged",
    "integration:merge-decide": "a second supervisor confirms a merge",
    "integration:merge-list": "the merges waiting for a supervisor's confirmation",
    "agreements:dashboard": "the team dashboard is the supervisors' overview",
    "agreements:dashboard-list": "the lists behind the dashboard's figures",
    "agreements:evaluation": "the evaluation report is for supervisors",
    "agreements:evaluation-export": "the evaluation export, like the report",
    "mfa:reset": "a supervisor resets a counsellor's second factor",
}

# The method decides before the object does (Django's require_GET / require_POST).
GET_ONLY = {
    "password_change_done",
    "integration:session-item",
    "integration:privacy",
    "integration:privacy-export-json",
    "integration:privacy-export-pdf",
    "integration:erasure-list",
    "integration:access-log",
    "integration:withdrawn-consents",
    "integration:merge-list",
    "mfa:manage",
}
POST_ONLY = {
    "integration:erasure-request",
    "integration:erasure-decide",
    "integration:merge-decide",
    "agreements:create",
    "agreements:goal-add",
    "agreements:goal-delete",
    "agreements:goal-move",
    "agreements:step-add",
    "agreements:step-delete",
    "agreements:step-move",
    "agreements:discard",
    "agreements:prepare",
    "agreements:unprepare",
    "agreements:scan-upload",
    "agreements:evaluation-export",
    "mfa:recovery-codes",
}

# A plain GET that answers with a redirect for whoever may open it; each entry says why.
REDIRECTS: dict[str, str] = {
    "integration:session-item": "without htmx the timeline entry sends the browser to the "
    "person page",
    "agreements:dashboard-list": "without a figure the list sends the supervisor to the dashboard",
    "mfa:verify": "with no second factor to check the code page sends the user on (or to set-up)",
}

# Pages that read a person's data write an access-log entry for it, also for a colleague.
LOGGED_READS = {
    "integration:migrant-detail",
    "integration:migrant-history",
    "integration:privacy-export-json",
    "integration:privacy-export-pdf",
    "agreements:review-sheet",
}

# Names no other centre shares: the leak markers look for them.
OWNER_NAMES = {
    "counsellor": ("Henrike", "Quastenberg"),
    "colleague": ("Wiebke", "Tannhausen"),
    "supervisor": ("Ottokar", "Lindqvist-Brandt"),
}
CENTRE_NAME = "MBE Matrixstelle Ludwigshafen"
# An aggregate only the owning centre has: 3 of 7 housing goals achieved, shown as a share.
FIGURE_MARKER = "43 %"


def _expected_get(name: str, is_supervisor: bool) -> int:
    if name in POST_ONLY:
        return 405
    if name in SUPERVISOR_ONLY and not is_supervisor:
        return 403
    return 302 if name in REDIRECTS else 200


def _expected_post_from_stranger(name: str) -> int:
    return 405 if name in GET_ONLY else 404


# --- the database must not change when strangers knock ------------------------------------


def _fingerprint() -> str:
    """A hash over every row of the project's own tables, history and access log included."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label not in {"integration", "agreements", "counselling_sites"}:
            continue
        if model._meta.label == "counselling_sites.User":
            continue  # logging in stamps last_login
        if model._meta.label == "agreements.EvaluationFigures":
            continue  # opening the evaluation keeps the figures of one's own centres
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(f"{model._meta.label}:{list(rows)!r}".encode())
    return digest.hexdigest()


# --- who walks ----------------------------------------------------------------------------


@dataclass
class Walkers:
    graph: CaseGraph
    colleague: object
    outsider: object
    outsider_supervisor: object
    markers: list[str]


def _name(user, role: str) -> str:
    user.first_name, user.last_name = OWNER_NAMES[role]
    user.save(update_fields=["first_name", "last_name"])
    return user.get_full_name()


@pytest.fixture
def walkers(centre, other_centre, counsellor, colleague, supervisor, outsider) -> Walkers:
    centre.name = CENTRE_NAME
    centre.save(update_fields=["name"])
    names = [
        _name(user, role)
        for user, role in (
            (counsellor, "counsellor"),
            (colleague, "colleague"),
            (supervisor, "supervisor"),
        )
    ]
    graph = CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)
    for status in [GoalStatus.ACHIEVED] * 3 + [GoalStatus.IN_PROGRESS] * 4:
        GoalFactory(agreement=graph.signed, area=Area.HOUSING, status=status)
    # Something of their own, so "no data" is not mistaken for "scoped".
    CaseGraph(
        centre=other_centre,
        counsellor=outsider,
        supervisor=supervisor_of(other_centre),
        pk_base=8000,
        marker="Fremdstelle",
    )
    return Walkers(
        graph=graph,
        colleague=colleague,
        outsider=outsider,
        outsider_supervisor=other_centre.memberships.get(role=Role.SUPERVISOR).user,
        markers=[*graph.personal_markers, *names, CENTRE_NAME, FIGURE_MARKER],
    )


def _leaks(response, walkers: Walkers) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in walkers.markers if marker in body]


def _describe(role: str, method: str, url: str, response) -> str:
    return f"{role} {method} {url} -> {response.status_code}"


# --- the walk -----------------------------------------------------------------------------


def _walk_as_anonymous(client, route, url: str) -> None:
    for target in (url, fill_with_missing_objects(route)):
        for method in ("get", "post"):
            response = getattr(client, method)(target)
            assert response.status_code == 302, _describe("anonymous", method, target, response)
            assert response["Location"].startswith(LOGIN_PREFIX), response["Location"]


def _walk_as_the_centre(client, route, url: str, walkers: Walkers) -> None:
    graph = walkers.graph
    for role, user, supervises in (
        ("owner", graph.counsellor, False),
        ("colleague", walkers.colleague, False),
        ("supervisor", graph.supervisor, True),
    ):
        client.force_login(user)
        logged = graph.migrant.access_log.filter(user=user).count()
        response = client.get(url)
        expected = _expected_get(route.name, supervises)
        assert response.status_code == expected, _describe(role, "GET", url, response) + (
            " - is the URL filled with the right kind of object?"
            if response.status_code == 404
            else ""
        )
        if response.status_code == 302:
            assert not response["Location"].startswith(LOGIN_PREFIX), response["Location"]
        if route.name in LOGGED_READS:
            assert graph.migrant.access_log.filter(user=user).count() == logged + 1, role
        if route.name in SUPERVISOR_ONLY and not supervises:
            before = _fingerprint()
            response = client.post(url, {})
            expected = 405 if route.name in GET_ONLY else 403
            assert response.status_code == expected, _describe(role, "POST", url, response)
            assert _fingerprint() == before, f"a counsellor changed data via {url}"


def _walk_as_another_centre(client, route, url: str, walkers: Walkers) -> None:
    for role, user, supervises in (
        ("other-centre counsellor", walkers.outsider, False),
        ("other-centre supervisor", walkers.outsider_supervisor, True),
    ):
        client.force_login(user)
        if names_an_object(route):
            expected = 405 if route.name in POST_ONLY else 404
            for headers in ({}, HTMX):
                response = client.get(url, **headers)
                assert response.status_code == expected, _describe(role, "GET", url, response)
                assert _leaks(response, walkers) == [], _describe(role, "GET", url, response)
            for data in ({}, {"note": "x", "counsellor": user.pk}):
                response = client.post(url, data)
                assert response.status_code == _expected_post_from_stranger(route.name), _describe(
                    role, "POST", url, response
                )
        else:
            response = client.get(url)
            expected = _expected_get(route.name, supervises)
            assert response.status_code == expected, _describe(role, "GET", url, response)
            assert _leaks(response, walkers) == [], _describe(role, "GET", url, response)


@pytest.mark.parametrize("route", walked_routes(), ids=lambda r: r.name)
def test_route_answers_each_role_as_expected(route, client, walkers):
    try:
        url = fill(route, walkers.graph)
    except UnfillableRoute as problem:
        pytest.fail(str(problem))
    # Strangers first: the centre's own users may change data (the access log, for one).
    before = _fingerprint()
    _walk_as_anonymous(client, route, url)
    _walk_as_another_centre(client, route, url, walkers)
    assert _fingerprint() == before, f"an anonymous user or another centre changed {url}"
    _walk_as_the_centre(client, route, url, walkers)


# --- what the walk itself relies on -------------------------------------------------------


def test_every_url_pattern_has_a_name():
    unnamed = [
        r.pattern for r in iter_routes() if r.name is None and not r.pattern.startswith("admin/")
    ]
    assert unnamed == []


def test_every_route_is_walked_or_excused():
    names = {r.name for r in app_routes()}
    walked = {r.name for r in walked_routes()}
    assert names - walked - PUBLIC_URL_NAMES - set(NOT_WALKED) == set()
    listed = set(SUPERVISOR_ONLY) | GET_ONLY | POST_ONLY | set(REDIRECTS) | LOGGED_READS
    assert listed - names == set(), "a table of the matrix names a URL that no longer exists"
    assert set() == GET_ONLY & POST_ONLY


def test_the_leak_markers_are_on_the_owning_centres_own_pages(client, walkers):
    # A marker that never renders would let every leak check pass.
    client.force_login(walkers.graph.supervisor)
    dashboard = client.get(reverse("agreements:dashboard")).content.decode()
    counsellors = [f"{first} {last}" for first, last in OWNER_NAMES.values()][:2]
    assert [m for m in (*counsellors, CENTRE_NAME, FIGURE_MARKER) if m not in dashboard] == []
    person = client.get(walkers.graph.migrant.get_absolute_url()).content.decode()
    assert walkers.graph.marker in person


def test_matrix_size_is_reported(capsys):
    routes = walked_routes()
    roles = 6  # anonymous, owner, colleague, supervisor, other-centre counsellor and supervisor
    with capsys.disabled():
        print(f"\naccess matrix: {len(routes)} URLs × {roles} roles = {len(routes) * roles} cells")
    assert len(routes) >= 20


# --- pages a walk does not reach: public pages, widened lists, the admin ------------------


@pytest.mark.django_db
def test_public_pages_answer_anonymous_users(client):
    for name in ["login", "password_reset", "password_reset_done", "health"]:
        assert client.get(reverse(name)).status_code == 200, name


def test_another_centre_cannot_widen_the_caseload_or_create_a_case_there(
    client, walkers, centre, other_centre
):
    client.force_login(walkers.outsider)
    for params in ({}, {"status": ""}, {"q": "Haddad", "status": ""}):
        response = client.get(reverse("integration:migrant-list"), params)
        assert {m.centre_id for m in response.context["page"]} <= {other_centre.pk}
        assert _leaks(response, walkers) == []
    create = reverse("integration:migrant-create")
    before = Migrant.objects.count()
    assert client.get(create, {"centre": centre.pk}).status_code == 404
    assert client.post(create, {"centre": centre.pk, "first_name": "X"}).status_code == 404
    assert Migrant.objects.count() == before


def test_a_colleague_of_the_same_centre_records_a_session_on_the_case(client, walkers):
    client.force_login(walkers.colleague)
    response = client.post(
        reverse("integration:session-add", args=[walkers.graph.migrant.pk]),
        {"held_on": "2026-11-20", "duration_minutes": "30", "mode": "phone", "interpreter": "none"},
    )
    assert response.status_code == 302
    assert CounsellingSession.objects.filter(counsellor=walkers.colleague).count() == 1


@pytest.mark.django_db
def test_the_django_admin_is_for_superusers_only(client, centre):
    staff_supervisor = supervisor_of(centre)
    staff_supervisor.is_staff = True
    staff_supervisor.save()
    client.force_login(staff_supervisor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    superuser = UserFactory(username="betrieb", is_staff=True, is_superuser=True)
    MembershipFactory(user=superuser, centre=centre)
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
