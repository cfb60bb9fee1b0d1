import datetime

import pytest
from django.urls import reverse

from integration.enums import AccessAction, CaseStatus, Interpreter
from integration.models import AccessLog, CounsellingSession, Migrant
from tests.factories import MigrantFactory, SessionFactory


def _person_data(**overrides):
    data = {
        "centre": "",
        "first_name": "Amira",
        "last_name": "Haddad",
        "name_latin": "",
        "date_of_birth": "1988-04-02",
        "sex": "female",
        "nationality": "SY",
        "country_of_birth": "SY",
        "languages": "Arabisch, Englisch",
        "german_level": "A2",
        "preferred_language": "ar",
        "interpreter_language": "",
        "arrival_on": "2022-09-01",
        "residence_status": "permit",
        "course_entitlement": "entitled",
        "highest_degree": "secondary",
        "intake_on": "2026-01-10",
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "0",
        "children-0-year_of_birth": "2019",
        "children-0-care": "waiting",
        "qualifications-TOTAL_FORMS": "1",
        "qualifications-INITIAL_FORMS": "0",
        "qualifications-0-title": "Krankenpflegerin",
        "qualifications-0-country": "SY",
        "qualifications-0-recognition_status": "in_progress",
    }
    data.update(overrides)
    return data


def test_counsellor_records_a_person_with_household_and_case_number(counsellor_client, centre):
    response = counsellor_client.post(reverse("integration:migrant-create"), _person_data())
    migrant = Migrant.objects.get()
    assert response.status_code == 302
    assert migrant.case_number == f"LU-{datetime.date(2026, 1, 10).year}-0001"
    assert migrant.centre == centre
    assert [c.year_of_birth for c in migrant.children.all()] == [2019]
    assert [q.title for q in migrant.qualifications.all()] == ["Krankenpflegerin"]
    assert migrant.history.get().history_user.username == "berater"


def test_case_numbers_count_up_per_centre_and_year(counsellor_client):
    counsellor_client.post(reverse("integration:migrant-create"), _person_data())
    counsellor_client.post(reverse("integration:migrant-create"), _person_data(first_name="Omar"))
    assert sorted(Migrant.objects.values_list("case_number", flat=True)) == [
        "LU-2026-0001",
        "LU-2026-0002",
    ]


def test_arrival_before_birth_is_refused_and_nothing_saved(counsellor_client):
    response = counsellor_client.post(
        reverse("integration:migrant-create"), _person_data(arrival_on="1980-01-01")
    )
    assert response.status_code == 200
    assert "arrival_on" in response.context["form"].errors
    assert Migrant.objects.count() == 0


def test_residence_title_must_expire_after_issue(counsellor_client):
    response = counsellor_client.post(
        reverse("integration:migrant-create"),
        _person_data(residence_issued_on="2025-05-01", residence_valid_until="2025-04-01"),
    )
    assert "residence_valid_until" in response.context["form"].errors
    assert Migrant.objects.count() == 0


def test_person_page_shows_record_and_logs_the_access(counsellor_client, counsellor):
    migrant = MigrantFactory(centre=counsellor.memberships.get().centre, counsellor=counsellor)
    SessionFactory(migrant=migrant, notes="Erstgespräch zum Sprachkurs")
    response = counsellor_client.get(migrant.get_absolute_url())
    assert response.status_code == 200
    assert "Erstgespräch zum Sprachkurs" in response.content.decode()
    assert (
        AccessLog.objects.filter(
            migrant=migrant, user=counsellor, action=AccessAction.VIEW_PERSON
        ).count()
        == 1
    )


def test_session_is_added_from_the_person_page_with_htmx(counsellor_client, counsellor):
    migrant = MigrantFactory(centre=counsellor.memberships.get().centre, counsellor=counsellor)
    response = counsellor_client.post(
        reverse("integration:session-add", args=[migrant.pk]),
        {
            "held_on": "2026-11-20",
            "duration_minutes": "50",
            "mode": "in_person",
            "interpreter": Interpreter.FAMILY,
            "interpreter_language": "ar",
            "interpreter_is_minor": "on",
            "topics": ["language", "childcare"],
            "notes": "Kita-Suche besprochen",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sessions-panel"' in html
    assert "<html" not in html
    session = CounsellingSession.objects.get()
    assert (session.counsellor, session.interpreter_is_minor, session.topics) == (
        counsellor,
        True,
        ["language", "childcare"],
    )
    assert "alert-warning" in html


def test_session_more_than_a_year_ahead_is_refused(counsellor_client, counsellor):
    migrant = MigrantFactory(centre=counsellor.memberships.get().centre, counsellor=counsellor)
    far = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    response = counsellor_client.post(
        reverse("integration:session-add", args=[migrant.pk]),
        {"held_on": far, "duration_minutes": "50", "mode": "phone", "interpreter": "none"},
    )
    assert response.status_code == 400
    assert CounsellingSession.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 50])
def test_caseload_list_uses_a_constant_number_of_queries(
    counsellor_client, counsellor, django_assert_num_queries, rows
):
    centre = counsellor.memberships.get().centre
    MigrantFactory.create_batch(rows, centre=centre, counsellor=counsellor)
    # session, user, memberships, centres, counsellor choices (validated + rendered), count,
    # rows, the session save, and the savepoints of ATOMIC_REQUESTS
    with django_assert_num_queries(13):
        response = counsellor_client.get(reverse("integration:migrant-list"))
    assert len(response.context["page"].object_list) == rows


def test_caseload_shows_own_active_cases_by_default(counsellor_client, counsellor, colleague):
    centre = counsellor.memberships.get().centre
    own = MigrantFactory(centre=centre, counsellor=counsellor)
    MigrantFactory(centre=centre, counsellor=colleague)
    MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=datetime.date(2026, 5, 1),
    )
    response = counsellor_client.get(reverse("integration:migrant-list"))
    assert list(response.context["page"].object_list) == [own]


def test_supervisor_sees_the_whole_centre(supervisor_client, counsellor, colleague):
    centre = counsellor.memberships.get().centre
    cases = {
        MigrantFactory(centre=centre, counsellor=counsellor),
        MigrantFactory(centre=centre, counsellor=colleague),
    }
    response = supervisor_client.get(reverse("integration:migrant-list"))
    assert set(response.context["page"].object_list) == cases


def test_search_ignores_case_and_accents_and_finds_transliteration(counsellor_client, counsellor):
    centre = counsellor.memberships.get().centre
    person = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        first_name="محمد",
        last_name="الأحمد",
        name_latin="Mohammed Al-Ahmad",
    )
    turkish = MigrantFactory(centre=centre, counsellor=counsellor, last_name="Şahin")
    for query, expected in [
        ("al-ahmad", [person]),
        ("SAHIN", [turkish]),
        (person.case_number.lower(), [person]),
    ]:
        response = counsellor_client.get(reverse("integration:migrant-list"), {"q": query})
        assert list(response.context["page"].object_list) == expected, query
