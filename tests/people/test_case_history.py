"""Who changed what and when: every change through the pages leaves a history entry that
names the acting user, and the history page shows them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from people.enums import AccessAction
from people.history import person_history
from people.models import AccessLog, Child, Consent, CounsellingSession, Migrant, Qualification
from sites.attribution import acting_user
from tests.factories import ChildFactory, ConsentFactory, MigrantFactory, SessionFactory


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor)


def _latest_user(model, **filters):
    return model.history.filter(**filters).latest().history_user


def test_creating_a_person_records_the_acting_user_on_every_row(counsellor_client, counsellor):
    counsellor_client.post(
        reverse("integration:migrant-create"),
        {
            "first_name": "Omar",
            "last_name": "Haddad",
            "sex": "male",
            "german_level": "A1",
            "preferred_language": "ar",
            "course_entitlement": "entitled",
            "highest_degree": "secondary",
            "intake_on": "2026-03-01",
            "children-TOTAL_FORMS": "1",
            "children-INITIAL_FORMS": "0",
            "children-0-year_of_birth": "2020",
            "children-0-care": "kita",
            "qualifications-TOTAL_FORMS": "1",
            "qualifications-INITIAL_FORMS": "0",
            "qualifications-0-title": "Schweißer",
            "qualifications-0-recognition_status": "not_started",
        },
    )
    rows = [
        (model, row.history_type, row.history_user)
        for model in (Migrant, Child, Qualification)
        for row in model.history.all()
    ]
    assert rows == [
        (Migrant, "+", counsellor),
        (Child, "+", counsellor),
        (Qualification, "+", counsellor),
    ]


def test_edit_history_names_the_colleague_who_edited(client, colleague, migrant):
    child = ChildFactory(migrant=migrant)
    client.force_login(colleague)
    response = client.post(
        reverse("integration:migrant-edit", args=[migrant.pk]),
        {
            "first_name": migrant.first_name,
            "last_name": migrant.last_name,
            "sex": migrant.sex,
            "german_level": "B1",
            "preferred_language": migrant.preferred_language,
            "course_entitlement": migrant.course_entitlement,
            "highest_degree": migrant.highest_degree,
            "intake_on": migrant.intake_on.isoformat(),
            "revision": migrant.revision,
            "children-TOTAL_FORMS": "1",
            "children-INITIAL_FORMS": "1",
            "children-0-id": child.pk,
            "children-0-year_of_birth": child.year_of_birth,
            "children-0-care": child.care,
            "children-0-DELETE": "on",
            "qualifications-TOTAL_FORMS": "0",
            "qualifications-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert _latest_user(Migrant, id=migrant.pk) == colleague
    deletion = Child.history.filter(id=child.pk).latest()
    assert (deletion.history_type, deletion.history_user) == ("-", colleague)


def test_sessions_consents_closing_and_reassigning_record_the_acting_user(
    client, counsellor, colleague, supervisor, migrant
):
    client.force_login(counsellor)
    client.post(
        reverse("integration:session-add", args=[migrant.pk]),
        {"held_on": "2026-11-02", "duration_minutes": "30", "mode": "phone", "interpreter": "none"},
    )
    session = CounsellingSession.objects.get()
    consent = ConsentFactory(migrant=migrant)
    client.force_login(colleague)
    client.post(
        reverse("integration:session-edit", args=[session.pk]),
        {
            "held_on": "2026-11-02",
            "duration_minutes": "45",
            "mode": "phone",
            "interpreter": "none",
            "revision": session.revision,
        },
    )
    client.post(
        reverse("integration:consent-withdraw", args=[consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    client.post(
        reverse("integration:migrant-close", args=[migrant.pk]),
        {"closed_on": timezone.localdate().isoformat(), "reason": "moved"},
    )
    client.force_login(supervisor)
    client.post(reverse("integration:migrant-reopen", args=[migrant.pk]), {"note": "zurück"})
    client.post(
        reverse("integration:migrant-reassign", args=[migrant.pk]), {"counsellor": colleague.pk}
    )

    assert [row.history_user for row in session.history.order_by("history_id")] == [
        counsellor,
        colleague,
    ]
    assert _latest_user(Consent, id=consent.pk) == colleague
    users = [
        (row.status, row.counsellor_id, row.history_user)
        for row in Migrant.history.filter(id=migrant.pk).order_by("history_id")
    ]
    assert users == [
        ("active", migrant.counsellor_id, None),
        ("closed", migrant.counsellor_id, colleague),
        ("active", migrant.counsellor_id, supervisor),
        ("active", colleague.pk, supervisor),
    ]


def test_history_page_lists_who_changed_what_and_logs_the_read(
    client, counsellor, colleague, migrant
):
    SessionFactory(migrant=migrant)
    migrant.phone = "0621 42"
    migrant.revision += 1
    with acting_user(colleague):
        migrant.save()
    client.force_login(counsellor)
    response = client.get(reverse("integration:migrant-history", args=[migrant.pk]))
    entries = response.context["entries"]
    kinds = {entry.kind for entry in entries}
    assert kinds == {str(Migrant._meta.verbose_name), str(CounsellingSession._meta.verbose_name)}
    newest = entries[0]
    phone = str(Migrant._meta.get_field("phone").verbose_name)
    assert (newest.user, newest.action, newest.changes) == (
        colleague,
        "~",
        [(phone, "–", "0621 42")],
    )
    assert "0621 42" in response.content.decode()
    assert (
        AccessLog.objects.filter(
            migrant=migrant, user=counsellor, action=AccessAction.VIEW_PERSON
        ).count()
        == 1
    )


def test_person_history_is_newest_first_across_record_kinds(counsellor, migrant):
    SessionFactory(migrant=migrant, held_on=datetime.date(2026, 4, 1))
    ConsentFactory(migrant=migrant)
    whens = [entry.when for entry in person_history(migrant)]
    assert whens == sorted(whens, reverse=True)
    assert len(whens) == 3


def test_person_history_shows_choices_in_the_reader_s_language(counsellor, migrant):
    from django.utils import translation

    migrant.nationality = "SY"
    migrant.german_level = "B1"
    migrant.save()

    def shown(language: str) -> set[str]:
        with translation.override(language):
            return {new for entry in person_history(migrant) for _label, _old, new in entry.changes}

    assert "Syrien" in shown("de")
    assert "Syria" in shown("en")
    assert "Syrien" in shown("de")


def test_person_history_shows_each_person_only_their_own_records(counsellor, centre, migrant):
    other = MigrantFactory(centre=centre, counsellor=counsellor)
    SessionFactory(migrant=other, held_on=datetime.date(2026, 5, 4))
    ChildFactory(migrant=other, year_of_birth=2019)
    person_history(migrant)  # the first call compiles each kind's query once

    labels = {(entry.kind, entry.object_label) for entry in person_history(other)}
    own = {(entry.kind, entry.object_label) for entry in person_history(migrant)}

    session, child = (str(m._meta.verbose_name) for m in (CounsellingSession, Child))
    assert {(session, "04.05.2026"), (child, "2019")} <= labels
    assert not {(session, "04.05.2026"), (child, "2019")} & own


def test_person_history_names_the_user_and_the_system(counsellor, migrant):
    migrant.phone = "0621 43"
    with acting_user(counsellor):
        migrant.save()

    users = [entry.user for entry in person_history(migrant)]

    assert users == [counsellor, None]  # the factory wrote the first row without a user
    assert str(users[0]) == counsellor.get_full_name()
