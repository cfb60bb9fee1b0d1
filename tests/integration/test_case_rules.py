import datetime

import pytest
from django.urls import reverse

from integration.enums import CaseStatus
from integration.models import Consent, Migrant
from integration.services import ConflictError, RuleError, reassign_caseload, withdraw_consent
from tests.factories import ConsentFactory, MigrantFactory, SessionFactory


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor)


def _edit_data(migrant, **overrides):
    data = {
        "first_name": migrant.first_name,
        "last_name": migrant.last_name,
        "sex": migrant.sex,
        "german_level": migrant.german_level,
        "preferred_language": migrant.preferred_language,
        "course_entitlement": migrant.course_entitlement,
        "highest_degree": migrant.highest_degree,
        "intake_on": migrant.intake_on.isoformat(),
        "counsellor": migrant.counsellor_id,
        "revision": migrant.revision,
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
        "qualifications-TOTAL_FORMS": "0",
        "qualifications-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_edit_records_history_with_the_acting_user(counsellor_client, migrant):
    response = counsellor_client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        _edit_data(migrant, phone="0621 123456"),
    )
    assert response.status_code == 302
    migrant.refresh_from_db()
    latest = migrant.history.latest()
    assert (migrant.phone, migrant.revision) == ("0621 123456", 2)
    assert (latest.history_type, latest.history_user.username) == ("~", "berater")


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
    assert migrant.phone == "0621 222"
    labels = [label for label, _old, _new in response.context["conflict"]]
    assert "Telefon" in labels or "phone" in labels


def test_person_history_page_lists_changes_of_sessions_and_consents(counsellor_client, migrant):
    SessionFactory(migrant=migrant)
    ConsentFactory(migrant=migrant)
    response = counsellor_client.get(reverse("integration:migrant-history", args=[migrant.pk]))
    kinds = {entry.kind for entry in response.context["entries"]}
    assert kinds == {"Klient/in", "Beratungsgespräch", "Einwilligung"}


def test_close_and_reopen_a_case_with_reasons(counsellor_client, migrant):
    counsellor_client.post(
        reverse("integration:migrant-close", args=[migrant.pk]),
        {"closed_on": "2026-11-01", "reason": "moved", "note": "nach Mainz verzogen"},
    )
    migrant.refresh_from_db()
    assert (migrant.status, migrant.closed_on, migrant.closure_reason) == (
        CaseStatus.CLOSED,
        datetime.date(2026, 11, 1),
        "moved",
    )
    counsellor_client.post(
        reverse("integration:migrant-reopen", args=[migrant.pk]), {"note": "zurückgezogen"}
    )
    migrant.refresh_from_db()
    assert (migrant.status, migrant.closed_on) == (CaseStatus.ACTIVE, None)


def test_closing_before_intake_is_refused(counsellor_client, migrant):
    response = counsellor_client.post(
        reverse("integration:migrant-close", args=[migrant.pk]),
        {"closed_on": "2020-01-01", "reason": "moved"},
    )
    assert response.status_code == 200
    assert Migrant.objects.get(pk=migrant.pk).status == CaseStatus.ACTIVE


def test_supervisor_reassigns_a_case(supervisor_client, migrant, colleague):
    response = supervisor_client.post(
        reverse("integration:migrant-reassign", args=[migrant.pk]), {"counsellor": colleague.pk}
    )
    assert response.status_code == 302
    assert Migrant.objects.get(pk=migrant.pk).counsellor == colleague


def test_counsellor_cannot_reassign(counsellor_client, migrant, colleague):
    response = counsellor_client.post(
        reverse("integration:migrant-reassign", args=[migrant.pk]), {"counsellor": colleague.pk}
    )
    assert response.status_code == 403
    assert Migrant.objects.get(pk=migrant.pk).counsellor != colleague


def test_supervisor_hands_over_a_whole_caseload(supervisor, counsellor, colleague, centre):
    MigrantFactory.create_batch(3, centre=centre, counsellor=counsellor)
    closed = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=datetime.date(2026, 6, 1),
    )
    moved = reassign_caseload(
        user=supervisor, centre=centre, from_counsellor=counsellor, to_counsellor=colleague
    )
    assert moved == 3
    assert Migrant.objects.get(pk=closed.pk).counsellor == counsellor


