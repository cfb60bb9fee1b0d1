"""Demo people: realistic, valid by the same rules as the forms, deterministic, idempotent."""

import datetime

import pytest
from django.db.models import Count

from integration.demo import BERATER_CASELOAD, COLLEAGUE_CASELOAD, PEOPLE_PER_CENTRE, seed_cases
from people.enums import CaseStatus, ConsentForm, Interpreter
from people.models import (
    CaseNumberCounter,
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
)
from people.services import next_case_number
from sites.enums import PartnerKind, ServiceType
from tests.factories import TODAY, CentreFactory, PartnerFactory, counsellor_of


@pytest.fixture
def demo_centres(centre, counsellor, colleague):
    """`centre` holds the `berater` login; a JMD centre has two counsellors of its own."""
    youth = CentreFactory(code="JM", service_type=ServiceType.JMD)
    counsellor_of(youth)
    counsellor_of(youth)
    for municipality in {centre.municipality, youth.municipality}:
        PartnerFactory(municipality=municipality, kind=PartnerKind.FOREIGNERS_AUTHORITY)
        PartnerFactory(municipality=municipality, kind=PartnerKind.JOBCENTER)
        PartnerFactory(municipality=municipality, kind=PartnerKind.COURSE_PROVIDER)
    return centre, youth


def _snapshot():
    return list(
        Migrant.objects.order_by("case_number").values_list(
            "case_number", "first_name", "date_of_birth", "counsellor__username", "status"
        )
    )


def test_berater_gets_a_caseload_of_about_forty_and_every_centre_people(
    demo_centres, counsellor, colleague
):
    _centre, youth = demo_centres
    seed_cases(seed=7, today=TODAY)
    per_counsellor = dict(
        Migrant.objects.values_list("counsellor__username").annotate(n=Count("id"))
    )
    assert per_counsellor["berater"] == BERATER_CASELOAD
    assert per_counsellor["kollegin"] == COLLEAGUE_CASELOAD
    assert Migrant.objects.filter(centre=youth).count() == PEOPLE_PER_CENTRE


def test_demo_people_are_varied(demo_centres):
    seed_cases(seed=7, today=TODAY)
    people = Migrant.objects.all()
    assert people.values("nationality").distinct().count() >= 8
    assert people.values("residence_status").distinct().count() >= 5
    assert people.exclude(name_latin="").count() >= 20
    assert Child.objects.count() >= 40
    assert Qualification.objects.count() >= 20
    assert CounsellingSession.objects.exclude(interpreter=Interpreter.NONE).count() >= 20
    assert CounsellingSession.objects.filter(interpreter_is_minor=True).exists()
    assert Consent.objects.filter(withdrawn_on__isnull=False).exists()
    assert people.filter(status=CaseStatus.CLOSED).exists()


def test_demo_data_keeps_the_rules_of_the_forms(demo_centres):
    seed_cases(seed=7, today=TODAY)
    for person in Migrant.objects.all():
        assert person.arrival_on >= person.date_of_birth
        assert person.intake_on <= TODAY
        if person.residence_valid_until:
            assert person.residence_valid_until > person.residence_issued_on
        if person.status == CaseStatus.CLOSED:
            assert person.intake_on <= person.closed_on <= TODAY
    last_allowed = TODAY + datetime.timedelta(days=365)
    assert not CounsellingSession.objects.filter(held_on__gt=last_allowed).exists()
    assert not Consent.objects.filter(form=ConsentForm.ORAL, file_note="").exists()
    for session in CounsellingSession.objects.exclude(interpreter=Interpreter.NONE):
        assert session.interpreter_language


def test_demo_history_names_the_counsellor(demo_centres):
    seed_cases(seed=7, today=TODAY)
    person = Migrant.objects.filter(counsellor__username="berater").first()
    created = person.history.get()
    assert (created.history_user, created.history_date.date()) == (
        person.counsellor,
        person.intake_on,
    )
    assert {s.history.get().history_user for s in person.sessions.all()} == {person.counsellor}


def test_demo_is_deterministic_and_idempotent(demo_centres):
    seed_cases(seed=7, today=TODAY)
    first = _snapshot()
    seed_cases(seed=7, today=TODAY)
    assert _snapshot() == first
    Migrant.objects.all().delete()
    CaseNumberCounter.objects.all().delete()
    seed_cases(seed=7, today=TODAY)
    assert _snapshot() == first


def test_case_numbers_continue_after_the_demo(demo_centres):
    centre, _youth = demo_centres
    seed_cases(seed=7, today=TODAY)
    last = (
        Migrant.objects.filter(centre=centre, case_number__startswith=f"LU-{TODAY.year}-")
        .order_by("-case_number")
        .values_list("case_number", flat=True)
        .first()
    )
    following = next_case_number(centre=centre, on=TODAY)
    assert int(following.rsplit("-", 1)[1]) == int((last or "LU-0-0000").rsplit("-", 1)[1]) + 1
