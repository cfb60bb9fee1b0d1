"""The daily reminder digest: the right items, one e-mail a day, no names in it."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from agreements.enums import AgreementStatus, StepStatus
from agreements.models import ReminderDigest
from agreements.services.reminders import reminder_digests, send_reminders
from tests.factories import (
    GoalFactory,
    MigrantFactory,
    SessionFactory,
    SignedAgreementFactory,
    StepFactory,
    counsellor_of,
)

TODAY = datetime.date(2026, 11, 24)
pytestmark = pytest.mark.django_db


def _day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _agreement(counsellor, *, next_review_on, first_name="Amira", **kwargs):
    migrant = MigrantFactory(
        centre=counsellor.memberships.get().centre,
        counsellor=counsellor,
        first_name=first_name,
        last_name="Haddad-Reminder",
    )
    return SignedAgreementFactory(
        migrant=migrant, signed_on=_day(-200), next_review_on=next_review_on, **kwargs
    )


@pytest.fixture
def items(counsellor, colleague):
    overdue = _agreement(counsellor, next_review_on=_day(-1))
    soon = _agreement(counsellor, next_review_on=_day(6))
    _agreement(counsellor, next_review_on=_day(7))  # beyond the week
    _agreement(
        counsellor,
        next_review_on=_day(-30),
        status=AgreementStatus.COMPLETED,
        ended_on=_day(-20),
    )
    goal = GoalFactory(agreement=soon)
    late = StepFactory(goal=goal, due_on=_day(-1), description="Amira ruft an")
    StepFactory(goal=goal, due_on=_day(-1), status=StepStatus.DONE)
    StepFactory(goal=goal, due_on=TODAY)
    appointment = SessionFactory(
        migrant=soon.migrant,
        counsellor=counsellor,
        next_appointment=timezone.make_aware(datetime.datetime(2026, 11, 24, 10, 30)),
    )
    SessionFactory(
        migrant=soon.migrant,
        counsellor=counsellor,
        next_appointment=timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 30)),
    )
    return {"overdue": overdue, "soon": soon, "late": late, "appointment": appointment}


def test_the_digest_lists_the_right_items(items, counsellor, colleague):
    (digest,) = list(reminder_digests(today=TODAY))
    assert digest.user == counsellor
    assert digest.reviews_overdue == [items["overdue"]]
    assert digest.reviews_due_soon == [items["soon"]]
    assert digest.steps_overdue == [items["late"]]
    assert digest.appointments == [items["appointment"]]
    assert digest.item_count == 4


def test_sending_twice_the_same_day_sends_one_email(items, counsellor):
    assert send_reminders(today=TODAY, base_url="https://iv.example.org") == 1
    assert send_reminders(today=TODAY, base_url="https://iv.example.org") == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [counsellor.email]
    assert list(ReminderDigest.objects.values_list("user", "sent_on", "item_count")) == [
        (counsellor.pk, TODAY, 4)
    ]
    # The next day is a new digest.
    assert send_reminders(today=_day(1)) == 1


def test_the_command_does_not_send_twice(items, counsellor):
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert len(mail.outbox) == 1
    assert ReminderDigest.objects.count() == 1
    assert out.getvalue().splitlines() == [
        "Reminder digests for 2026-11-24: 1 sent to counsellors, 0 to supervisors.",
        "Reminder digests for 2026-11-24: 0 sent to counsellors, 0 to supervisors.",
    ]


def test_the_email_names_no_one_and_links_to_each_item(items, counsellor):
    send_reminders(today=TODAY, base_url="https://iv.example.org/")
    message = mail.outbox[0]
    text = message.subject + message.body
    assert "Haddad-Reminder" not in text
    assert "Amira" not in text  # neither the name nor the step's free text
    for agreement in (items["overdue"], items["soon"]):
        assert agreement.number in message.body
        assert f"https://iv.example.org/vereinbarungen/{agreement.pk}/ueberpruefung/neu/" in (
            message.body
        )
    assert items["appointment"].migrant.case_number in message.body
    assert f"https://iv.example.org{items['late'].get_absolute_url()}" in message.body


def test_the_email_is_written_in_the_sites_language(items, settings):
    from django.utils import translation

    with translation.override("en"):
        send_reminders(today=TODAY)
        assert translation.get_language() == "en"  # the caller's language is left alone
    # Whatever language the caller had, the e-mail is rendered in LANGUAGE_CODE.
    with translation.override(settings.LANGUAGE_CODE):
        from django.utils.translation import gettext

        expected = gettext("Reviews overdue")
    assert expected in mail.outbox[0].body


def test_nothing_to_remind_sends_nothing(counsellor):
    _agreement(counsellor, next_review_on=_day(30))
    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []
    assert ReminderDigest.objects.count() == 0


def test_no_digest_for_users_without_address_inactive_or_gone(centre):
    no_address = counsellor_of(centre)
    no_address.email = ""
    no_address.save()
    inactive = counsellor_of(centre)
    inactive.is_active = False
    inactive.save()
    gone = counsellor_of(centre)
    for user in (no_address, inactive, gone):
        _agreement(user, next_review_on=_day(-3))
    gone.memberships.all().delete()
    assert send_reminders(today=TODAY) == 0
    assert mail.outbox == []


def test_each_counsellor_gets_their_own_digest(counsellor, colleague):
    _agreement(counsellor, next_review_on=_day(-3))
    _agreement(colleague, next_review_on=_day(2))
    _agreement(colleague, next_review_on=_day(-8))
    assert send_reminders(today=TODAY) == 2
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {counsellor.email, colleague.email}
    assert ReminderDigest.objects.get(user=colleague).item_count == 2


def test_a_failed_send_is_retried_by_the_next_run(items, counsellor, settings):
    settings.EMAIL_BACKEND = "tests.agreements.test_reminders.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_reminders(today=TODAY)
    assert ReminderDigest.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders(today=TODAY) == 1


class RefusingBackend:
    """A mail server that is down (a real backend interface, not a mock of our code)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