def test_caseload_cannot_go_to_someone_outside_the_centre(supervisor, counsellor, outsider, centre):
    MigrantFactory(centre=centre, counsellor=counsellor)
    with pytest.raises(RuleError):
        reassign_caseload(
            user=supervisor, centre=centre, from_counsellor=counsellor, to_counsellor=outsider
        )


def test_oral_consent_needs_a_file_note(counsellor_client, migrant):
    partner = ConsentFactory(migrant=migrant).recipient_partner
    response = counsellor_client.post(
        reverse("integration:consent-add", args=[migrant.pk]),
        {
            "recipient_partner": partner.pk,
            "data_categories": "Name",
            "purpose": "Kurs",
            "form": "oral",
            "file_note": "",
            "given_on": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert "file_note" in response.context["form"].errors
    assert Consent.objects.count() == 1


def test_withdrawn_consent_is_no_longer_valid(counsellor, migrant):
    consent = ConsentFactory(migrant=migrant, given_on=datetime.date(2026, 2, 1))
    withdraw_consent(user=counsellor, consent=consent, withdrawn_on=datetime.date(2026, 10, 1))
    consent.refresh_from_db()
    assert consent.is_valid_on(datetime.date(2026, 9, 30)) is True
    assert consent.is_valid_on(datetime.date(2026, 10, 1)) is False
    with pytest.raises(RuleError):
        withdraw_consent(user=counsellor, consent=consent, withdrawn_on=datetime.date(2026, 10, 2))


def test_programme_hint_is_a_warning_not_a_block(counsellor_client, migrant):
    migrant.date_of_birth = datetime.date.today().replace(year=datetime.date.today().year - 20)
    migrant.save()
    response = counsellor_client.get(migrant.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["warnings"]) == 1


def test_conflict_error_names_the_changed_fields(counsellor, migrant):
    from integration.services import changes_since

    migrant.phone = "1"
    migrant.revision = 2
    migrant._history_user = counsellor
    migrant.save()
    assert [label for label, _o, _n in changes_since(migrant, 1)] == ["Telefon"]
    assert issubclass(ConflictError, Exception)


CASE_URLS = [
    ("integration:migrant-detail", "migrant"),
    ("integration:migrant-edit", "migrant"),
    ("integration:migrant-history", "migrant"),
    ("integration:migrant-close", "migrant"),
    ("integration:migrant-reopen", "migrant"),
    ("integration:migrant-reassign", "migrant"),
    ("integration:session-add", "migrant"),
    ("integration:consent-add", "migrant"),
    ("integration:session-edit", "session"),
    ("integration:consent-withdraw", "consent"),
    ("integration:caseload-reassign", "centre"),
]


@pytest.mark.parametrize(("name", "kind"), CASE_URLS)
def test_case_urls_are_not_found_for_another_centre(client, outsider, migrant, name, kind):
    objects = {
        "migrant": migrant,
        "session": SessionFactory(migrant=migrant),
        "consent": ConsentFactory(migrant=migrant),
        "centre": migrant.centre,
    }
    url = reverse(name, args=[objects[kind].pk])
    client.force_login(outsider)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize(("name", "kind"), CASE_URLS)
def test_case_urls_open_for_owner_and_supervisor(
    client, counsellor, supervisor, migrant, name, kind
):
    objects = {
        "migrant": migrant,
        "session": SessionFactory(migrant=migrant),
        "consent": ConsentFactory(migrant=migrant),
        "centre": migrant.centre,
    }
    url = reverse(name, args=[objects[kind].pk])
    supervisor_only = {"integration:migrant-reassign", "integration:caseload-reassign"}
    for user in (counsellor, supervisor):
        client.force_login(user)
        expected = (403,) if user == counsellor and name in supervisor_only else (200, 405)
        assert client.get(url).status_code in expected, (name, user.username)
