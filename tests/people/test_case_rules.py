"""Business rules of cases, through the services (the pages are tested elsewhere)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from people.enums import CaseStatus, Interpreter
from people.forms import ConsentRecordForm, MigrantForm, SessionForm, cleaned_values
from people.history import attached_changes_since
from people.models import CaseNumberCounter, Child, Migrant
from people.services import (
    close_case,
    next_case_number,
    person_warnings,
    reassign_case,
    reassign_caseload,
    record_consent,
    record_session,
    reopen_case,
    withdraw_consent,
)
from sites.attribution import acting_user
from sites.changes import changes_since
from sites.enums import ServiceType
from sites.errors import ConflictError, RuleError
from tests.factories import (
    CentreFactory,
    ChildFactory,
    ConsentFactory,
    MigrantFactory,
    counsellor_of,
)


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor)


def _today() -> datetime.date:
    return timezone.localdate()


# --- case numbers ---------------------------------------------------------------------


def test_case_numbers_count_per_centre_and_year(centre, other_centre):
    numbers = [
        next_case_number(centre=centre, on=datetime.date(2026, 3, 1)),
        next_case_number(centre=centre, on=datetime.date(2026, 9, 1)),
        next_case_number(centre=other_centre, on=datetime.date(2026, 3, 1)),
        next_case_number(centre=centre, on=datetime.date(2027, 1, 2)),
    ]
    assert numbers == ["LU-2026-0001", "LU-2026-0002", "L-2026-0001", "LU-2027-0001"]
    assert CaseNumberCounter.objects.get(centre=centre, year=2026).last_number == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between threads need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_case_numbers_never_collide():
    centre = CentreFactory(code="PAR")
    start = threading.Barrier(4)
    numbers: list[str] = []

    def draw() -> None:
        try:
            start.wait()
            for _ in range(5):
                numbers.append(next_case_number(centre=centre, on=datetime.date(2026, 5, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(numbers) == [f"PAR-2026-{n:04d}" for n in range(1, 21)]


# --- optimistic locking ---------------------------------------------------------------


def test_changes_since_names_the_changed_fields_with_old_and_new_value(counsellor, migrant):
    migrant.phone = "0621 1"
    migrant.revision = 2
    with acting_user(counsellor):
        migrant.save()
    label = str(Migrant._meta.get_field("phone").verbose_name)
    assert changes_since(migrant, 1) == [(label, "–", "0621 1")]


def test_conflict_lists_children_added_since_the_form_was_loaded(counsellor, migrant):
    migrant.revision = 2
    with acting_user(counsellor):
        migrant.save()
    ChildFactory(migrant=migrant, year_of_birth=2021, care="kita")
    changes = attached_changes_since(migrant, 1)
    assert [(label, old) for label, old, _new in changes] == [(str(Child._meta.verbose_name), "–")]
    assert changes[0][2].startswith("2021")


def test_conflict_does_not_report_children_saved_with_the_loaded_version(counsellor, migrant):
    ChildFactory(migrant=migrant)
    migrant.revision = 2
    migrant.phone = "1"
    with acting_user(counsellor):
        migrant.save()
    assert attached_changes_since(migrant, 1) == []


def test_stale_update_raises_a_conflict_and_writes_nothing(counsellor, colleague, migrant):
    from people.services import update_migrant

    def form(phone: str) -> MigrantForm:
        data = {
            "first_name": migrant.first_name,
            "last_name": migrant.last_name,
            "sex": migrant.sex,
            "german_level": migrant.german_level,
            "preferred_language": migrant.preferred_language,
            "course_entitlement": migrant.course_entitlement,
            "highest_degree": migrant.highest_degree,
            "intake_on": migrant.intake_on.isoformat(),
            "date_of_birth": migrant.date_of_birth.isoformat(),
            "nationality": migrant.nationality,
            "country_of_birth": migrant.country_of_birth,
            "phone": phone,
        }
        bound = MigrantForm(
            data,
            instance=Migrant.objects.get(pk=migrant.pk),
            centre=migrant.centre,
            can_assign=False,
        )
        assert bound.is_valid(), bound.errors
        return bound

    first, second = form("0621 1"), form("0621 2")
    update_migrant(
        user=counsellor, migrant=migrant, values=cleaned_values(first), expected_revision=1
    )
    with pytest.raises(ConflictError) as raised:
        update_migrant(
            user=colleague, migrant=migrant, values=cleaned_values(second), expected_revision=1
        )
    stored = Migrant.objects.get(pk=migrant.pk)
    assert (stored.phone, stored.revision) == ("0621 1", 2)
    assert [new for _label, _old, new in raised.value.changes] == ["0621 1"]


# --- closing, reopening, reassigning ----------------------------------------------------


def test_closing_before_intake_is_refused(counsellor, migrant):
    with pytest.raises(RuleError):
        close_case(
            user=counsellor,
            migrant=migrant,
            closed_on=migrant.intake_on - datetime.timedelta(days=1),
            reason="moved",
        )
    assert Migrant.objects.get(pk=migrant.pk).status == CaseStatus.ACTIVE


def test_a_closed_case_cannot_be_closed_twice_and_an_open_one_not_reopened(counsellor, migrant):
    with pytest.raises(RuleError):
        reopen_case(user=counsellor, migrant=migrant, note="war nie zu")
    close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason="moved")
    with pytest.raises(RuleError):
        close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason="moved")


def test_reopening_keeps_the_reason_in_the_history(counsellor, migrant):
    close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason="no_contact")
    reopen_case(user=counsellor, migrant=migrant, note="meldet sich wieder")
    stored = Migrant.objects.get(pk=migrant.pk)
    latest = stored.history.latest()
    assert (stored.status, stored.closed_on, stored.closure_reason) == (CaseStatus.ACTIVE, None, "")
    assert (latest.history_change_reason, latest.history_user) == ("meldet sich wieder", counsellor)


def test_only_a_supervisor_of_the_centre_reassigns(counsellor, colleague, supervisor, migrant):
    with pytest.raises(PermissionDenied):
        reassign_case(user=counsellor, migrant=migrant, counsellor=colleague)
    reassign_case(user=supervisor, migrant=migrant, counsellor=colleague)
    assert Migrant.objects.get(pk=migrant.pk).counsellor == colleague


def test_a_case_cannot_go_to_a_deactivated_colleague(supervisor, colleague, migrant):
    colleague.is_active = False
    colleague.save()
    with pytest.raises(RuleError):
        reassign_case(user=supervisor, migrant=migrant, counsellor=colleague)


def test_supervisor_hands_over_the_active_cases_of_a_colleague_who_left(
    supervisor, counsellor, colleague, centre
):
    MigrantFactory.create_batch(3, centre=centre, counsellor=counsellor)
    closed = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=datetime.date(2026, 6, 1),
    )
    counsellor.is_active = False
    counsellor.save()
    moved = reassign_caseload(
        user=supervisor, centre=centre, from_counsellor=counsellor, to_counsellor=colleague
    )
    assert moved == 3
    assert Migrant.objects.filter(counsellor=colleague).count() == 3
    assert Migrant.objects.get(pk=closed.pk).counsellor == counsellor
    assert {
        m.history.latest().history_user for m in Migrant.objects.filter(counsellor=colleague)
    } == {supervisor}


def test_caseload_cannot_go_to_someone_outside_the_centre(supervisor, counsellor, outsider, centre):
    MigrantFactory(centre=centre, counsellor=counsellor)
    with pytest.raises(RuleError):
        reassign_caseload(
            user=supervisor, centre=centre, from_counsellor=counsellor, to_counsellor=outsider
        )
    assert Migrant.objects.filter(counsellor=outsider).count() == 0


def test_a_counsellor_cannot_hand_over_a_caseload(counsellor, colleague, centre):
    MigrantFactory(centre=centre, counsellor=counsellor)
    with pytest.raises(PermissionDenied):
        reassign_caseload(
            user=counsellor, centre=centre, from_counsellor=counsellor, to_counsellor=colleague
        )


# --- sessions -------------------------------------------------------------------------


def _session_form(**overrides) -> SessionForm:
    data = {
        "held_on": _today().isoformat(),
        "duration_minutes": "45",
        "mode": "in_person",
        "interpreter": Interpreter.NONE,
    }
    data.update(overrides)
    return SessionForm(data)


def test_session_a_year_ahead_is_allowed_but_not_a_day_more(db):
    assert _session_form(held_on=(_today() + datetime.timedelta(days=365)).isoformat()).is_valid()
    late = _session_form(held_on=(_today() + datetime.timedelta(days=366)).isoformat())
    assert list(late.errors) == ["held_on"]


def test_an_interpreter_needs_a_language(db):
    form = _session_form(interpreter=Interpreter.PROFESSIONAL)
    assert list(form.errors) == ["interpreter_language"]


def test_a_minor_interpreting_is_a_warning_not_an_error(counsellor, migrant):
    form = _session_form(
        interpreter=Interpreter.FAMILY, interpreter_language="ar", interpreter_is_minor="on"
    )
    assert form.is_valid(), form.errors
    assert len(form.warnings) == 1
    session = record_session(user=counsellor, migrant=migrant, values=cleaned_values(form))
    assert session.interpreter_is_minor is True


def test_no_interpreter_clears_language_and_minor_flag(counsellor, migrant):
    form = _session_form(interpreter_language="ar", interpreter_is_minor="on")
    assert form.is_valid(), form.errors
    session = record_session(user=counsellor, migrant=migrant, values=cleaned_values(form))
    assert (session.interpreter_language, session.interpreter_is_minor, form.warnings) == (
        "",
        False,
        [],
    )


def test_next_appointment_before_the_session_is_refused(db):
    form = _session_form(
        next_appointment=f"{(_today() - datetime.timedelta(days=1)):%Y-%m-%d}T10:00"
    )
    assert list(form.errors) == ["next_appointment"]


def test_an_anonymised_case_takes_no_new_session(counsellor, migrant):
    Migrant.objects.filter(pk=migrant.pk).update(anonymised_at=timezone.now())
    migrant.refresh_from_db()
    form = _session_form()
    assert form.is_valid()
    with pytest.raises(RuleError):
        record_session(user=counsellor, migrant=migrant, values=cleaned_values(form))


# --- consents -------------------------------------------------------------------------


def _consent_form(migrant, partner, **overrides) -> ConsentRecordForm:
    data = {
        "recipient_partner": partner.pk,
        "data_categories": "Name",
        "purpose": "Kursanmeldung",
        "form": "written",
        "given_on": _today().isoformat(),
    }
    data.update(overrides)
    return ConsentRecordForm(data, migrant=migrant)


def test_oral_consent_needs_a_file_note(migrant):
    partner = ConsentFactory(migrant=migrant).recipient_partner
    assert list(_consent_form(migrant, partner, form="oral").errors) == ["file_note"]
    assert _consent_form(migrant, partner, form="oral", file_note="mündlich erklärt").is_valid()


def test_consent_needs_a_recipient(migrant):
    partner = ConsentFactory(migrant=migrant).recipient_partner
    form = _consent_form(migrant, partner, recipient_partner="")
    assert list(form.errors) == ["recipient_partner"]
    assert _consent_form(
        migrant, partner, recipient_partner="", recipient_kind="jobcenter"
    ).is_valid()


def test_consent_cannot_name_a_partner_of_another_municipality(migrant, other_centre):
    foreign = ConsentFactory(migrant=MigrantFactory(centre=other_centre)).recipient_partner
    assert list(_consent_form(migrant, foreign).errors) == ["recipient_partner"]


def test_consent_is_recorded_with_the_acting_user(counsellor, migrant):
    partner = ConsentFactory(migrant=migrant).recipient_partner
    form = _consent_form(migrant, partner)
    assert form.is_valid(), form.errors
    consent = record_consent(user=counsellor, migrant=migrant, values=cleaned_values(form))
    assert consent.history.get().history_user == counsellor


def test_withdrawn_consent_is_no_longer_valid(counsellor, migrant):
    consent = ConsentFactory(migrant=migrant, given_on=datetime.date(2026, 2, 1))
    withdraw_consent(user=counsellor, consent=consent, withdrawn_on=datetime.date(2026, 10, 1))
    consent.refresh_from_db()
    assert consent.is_valid_on(datetime.date(2026, 9, 30)) is True
    assert consent.is_valid_on(datetime.date(2026, 10, 1)) is False
    assert consent.history.latest().history_user == counsellor
    with pytest.raises(RuleError):
        withdraw_consent(user=counsellor, consent=consent, withdrawn_on=datetime.date(2026, 10, 2))


def test_consent_cannot_be_withdrawn_before_it_was_given(counsellor, migrant):
    consent = ConsentFactory(migrant=migrant, given_on=datetime.date(2026, 2, 1))
    with pytest.raises(RuleError):
        withdraw_consent(user=counsellor, consent=consent, withdrawn_on=datetime.date(2026, 1, 1))
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# --- hints ----------------------------------------------------------------------------


def _born_years_ago(years: int) -> datetime.date:
    today = _today()
    return today.replace(year=today.year - years) - datetime.timedelta(days=10)


@pytest.mark.parametrize(
    ("service", "age", "warnings"),
    [
        (ServiceType.MBE, 20, 1),
        (ServiceType.MBE, 27, 0),
        (ServiceType.JMD, 20, 0),
        (ServiceType.JMD, 35, 1),
        (ServiceType.MUNICIPAL, 15, 0),
    ],
)
def test_programme_hints_follow_the_age(db, service, age, warnings):
    centre = CentreFactory(service_type=service)
    person = MigrantFactory(
        centre=centre, counsellor=counsellor_of(centre), date_of_birth=_born_years_ago(age)
    )
    assert len(person_warnings(person)) == warnings


def test_a_residence_title_running_out_is_a_hint(migrant):
    migrant.residence_valid_until = _today() + datetime.timedelta(days=30)
    assert len(person_warnings(migrant)) == 1
    migrant.residence_valid_until = _today() + datetime.timedelta(days=300)
    assert person_warnings(migrant) == []
    migrant.residence_valid_until = _today() - datetime.timedelta(days=1)
    assert len(person_warnings(migrant)) == 1
