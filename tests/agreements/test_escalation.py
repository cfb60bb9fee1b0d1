"""The supervisors' escalation digest: the team's items overdue beyond the set days, by
counsellor, one e-mail a day, no names in it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.enums import DigestKind, StepStatus
from agreements.models import ReminderDigest
from agreements.services.escalation import (
    ESCALATION_LIST_LIMIT,
    escalation_digests,
    send_escalations,
)
from sites.enums import Role
from tests.factories import (
    CentreFactory,
    GoalFactory,
    MembershipFactory,
    MigrantFactory,
    SignedAgreementFactory,
    StepFactory,
    counsellor_of,
    supervisor_of,
)

TODAY = datetime.date(2026, 11, 24)
pytestmark = pytest.mark.django_db


def _day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _agreement(counsellor, centre, *, next_review_on=None):
    migrant = MigrantFactory(
        centre=centre, counsellor=counsellor, first_name="Amira", last_name="Haddad-Escalation"
    )
    return SignedAgreementFactory(
        migrant=migrant, signed_on=_day(-200), next_review_on=next_review_on or _day(60)
    )


def _step(agreement, *, due_on, **kwargs):
    goal = GoalFactory(agreement=agreement)
    return StepFactory(goal=goal, due_on=due_on, description="Amira ruft Herrn Demir an", **kwargs)


@pytest.fixture
def team(centre, other_centre, counsellor, colleague, supervisor, outsider):
    late_review = _agreement(counsellor, centre, next_review_on=_day(-15))
    _agreement(counsellor, centre, next_review_on=_day(-14))  # exactly the limit: not yet
    active = _agreement(counsellor, centre)
    late_step = _step(active, due_on=_day(-20))
    postponed_late = _step(
        active, due_on=_day(-40), postponed_to=_day(-16), status=StepStatus.POSTPONED
    )
    _step(active, due_on=_day(-40), postponed_to=_day(-3), status=StepStatus.POSTPONED)
    _step(active, due_on=_day(-40), status=StepStatus.DONE)
    _step(active, due_on=_day(-40), status=StepStatus.CANCELLED)
    colleagues_step = _step(
        _agreement(colleague, centre), due_on=_day(-30), status=StepStatus.IN_PROGRESS
    )
    # Another centre's overdue items, and those of a counsellor who left this one.
    _agreement(outsider, other_centre, next_review_on=_day(-60))
    _step(_agreement(outsider, other_centre), due_on=_day(-60))
    gone = counsellor_of(centre)
    _agreement(gone, centre, next_review_on=_day(-60))
    _step(_agreement(gone, centre), due_on=_day(-60))
    gone.memberships.all().delete()
    return {
        "late_review": late_review,
        "late_step": late_step,
        "postponed_late": postponed_late,
        "colleagues_step": colleagues_step,
    }


def test_a_supervisor_gets_the_teams_items_beyond_the_limit_by_counsellor(
    team, supervisor, counsellor, colleague
):
    (escalation,) = list(escalation_digests(today=TODAY))
    assert escalation.user == supervisor
    groups = [
        (items.counsellor_id, items.reviews, items.reviews_total, items.steps, items.steps_total)
        for items in escalation.counsellors
    ]
    assert groups == [
        (counsellor.pk, [team["late_review"]], 1, [team["late_step"], team["postponed_late"]], 2),
        (colleague.pk, [], 0, [team["colleagues_step"]], 1),
    ]
    assert escalation.item_count == 4


def test_the_limit_is_a_setting(team, settings):
    settings.ESCALATION_AFTER_DAYS = 25
    (escalation,) = list(escalation_digests(today=TODAY))
    assert [(items.reviews, items.steps) for items in escalation.counsellors] == [
        ([], [team["colleagues_step"]])
    ]
    settings.ESCALATION_AFTER_DAYS = 30
    assert list(escalation_digests(today=TODAY)) == []


def test_the_email_names_no_one_and_links_to_the_lists_and_each_item(
    team, supervisor, counsellor, colleague
):
    assert send_escalations(today=TODAY, base_url="https://iv.example.org/") == 1
    (message,) = mail.outbox
    assert message.to == [supervisor.email]
    text = message.subject + message.body
    for name in (
        "Amira",
        "Haddad-Escalation",
        "Demir",
        counsellor.username,
        counsellor.last_name,
        colleague.username,
        colleague.last_name,
    ):
        assert name not in text
    assert message.subject == "Überfällig in Ihrem Team am 24.11.2026: 4 Einträge"
    body = message.body
    assert f"Berater/in Nr. {counsellor.pk}: 3 Einträge" in body
    assert f"Berater/in Nr. {colleague.pk}: 1 Eintrag" in body
    assert body.index(f"Nr. {counsellor.pk}") < body.index(f"Nr. {colleague.pk}")
    site = "https://iv.example.org"
    assert (
        f"- {team['late_review'].number}, fällig am 09.11.2026 (15 Tage überfällig): "
        f"{site}/vereinbarungen/{team['late_review'].pk}/" in body
    )
    step = team["postponed_late"]
    assert (
        f"- {step.goal.agreement.number}: Schritt fällig am 08.11.2026 "
        f"(16 Tage überfällig, zuständig: die Klientin / der Klient): "
        f"{site}{step.get_absolute_url()}\n" in body
    )
    assert (
        f"{site}/vereinbarungen/ueberpruefungen/faellig/?state=overdue&counsellor={counsellor.pk}"
        in body
    )
    assert f"{site}/vereinbarungen/schritte/ueberfaellig/?counsellor={colleague.pk}" in body
    assert f"{site}/vereinbarungen/uebersicht/" in body


def test_a_second_run_the_same_day_sends_nothing(team, supervisor):
    assert send_escalations(today=TODAY) == 1
    assert send_escalations(today=TODAY) == 0
    assert len(mail.outbox) == 1
    assert list(ReminderDigest.objects.values_list("user", "kind", "sent_on", "item_count")) == [
        (supervisor.pk, DigestKind.ESCALATION, TODAY, 4)
    ]
    assert send_escalations(today=_day(1)) == 1


def test_a_failed_send_is_retried_by_the_next_run(team, settings):
    settings.EMAIL_BACKEND = "tests.agreements.test_reminders.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_escalations(today=TODAY)
    assert ReminderDigest.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_escalations(today=TODAY) == 1


def test_no_escalation_to_supervisors_without_address_or_inactive(team, supervisor, centre):
    inactive = supervisor_of(centre)
    inactive.is_active = False
    inactive.save()
    supervisor.email = ""
    supervisor.save()
    assert send_escalations(today=TODAY) == 0
    assert mail.outbox == []


def test_each_supervisor_of_the_centre_gets_one_and_other_centres_supervisors_none(
    team, supervisor, centre, other_centre
):
    deputy = supervisor_of(centre)
    supervisor_of(CentreFactory())  # a centre with nothing overdue
    assert send_escalations(today=TODAY) == 2
    assert {message.to[0] for message in mail.outbox} == {supervisor.email, deputy.email}


def test_a_counsellor_in_two_supervised_centres_is_one_group_with_the_most_overdue_first(
    centre, supervisor
):
    second = CentreFactory()
    MembershipFactory(centre=second, user=supervisor, role=Role.SUPERVISOR)
    counsellor = counsellor_of(centre)
    MembershipFactory(centre=second, user=counsellor, role=Role.COUNSELLOR)
    here = _agreement(counsellor, centre)
    there = _agreement(counsellor, second)
    steps = [_step(here, due_on=_day(-20 - n)) for n in range(8)]
    steps += [_step(there, due_on=_day(-30 - n)) for n in range(8)]
    (escalation,) = list(escalation_digests(today=TODAY))
    (items,) = escalation.counsellors
    assert items.steps_total == 16
    expected = sorted(steps, key=lambda step: step.due_on)[:ESCALATION_LIST_LIMIT]
    assert items.steps == expected
    send_escalations(today=TODAY)
    assert "… und 6 weitere" in mail.outbox[0].body


def test_the_queries_do_not_grow_with_supervisors_centres_and_items(centre, supervisor):
    counsellor = counsellor_of(centre)
    _agreement(counsellor, centre, next_review_on=_day(-20))
    with CaptureQueriesContext(connection) as one:
        assert len(list(escalation_digests(today=TODAY))) == 1
    for _ in range(3):
        other = CentreFactory()
        supervisor_of(other)
        MembershipFactory(centre=other, user=supervisor, role=Role.SUPERVISOR)
        for _ in range(3):
            holder = counsellor_of(other)
            for n in range(4):
                agreement = _agreement(holder, other, next_review_on=_day(-20 - n))
                _step(agreement, due_on=_day(-30 - n))
    with CaptureQueriesContext(connection) as many:
        assert len(list(escalation_digests(today=TODAY))) == 4
    assert len(many) == len(one)
    # More supervisors than a batch holds: the same queries again per batch.
    with CaptureQueriesContext(connection) as batched:
        assert len(list(escalation_digests(today=TODAY, batch_size=2))) == 4
    per_batch = len(one) - 1
    assert len(batched) == 1 + 2 * per_batch


def test_a_supervisor_who_holds_cases_gets_both_digests_and_the_command_counts_them(
    centre, supervisor, counsellor
):
    _agreement(supervisor, centre, next_review_on=_day(-20))
    _agreement(counsellor, centre, next_review_on=_day(-2))
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert sorted(ReminderDigest.objects.values_list("user", "kind")) == sorted(
        [
            (supervisor.pk, DigestKind.REMINDER),
            (counsellor.pk, DigestKind.REMINDER),
            (supervisor.pk, DigestKind.ESCALATION),
        ]
    )
    assert len(mail.outbox) == 3
    assert out.getvalue().splitlines() == [
        "Reminder digests for 2026-11-24: 2 sent to counsellors, 1 to supervisors.",
        "Reminder digests for 2026-11-24: 0 sent to counsellors, 0 to supervisors.",
    ]
