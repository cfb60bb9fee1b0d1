"""Every URL of the project × every role: who may see what.

The routes are discovered from the URLconf, so a new URL is walked the day it is added.
Its parameters are filled with objects of the owning centre (one full object graph, see
`CaseGraph`); a URL whose parameters the walk cannot fill fails with a message saying
where to add it. Expected:

- anonymous: redirect to the login page (GET and POST);
- counsellor or supervisor of ANOTHER centre: 404 for every URL that names an object
  (never 403 that reveals it exists, never 200, never 500), also for POST, and nothing
  changes in the database; pages without an object show nothing of the owning centre;
- the owning counsellor and the centre's supervisor: the page opens (200/302), never a
  500; pages meant for supervisors only may answer 403 to counsellors (allow-list below).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import reverse

from sites.enums import Role
from tests.factories import CaseGraph, MembershipFactory, UserFactory, supervisor_of
from tests.urlwalk import PUBLIC_URL_NAMES, Route, app_routes

LOGIN_PREFIX = "/konto/anmelden/"

# --- how URL parameters are filled --------------------------------------------------------
# The values are names of `CaseGraph` attributes (or "municipality"). An exact URL name
# wins over a prefix; the longest prefix wins among prefixes.

BY_URL_NAME: dict[str, dict[str, str]] = {
    "integration:session-add": {"pk": "migrant"},
    "integration:consent-add": {"pk": "migrant"},
    "integration:erasure-decide": {"pk": "erasure_request"},
    "agreements:goal-add": {"pk": "draft"},
    "agreements:step-add": {"pk": "draft_goal"},
    "agreements:edit": {"pk": "draft"},
    "agreements:discard": {"pk": "draft"},
    "agreements:sign": {"pk": "draft"},
    "agreements:prepare": {"pk": "draft"},
    "agreements:preview-pdf": {"pk": "draft"},
    "sites:centre-detail": {"pk": "centre"},
    "sites:municipality-detail": {"pk": "municipality"},
    "sites:partner-detail": {"pk": "partner"},
}

PK_BY_URL_PREFIX: dict[str, str] = {
    "integration:": "migrant",
    "integration:session-": "session",
    "integration:consent-": "consent",
    "agreements:": "signed",
    "agreements:draft-": "draft",
    "agreements:goal-": "draft_goal",
    "agreements:step-": "draft_step",
    "agreements:review-": "review",
    "agreements:outcome-": "outcome",
    "sites:": "centre",
    "sites:partner-": "partner",
    "sites:offer-": "offer",
    "sites:municipality-": "municipality",
}

# Parameters named after their object, wherever they appear.
BY_PARAMETER: dict[str, str] = {
    "migrant_pk": "migrant",
    "agreement_pk": "signed",
    "goal_pk": "goal",
    "step_pk": "step",
    "review_pk": "review",
    "session_pk": "session",
    "consent_pk": "consent",
    "document_pk": "document",
    "centre_pk": "centre",
    "partner_pk": "partner",
    "offer_pk": "offer",
    "municipality_pk": "municipality",
}

# Pages for supervisors only: a counsellor of the same centre may get 403 (it reveals
# nothing: the counsellor sees the centre's cases anyway). Keep each entry explained.
SUPERVISOR_ONLY: dict[str, str] = {
    "integration:access-log": "the access log is read by the centre's supervisors",
    "integration:migrant-reassign": "supervisors hand a case to another counsellor",
    "integration:caseload-reassign": "supervisors hand a whole caseload over",
    "agreements:dashboard": "the team dashboard is the supervisors' overview",
    "agreements:dashboard-list": "the lists behind the dashboard's figures",
    "agreements:evaluation": "the evaluation report is for supervisors",
    "agreements:evaluation-export": "the evaluation export, like the report",
}

# Not walked: each entry says why.
NOT_WALKED: dict[str, str] = {
    "logout": "logging out ends the walking user's session; it has no object",
}


# Parameters that are not objects: a value every such URL accepts.
PLAIN_VALUES: dict[str, str] = {
    "direction": "up",
}


class UnfillableRoute(Exception):
    pass


def _object_key(route: Route, parameter: str) -> str:
    if parameter in BY_URL_NAME.get(route.name, {}):
        return BY_URL_NAME[route.name][parameter]
    if parameter in BY_PARAMETER:
        return BY_PARAMETER[parameter]
    if parameter in ("pk", "id"):
        prefixes = [p for p in PK_BY_URL_PREFIX if route.name.startswith(p)]
        if prefixes:
            return PK_BY_URL_PREFIX[max(prefixes, key=len)]
    raise UnfillableRoute(
        f"The access matrix cannot fill <{parameter}> of {route.name} ({route.pattern}). "
        f"Add the URL name to BY_URL_NAME or a prefix to PK_BY_URL_PREFIX in "
        f"tests/test_access_matrix.py, naming the CaseGraph object it takes."
    )


def _value(graph: CaseGraph, key: str):
    if key == "municipality":
        return graph.centre.municipality_id
    return getattr(graph, key).pk


def fill(route: Route, graph: CaseGraph) -> str:
    return route.url(
        {
            p: PLAIN_VALUES[p] if p in PLAIN_VALUES else _value(graph, _object_key(route, p))
            for p in route.converters
        }
    )


# --- the database must not change when strangers knock ------------------------------------


def _fingerprint() -> str:
    """A hash over every row of the project's own tables, history included."""
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


