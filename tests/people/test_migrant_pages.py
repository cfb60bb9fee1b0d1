"""The person's pages: create and edit in sections, and the person page (sessions,
consents, closing and reassigning: test_case_pages.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from people.enums import AccessAction, CaseStatus
from people.models import AccessLog, Migrant
from tests.factories import (
    ChildFactory,
    ConsentFactory,
    MigrantFactory,
    QualificationFactory,
    SessionFactory,
)


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor)


def _person_data(**overrides):
    data = {
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


def _edit_data(migrant, **overrides):
    data = {
        "first_name": migrant.first_name,
        "last_name": migrant.last_name,
        "date_of_birth": migrant.date_of_birth.isoformat(),
        "nationality": migrant.nationality,
        "country_of_birth": migrant.country_of_birth,
        "sex": migrant.sex,
        "german_level": migrant.german_level,
        "preferred_language": migrant.preferred_language,
        "course_entitlement": migrant.course_entitlement,
        "highest_degree": migrant.highest_degree,
        "intake_on": migrant.intake_on.isoformat(),
        "revision": migrant.revision,
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
        "qualifications-TOTAL_FORMS": "0",
        "qualifications-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


# --- create ---------------------------------------------------------------------------


def test_counsellor_records_a_person_with_household_and_case_number(
    counsellor_client, counsellor, centre
):
    response = counsellor_client.post(reverse("integration:migrant-create"), _person_data())
    migrant = Migrant.objects.get()
    assert response.status_code == 302
    assert response.url == migrant.get_absolute_url()
    assert (migrant.case_number, migrant.centre, migrant.counsellor) == (
        "LU-2026-0001",
        centre,
        counsellor,
    )
    assert [(c.year_of_birth, c.care) for c in migrant.children.all()] == [(2019, "waiting")]
    assert [q.title for q in migrant.qualifications.all()] == ["Krankenpflegerin"]


def test_case_numbers_count_up_per_centre_and_year(counsellor_client):
    counsellor_client.post(reverse("integration:migrant-create"), _person_data())
    counsellor_client.post(reverse("integration:migrant-create"), _person_data(first_name="Omar"))
    # Another person: the same name and birth date again would stop at the duplicate check.
    counsellor_client.post(
        reverse("integration:migrant-create"),
        _person_data(first_name="Lina", intake_on="2025-12-30"),
    )
    assert sorted(Migrant.objects.values_list("case_number", flat=True)) == [
        "LU-2025-0001",
        "LU-2026-0001",
        "LU-2026-0002",
    ]


def test_new_person_can_be_assigned_to_a_colleague(counsellor_client, colleague):
    counsellor_client.post(
        reverse("integration:migrant-create"), _person_data(counsellor=colleague.pk)
    )
    assert Migrant.objects.get().counsellor == colleague


def test_new_person_cannot_be_assigned_outside_the_centre(counsellor_client, outsider):
    response = counsellor_client.post(
        reverse("integration:migrant-create"), _person_data(counsellor=outsider.pk)
    )
    assert list(response.context["form"].errors) == ["counsellor"]
    assert Migrant.objects.count() == 0


def test_programme_hint_on_create_is_a_warning_not_a_block(counsellor_client):
    young = (_today() - datetime.timedelta(days=20 * 365)).isoformat()
    response = counsellor_client.post(
        reverse("integration:migrant-create"),
        _person_data(date_of_birth=young, arrival_on=_today().isoformat()),
        follow=True,
    )
    assert Migrant.objects.count() == 1
    levels = [message.level_tag for message in response.context["messages"]]
    assert levels == ["success", "warning"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"arrival_on": "1980-01-01"}, "arrival_on"),
        (
            {"residence_issued_on": "2025-05-01", "residence_valid_until": "2025-04-01"},
            "residence_valid_until",
        ),
        (
            {"residence_issued_on": "2025-05-01", "residence_valid_until": "2025-05-01"},
            "residence_valid_until",
        ),
        ({"date_of_birth": "2099-01-01", "arrival_on": ""}, "date_of_birth"),
        ({"interpreter_needed": "on"}, "interpreter_language"),
        ({"first_name": ""}, "first_name"),
        ({"email": "keine-adresse"}, "email"),
        ({"children-0-year_of_birth": "1800"}, None),
    ],
)
def test_bad_input_rerenders_with_messages_and_saves_nothing(counsellor_client, overrides, field):
    response = counsellor_client.post(
        reverse("integration:migrant-create"), _person_data(**overrides)
    )
    assert response.status_code == 200
    if field:
        assert field in response.context["form"].errors
    else:
        assert response.context["children"].total_error_count() == 1
    assert 'id="form-errors"' in response.content.decode()
    assert (Migrant.objects.count(), Migrant.history.count()) == (0, 0)


def test_create_form_lists_only_the_centre_s_foreigners_authority(
    counsellor_client, centre, other_centre
):
    from sites.enums import PartnerKind
    from tests.factories import PartnerFactory

    own = PartnerFactory(municipality=centre.municipality, kind=PartnerKind.FOREIGNERS_AUTHORITY)
    PartnerFactory(municipality=other_centre.municipality, kind=PartnerKind.FOREIGNERS_AUTHORITY)
    PartnerFactory(municipality=centre.municipality, kind=PartnerKind.JOBCENTER)
    response = counsellor_client.get(reverse("integration:migrant-create"))
    choices = list(response.context["form"].fields["foreigners_authority"].queryset)
    assert choices == [own]


# --- edit -----------------------------------------------------------------------------


def test_edit_changes_person_children_and_qualifications(counsellor_client, migrant):
    child = ChildFactory(migrant=migrant, year_of_birth=2018, care="kita")
    qualification = QualificationFactory(migrant=migrant)
    response = counsellor_client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(
            migrant,
            phone="0621 123456",
            **{
                "children-TOTAL_FORMS": "2",
                "children-INITIAL_FORMS": "1",
                "children-0-id": child.pk,
                "children-0-year_of_birth": "2018",
                "children-0-care": "school",
                "children-1-year_of_birth": "2024",
                "children-1-care": "home",
                "qualifications-TOTAL_FORMS": "1",
                "qualifications-INITIAL_FORMS": "1",
                "qualifications-0-id": qualification.pk,
                "qualifications-0-title": qualification.title,
                "qualifications-0-recognition_status": "not_started",
                "qualifications-0-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    migrant.refresh_from_db()
    assert (migrant.phone, migrant.revision) == ("0621 123456", 2)
    assert list(migrant.children.values_list("year_of_birth", "care")) == [
        (2018, "school"),
        (2024, "home"),
    ]
    assert migrant.qualifications.count() == 0


def test_stale_edit_is_refused_and_shows_what_changed(client, counsellor, colleague, migrant):
    stale = _edit_data(migrant, phone="0621 111")
    client.force_login(colleague)
    client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(migrant, phone="0621 222"),
    )
    client.force_login(counsellor)
    response = client.post(reverse("integration:migrant-edit", args=[migrant.pk]), stale)
    assert response.status_code == 409
    migrant.refresh_from_db()
    assert (migrant.phone, migrant.revision) == ("0621 222", 2)
    phone = str(Migrant._meta.get_field("phone").verbose_name)
    assert response.context["conflict"] == [(phone, "–", "0621 222")]
    assert "0621 222" in response.content.decode()


def test_bad_edit_saves_nothing(counsellor_client, migrant):
    response = counsellor_client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(migrant, phone="0621 1", arrival_on="1950-01-01"),
    )
    assert response.status_code == 200
    assert "arrival_on" in response.context["form"].errors
    migrant.refresh_from_db()
    assert (migrant.phone, migrant.revision, migrant.history.count()) == ("", 1, 1)


def test_counsellor_cannot_reassign_through_the_edit_form(counsellor_client, migrant, colleague):
    response = counsellor_client.get(reverse("integration:migrant-edit", args=[migrant.pk]))
    assert "counsellor" not in response.context["form"].fields
    counsellor_client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(migrant, counsellor=colleague.pk),
    )
    assert Migrant.objects.get(pk=migrant.pk).counsellor != colleague


def test_supervisor_may_change_the_counsellor_in_the_edit_form(
    supervisor_client, migrant, colleague
):
    response = supervisor_client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(migrant, counsellor=colleague.pk),
    )
    assert response.status_code == 302
    assert Migrant.objects.get(pk=migrant.pk).counsellor == colleague


def test_an_anonymised_person_cannot_be_edited(counsellor_client, migrant):
    Migrant.objects.filter(pk=migrant.pk).update(
        anonymised_at=timezone.now(), status=CaseStatus.CLOSED, closed_on=_today()
    )
    response = counsellor_client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(migrant, first_name="Neu"),
    )
    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert Migrant.objects.get(pk=migrant.pk).first_name == migrant.first_name


# --- the person page ------------------------------------------------------------------


def test_person_page_shows_every_section_and_logs_the_access(
    counsellor_client, counsellor, migrant
):
    SessionFactory(migrant=migrant, notes="Erstgespräch zum Sprachkurs")
    ChildFactory(migrant=migrant, note="Kita Sonnenschein")
    QualificationFactory(migrant=migrant, title="Elektrikerin")
    ConsentFactory(migrant=migrant, purpose="Vermittlung Kurs 42")
    response = counsellor_client.get(migrant.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Erstgespräch zum Sprachkurs",
        "Kita Sonnenschein",
        "Elektrikerin",
        "Vermittlung Kurs 42",
    ]:
        assert text in html
    for anchor in [
        'id="sessions"',
        'id="consents"',
        'id="household-heading"',
        'id="changes-heading"',
    ]:
        assert anchor in html
    assert list(AccessLog.objects.values_list("migrant", "user", "action")) == [
        (migrant.pk, counsellor.pk, AccessAction.VIEW_PERSON)
    ]


def test_person_page_splits_valid_from_withdrawn_consents(counsellor_client, migrant):
    valid = ConsentFactory(migrant=migrant)
    withdrawn = ConsentFactory(
        migrant=migrant, given_on=datetime.date(2026, 1, 1), withdrawn_on=datetime.date(2026, 2, 1)
    )
    response = counsellor_client.get(migrant.get_absolute_url())
    assert response.context["valid_consents"] == [valid]
    assert response.context["other_consents"] == [withdrawn]


def test_person_page_shows_programme_and_residence_hints(counsellor_client, migrant):
    today = _today()
    migrant.date_of_birth = today.replace(year=today.year - 20)
    migrant.residence_valid_until = today + datetime.timedelta(days=20)
    migrant.save()
    response = counsellor_client.get(migrant.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["warnings"]) == 2


def test_person_page_query_count_does_not_grow_with_the_records(
    counsellor_client, migrant, django_assert_max_num_queries
):
    for _ in range(10):
        SessionFactory(migrant=migrant)
        ConsentFactory(migrant=migrant)
        ChildFactory(migrant=migrant)
    with django_assert_max_num_queries(20):
        response = counsellor_client.get(migrant.get_absolute_url())
    assert len(response.context["recent_changes"]) == 5


def test_person_page_keeps_a_marked_section_for_agreements():
    from pathlib import Path

    from django.conf import settings

    template = Path(settings.BASE_DIR, "templates/people/migrant_detail.html").read_text()
    assert "{% block agreements %}" in template


# --- sessions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "centre_param",
    [
        "\u200f12",
        "1\u200b2",
        "\U0001f600",
        "1\x00",
        "\x07",
        "12abc",
        "١٢",
        "-1",
        "1e3",
        "9" * 5000,  # int() refuses to read so many digits
        str(2**63),  # past bigint
        "0",
    ],
)
def test_a_centre_parameter_that_is_no_plain_number_answers_404_not_500(
    counsellor_client, centre, centre_param
):
    url = reverse("integration:migrant-create")

    response = counsellor_client.get(url, {"centre": centre_param})

    assert response.status_code == 404
    assert counsellor_client.get(url, {"centre": str(centre.pk)}).status_code == 200
