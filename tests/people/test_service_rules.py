"""The rules the forms check hold for every caller: the services refuse bad values too."""

import datetime

import pytest
from django.utils import timezone

from people.enums import CaseStatus, Interpreter
from people.models import Child, Consent, CounsellingSession, Migrant
from people.services import (
    close_case,
    record_consent,
    record_session,
    update_migrant,
    update_session,
    withdraw_consent,
)
from sites.errors import ConflictError, RuleError
from tests.factories import ConsentFactory, MigrantFactory, PartnerFactory, SessionFactory


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor)


def _tomorrow() -> datetime.date:
    # Two days: the parameters are built at collection, which may be before midnight.
    return timezone.localdate() + datetime.timedelta(days=2)


def test_a_case_cannot_be_closed_in_the_future(counsellor, migrant):
    with pytest.raises(RuleError):
        close_case(user=counsellor, migrant=migrant, closed_on=_tomorrow(), reason="moved")
    stored = Migrant.objects.get(pk=migrant.pk)
    assert (stored.status, stored.closed_on, stored.history.count()) == (
        CaseStatus.ACTIVE,
        None,
        migrant.history.count(),
    )


def test_a_consent_cannot_be_given_in_the_future(counsellor, migrant, centre):
    partner = PartnerFactory(municipality=centre.municipality)
    values = {
        "recipient_partner": partner,
        "data_categories": "Name",
        "purpose": "Kursanmeldung",
        "form": "written",
        "given_on": _tomorrow(),
    }
    with pytest.raises(RuleError):
        record_consent(user=counsellor, migrant=migrant, values=values)
    assert not Consent.objects.filter(migrant=migrant).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"recipient_partner": None, "recipient_kind": ""},
        {"form": "oral", "file_note": "  "},
    ],
)
def test_a_consent_needs_a_recipient_and_an_oral_one_a_note(counsellor, migrant, centre, changes):
    values = {
        "recipient_partner": PartnerFactory(municipality=centre.municipality),
        "data_categories": "Name",
        "purpose": "Kursanmeldung",
        "form": "written",
        "given_on": timezone.localdate(),
        **changes,
    }
    with pytest.raises(RuleError):
        record_consent(user=counsellor, migrant=migrant, values=values)
    assert not Consent.objects.filter(migrant=migrant).exists()


def test_a_withdrawal_cannot_be_dated_in_the_future(counsellor, migrant):
    consent = ConsentFactory(migrant=migrant, given_on=datetime.date(2026, 2, 1))
    with pytest.raises(RuleError):
        withdraw_consent(user=counsellor, consent=consent, withdrawn_on=_tomorrow())
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


@pytest.mark.parametrize(
    "changes",
    [
        {"held_on": timezone.localdate() + datetime.timedelta(days=400)},
        {"held_on": datetime.date(1999, 12, 31)},
        {"duration_minutes": 0},
        {"interpreter": Interpreter.PROFESSIONAL, "interpreter_language": ""},
    ],
)
def test_a_session_out_of_range_is_refused(counsellor, migrant, changes):
    values = {
        "held_on": timezone.localdate(),
        "duration_minutes": 45,
        "mode": "in_person",
        "interpreter": Interpreter.NONE,
        **changes,
    }
    with pytest.raises(RuleError):
        record_session(user=counsellor, migrant=migrant, values=values)
    assert not CounsellingSession.objects.filter(migrant=migrant).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"date_of_birth": _tomorrow()},
        {"date_of_birth": datetime.date(1899, 12, 31)},
        {"arrival_on": datetime.date(1980, 1, 1), "date_of_birth": datetime.date(1990, 1, 1)},
        {"intake_on": timezone.localdate() + datetime.timedelta(days=5)},
        {
            "residence_issued_on": datetime.date(2025, 1, 1),
            "residence_valid_until": datetime.date(2024, 1, 1),
        },
        {"interpreter_needed": True, "interpreter_language": ""},
    ],
)
def test_a_person_with_impossible_dates_is_refused(counsellor, migrant, changes):
    with pytest.raises(RuleError):
        update_migrant(
            user=counsellor, migrant=migrant, values=changes, expected_revision=migrant.revision
        )
    assert Migrant.objects.get(pk=migrant.pk).revision == migrant.revision


def test_a_child_born_before_1950_is_refused(counsellor, migrant):
    with pytest.raises(RuleError):
        update_migrant(
            user=counsellor,
            migrant=migrant,
            values={},
            children=[{"id": None, "year_of_birth": 1949, "care": "home", "note": ""}],
            expected_revision=migrant.revision,
        )
    assert not Child.objects.filter(migrant=migrant).exists()
    assert Migrant.objects.get(pk=migrant.pk).revision == migrant.revision


def test_the_service_leaves_the_values_it_was_given_alone(counsellor, migrant):
    values = {"held_on": timezone.localdate(), "duration_minutes": 30, "mode": "in_person"}
    values |= {"interpreter": Interpreter.NONE, "interpreter_language": "ar"}
    given = dict(values)
    session = record_session(user=counsellor, migrant=migrant, values=values)
    assert values == given
    assert (session.interpreter_language, session.history.get().history_user) == ("", counsellor)


def test_a_session_saved_in_the_meantime_is_not_overwritten(counsellor, colleague, migrant):
    session = SessionFactory(migrant=migrant, notes="Erstgespräch")
    update_session(user=colleague, session=session, values={"notes": "Von B"}, expected_revision=1)

    with pytest.raises(ConflictError) as refused:
        update_session(
            user=counsellor, session=session, values={"notes": "Von A"}, expected_revision=1
        )

    assert [change[1:] for change in refused.value.changes] == [("Erstgespräch", "Von B")]
    stored = CounsellingSession.objects.get(pk=session.pk)
    assert (stored.notes, stored.revision) == ("Von B", 2)


def test_a_session_edit_without_a_revision_is_refused(counsellor, migrant):
    session = SessionFactory(migrant=migrant, notes="Erstgespräch")
    with pytest.raises(ConflictError):
        update_session(
            user=counsellor, session=session, values={"notes": "x"}, expected_revision=None
        )
    assert CounsellingSession.objects.get(pk=session.pk).notes == "Erstgespräch"