# --- the walk --------------------------------------------------------------------------


@dataclass
class Walkers:
    graph: CaseGraph
    outsider: object
    outsider_supervisor: object


@pytest.fixture
def walkers(centre, other_centre, counsellor, supervisor, outsider) -> Walkers:
    graph = CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)
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
        outsider=outsider,
        outsider_supervisor=other_centre.memberships.get(role=Role.SUPERVISOR).user,
    )


def _walked_routes() -> list[Route]:
    return [r for r in app_routes() if r.name not in PUBLIC_URL_NAMES | set(NOT_WALKED)]


def _leaks(response, graph: CaseGraph) -> list[str]:
    body = response.content.decode(errors="replace")
    return [marker for marker in graph.personal_markers if marker in body]


def _describe(role: str, method: str, url: str, response) -> str:
    return f"{role} {method} {url} -> {response.status_code}"


@pytest.mark.parametrize("route", _walked_routes(), ids=lambda r: r.name)
def test_route_answers_each_role_as_expected(route, client, walkers):
    graph = walkers.graph
    try:
        url = fill(route, graph)
    except UnfillableRoute as problem:
        pytest.fail(str(problem))
    names_an_object = bool(set(route.converters) - set(PLAIN_VALUES))

    # anonymous
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, _describe("anonymous", method, url, response)
        assert response["Location"].startswith(LOGIN_PREFIX), response["Location"]

    # the owning counsellor and the centre's supervisor
    owner_status = {}
    for role, user in (("owner", graph.counsellor), ("supervisor", graph.supervisor)):
        client.force_login(user)
        response = client.get(url)
        allowed = {200, 302, 405}
        if role == "owner" and route.name in SUPERVISOR_ONLY:
            allowed.add(403)
        assert response.status_code in allowed, _describe(role, "GET", url, response) + (
            " - is the URL filled with the right kind of object?"
            if response.status_code == 404
            else ""
        )
        if response.status_code == 302:
            assert not response["Location"].startswith(LOGIN_PREFIX), response["Location"]
        owner_status[role] = response.status_code

    # counsellor and supervisor of another centre
    before = _fingerprint()
    for role, user in (
        ("other-centre counsellor", walkers.outsider),
        ("other-centre supervisor", walkers.outsider_supervisor),
    ):
        client.force_login(user)
        response = client.get(url)
        if names_an_object:
            # 405 only where the owner got it too: then the method, not the object, decides.
            expected = {404, 405} if owner_status["owner"] == 405 else {404}
            assert response.status_code in expected, _describe(role, "GET", url, response)
            response = client.post(url, {})
            assert response.status_code in {404, 405}, _describe(role, "POST", url, response)
        else:
            allowed = {200, 302, 405}
            if route.name in SUPERVISOR_ONLY and role.endswith("counsellor"):
                allowed.add(403)
            assert response.status_code in allowed, _describe(role, "GET", url, response)
            assert _leaks(response, graph) == [], _describe(role, "GET", url, response)
    assert _fingerprint() == before, f"a user of another centre changed data via {url}"


def test_every_route_is_walked_or_excused():
    walked = {r.name for r in _walked_routes()}
    excused = PUBLIC_URL_NAMES | set(NOT_WALKED)
    assert {r.name for r in app_routes()} - walked - excused == set()
    assert set(SUPERVISOR_ONLY) - {r.name for r in app_routes()} == set(), (
        "SUPERVISOR_ONLY names a URL that no longer exists"
    )


def test_matrix_size_is_reported(capsys):
    routes = _walked_routes()
    roles = 5  # anonymous, owner, supervisor, other-centre counsellor, other-centre supervisor
    with capsys.disabled():
        print(f"\naccess matrix: {len(routes)} URLs × {roles} roles = {len(routes) * roles} cells")
    assert len(routes) >= 20


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
