"""Every URL of the case pages walked as anonymous, as a counsellor of another centre, as
the owning counsellor and as the centre's supervisor.

The URLs are read from the people app's URLconf, so a new case URL is walked the day it is added
(and fails here until it has an entry in KIND).
"""

import pytest
from django.urls import reverse

from people import urls as people_urls
from people.models import AccessLog, Consent, CounsellingSession, Migrant
from tests.factories import ConsentFactory, MigrantFactory, SessionFactory

CASE_URL_NAMES = sorted(f"integration:{pattern.name}" for pattern in people_urls.urlpatterns)

# What the <int:pk> of each URL names (None: the URL names no object).
KIND = {
    "integration:migrant-list": None,
    "integration:migrant-create": None,
    "integration:migrant-detail": "migrant",
    "integration:migrant-edit": "migrant",
    "integration:migrant-history": "migrant",
    "integration:migrant-close": "migrant",
    "integration:migrant-reopen": "migrant",
    "integration:migrant-reassign": "migrant",
    "integration:session-add": "migrant",
    "integration:session-item": "session",
    "integration:session-edit": "session",
    "integration:consent-add": "migrant",
    "integration:consent-withdraw": "consent",
    "integration:caseload-reassign": "centre",
}
SUPERVISOR_ONLY = {"integration:migrant-reassign", "integration:caseload-reassign"}
GET_ONLY = {"integration:session-item"}
# Without htmx the timeline entry sends the browser to the person page.
REDIRECTS_WITHOUT_HTMX = {"integration:session-item"}


@pytest.fixture
def objects(centre, counsellor):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor, last_name="Geheimnis")
    return {
        "migrant": migrant,
        "session": SessionFactory(migrant=migrant, notes="vertraulich"),
        "consent": ConsentFactory(migrant=migrant),
        "centre": centre,
    }


def _url(name: str, objects) -> str:
    kind = KIND[name]
    return reverse(name) if kind is None else reverse(name, args=[objects[kind].pk])


def _state():
    return (
        list(Migrant.objects.values_list("pk", "revision", "counsellor_id", "status")),
        list(CounsellingSession.objects.values_list("pk", "notes")),
        list(Consent.objects.values_list("pk", "withdrawn_on")),
    )


def test_every_case_url_has_an_entry():
    assert sorted(KIND) == CASE_URL_NAMES


@pytest.mark.parametrize("name", CASE_URL_NAMES)
def test_anonymous_is_sent_to_the_login(client, objects, name):
    url = _url(name, objects)
    before = _state()
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert _state() == before


@pytest.mark.parametrize("name", [n for n in CASE_URL_NAMES if KIND[n]])
def test_another_centre_gets_404_and_changes_nothing(client, outsider, objects, name):
    url = _url(name, objects)
    client.force_login(outsider)
    before = _state()
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code in (404, 405)
    posted = client.post(url, {"note": "x", "counsellor": outsider.pk})
    assert posted.status_code == (405 if name in GET_ONLY else 404)
    assert _state() == before
    assert AccessLog.objects.count() == 0


def test_another_centre_sees_nothing_in_the_list_and_cannot_create_there(
    client, outsider, objects, centre
):
    client.force_login(outsider)
    for params in ({}, {"status": ""}, {"q": "Geheim", "status": ""}):
        response = client.get(reverse("integration:migrant-list"), params)
        assert response.context["page"].paginator.count == 0
        assert "Geheimnis" not in response.content.decode()
    create = reverse("integration:migrant-create")
    assert client.get(create, {"centre": centre.pk}).status_code == 404
    assert client.post(create, {"centre": centre.pk, "first_name": "X"}).status_code == 404
    assert Migrant.objects.count() == 1


@pytest.mark.parametrize("name", CASE_URL_NAMES)
def test_owner_and_supervisor_open_every_case_url(client, counsellor, supervisor, objects, name):
    url = _url(name, objects)
    for user in (counsellor, supervisor):
        client.force_login(user)
        response = client.get(url)
        if name in REDIRECTS_WITHOUT_HTMX:
            expected = 302
        elif user == counsellor and name in SUPERVISOR_ONLY:
            expected = 403
        else:
            expected = 200
        assert response.status_code == expected, (name, user.username)


def test_a_colleague_of_the_same_centre_works_on_the_case(client, colleague, objects):
    client.force_login(colleague)
    assert client.get(objects["migrant"].get_absolute_url()).status_code == 200
    response = client.post(
        reverse("integration:session-add", args=[objects["migrant"].pk]),
        {"held_on": "2026-11-20", "duration_minutes": "30", "mode": "phone", "interpreter": "none"},
    )
    assert response.status_code == 302
    assert CounsellingSession.objects.filter(counsellor=colleague).count() == 1
