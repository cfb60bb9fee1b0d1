"""A case carries its agreement: handover moves it, closing and anonymising end it, and a
migration repairs what the old code left behind."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from agreements.enums import AgreementStatus
from agreements.models import Agreement, SignedDocument
from agreements.services.documents import attach_scan
from agreements.services.drafting import create_agreement
from agreements.services.reminders import home_items, reminder_digests, send_reminders
from agreements.services.reports import evaluation
from integration.privacy import anonymise_migrant
from people.enums import CaseStatus, ClosureReason
from people.models import Migrant
from people.services import close_case, reassign_case, reassign_caseload, reopen_case
from sites.errors import RuleError
from tests.factories import (
    MINIMAL_PNG,
    AgreementFactory,
    GoalFactory,
    MigrantFactory,
    SignedAgreementFactory,
)

pytestmark = pytest.mark.django_db

repair = importlib.import_module("agreements.migrations.0010_repair_case_lifecycle")


def _today() -> datetime.date:
    return timezone.localdate()


def _day(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _prepare(agreement: Agreement, n: int = 0) -> SignedDocument:
    """A frozen document row as preparing writes it (the file itself is not needed here)."""
    return SignedDocument.objects.create(
        agreement=agreement,
        pdf=f"agreements/pdf/2026/11/{agreement.number}-v{agreement.version}.pdf",
        sha256=f"{agreement.pk:064x}",
        verification_code=f"CARRY{agreement.pk}{n}",
        prepared_by=agreement.counsellor,
    )


def _series(counsellor, centre):
    """v1 superseded, v2 active (review overdue), v3 the prepared amendment of v2."""
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    number = f"{migrant.case_number}-IV1"
    v1 = SignedAgreementFactory(
        migrant=migrant, number=number, status=AgreementStatus.SUPERSEDED, next_review_on=None
    )
    v2 = SignedAgreementFactory(
        migrant=migrant, number=number, version=2, predecessor=v1, next_review_on=_day(-1)
    )
    v3 = AgreementFactory(migrant=migrant, number=number, version=3, predecessor=v2)
    _prepare(v3)
    return migrant, v1, v2, v3


def _fresh(*agreements: Agreement) -> list[Agreement]:
    return [Agreement.objects.get(pk=agreement.pk) for agreement in agreements]


# --- handover -------------------------------------------------------------------------


def test_handing_over_a_case_moves_its_open_agreements_and_keeps_its_history(
    supervisor, counsellor, colleague, centre
):
    migrant, v1, v2, v3 = _series(counsellor, centre)
    with translation.override("de"):
        reassign_case(user=supervisor, migrant=migrant, counsellor=colleague)
    v1, v2, v3 = _fresh(v1, v2, v3)
    assert [v.counsellor for v in (v1, v2, v3)] == [counsellor, colleague, colleague]
    assert [v.status for v in (v1, v2, v3)] == [
        AgreementStatus.SUPERSEDED,
        AgreementStatus.ACTIVE,
        AgreementStatus.DRAFT,
    ]
    reason = f"Fall übergeben an {colleague}"
    for version in (v2, v3):
        latest = version.history.latest()
        assert (latest.history_change_reason, latest.history_user) == (reason, supervisor)
    assert v1.history.count() == 1
    assert Migrant.objects.get(pk=migrant.pk).history.latest().history_change_reason == reason
    # The prepared amendment is still the same frozen paper.
    assert SignedDocument.objects.filter(agreement=v3).count() == 1


def test_the_new_counsellor_is_reminded_of_a_handed_over_review(
    client, supervisor, counsellor, colleague, centre
):
    migrant, _v1, active, _v3 = _series(counsellor, centre)
    reassign_case(user=supervisor, migrant=migrant, counsellor=colleague)

    assert home_items(user=colleague)["reviews_overdue"] == [active]
    assert home_items(user=counsellor)["reviews_overdue"] == []
    client.force_login(colleague)
    assert migrant.full_name in client.get(reverse("home")).content.decode()
    due = client.get(reverse("agreements:reviews-due"))
    assert list(due.context["page"]) == [active]

    assert send_reminders(today=_today()) == 1
    (message,) = mail.outbox
    assert message.to == [colleague.email]
    assert active.number in message.body


def test_handing_over_a_caseload_moves_the_drafts_and_active_agreements_of_every_case(
    supervisor, counsellor, colleague, centre
):
    _first, v1, v2, v3 = _series(counsellor, centre)
    second = MigrantFactory(centre=centre, counsellor=counsellor)
    draft = AgreementFactory(migrant=second, number=f"{second.case_number}-IV1")
    closed = MigrantFactory(
        centre=centre, counsellor=counsellor, status=CaseStatus.CLOSED, closed_on=_day(-30)
    )
    completed = SignedAgreementFactory(
        migrant=closed, status=AgreementStatus.COMPLETED, ended_on=_day(-30), next_review_on=None
    )

    moved = reassign_caseload(
        user=supervisor, centre=centre, from_counsellor=counsellor, to_counsellor=colleague
    )

    assert moved == 2
    assert {a.pk for a in Agreement.objects.filter(counsellor=colleague)} == {
        v2.pk,
        v3.pk,
        draft.pk,
    }
    assert {a.pk for a in Agreement.objects.filter(counsellor=counsellor)} == {v1.pk, completed.pk}
    (digest,) = list(reminder_digests(today=_today()))
    assert (digest.user, digest.reviews_overdue) == (colleague, [v2])


def test_a_refused_handover_moves_no_agreement(counsellor, colleague, centre):
    migrant, _v1, v2, _v3 = _series(counsellor, centre)
    with pytest.raises(PermissionDenied):  # only a supervisor reassigns
        reassign_case(user=counsellor, migrant=migrant, counsellor=colleague)
    assert Agreement.objects.get(pk=v2.pk).counsellor == counsellor


# --- closing --------------------------------------------------------------------------


def test_closing_with_goals_reached_completes_the_active_agreement(counsellor, centre):
    migrant, _v1, active, _v3 = _series(counsellor, centre)
    with translation.override("de"):
        close_case(
            user=counsellor,
            migrant=migrant,
            closed_on=_day(-2),
            reason=ClosureReason.GOALS_REACHED,
            note="Arbeitsvertrag unterschrieben",
        )
    active = Agreement.objects.get(pk=active.pk)
    text = "Fall abgeschlossen: Ziele erreicht – Arbeitsvertrag unterschrieben"
    assert (active.status, active.ended_on, active.closure_reason, active.next_review_on) == (
        AgreementStatus.COMPLETED,
        _day(-2),
        text,
        None,
    )
    latest = active.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (text, counsellor)


def test_closing_for_another_reason_ends_the_agreement_and_its_prepared_draft_early(
    client, counsellor, centre
):
    migrant, v1, v2, v3 = _series(counsellor, centre)
    with translation.override("de"):
        close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason=ClosureReason.MOVED)
    v1, v2, v3 = _fresh(v1, v2, v3)
    assert [v.status for v in (v1, v2, v3)] == [
        AgreementStatus.SUPERSEDED,
        AgreementStatus.ENDED_EARLY,
        AgreementStatus.ENDED_EARLY,
    ]
    assert (v2.ended_on, v2.closure_reason) == (_today(), "Fall abgeschlossen: verzogen")
    # The draft is kept with its history and its frozen paper, still never signed.
    assert (v3.ended_on, v3.signed_on, v3.closure_reason) == (
        _today(),
        None,
        "Fall abgeschlossen: verzogen",
    )
    assert SignedDocument.objects.filter(agreement=v3).exists()
    assert v3.history.count() == 2

    # Out of reminders, start page and due lists.
    assert list(reminder_digests(today=_today())) == []
    assert home_items(user=counsellor)["reviews_overdue_count"] == 0
    client.force_login(counsellor)
    assert list(client.get(reverse("agreements:reviews-due")).context["page"]) == []


def test_a_prepared_draft_ended_with_its_case_reads_as_never_signed_and_takes_no_scan(
    client, counsellor, centre
):
    migrant, _v1, _v2, v3 = _series(counsellor, centre)
    close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason=ClosureReason.MOVED)
    client.force_login(counsellor)
    page = client.get(reverse("agreements:sign", args=[v3.pk])).content.decode()
    assert "Diese Version wurde nie unterschrieben: Sie endete mit dem Fall." in page
    assert reverse("agreements:scan-upload", args=[v3.pk]) not in page
    with pytest.raises(RuleError):
        attach_scan(
            agreement=v3,
            user=counsellor,
            upload=SimpleUploadedFile("scan.png", MINIMAL_PNG, content_type="image/png"),
        )
    assert not SignedDocument.objects.get(agreement=v3).scan


def test_closing_a_case_with_only_a_draft_ends_the_draft(counsellor, centre):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    draft = AgreementFactory(migrant=migrant)
    GoalFactory(agreement=draft)
    close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason=ClosureReason.OTHER)
    draft = Agreement.objects.get(pk=draft.pk)
    assert (draft.status, draft.ended_on, draft.goals.count()) == (
        AgreementStatus.ENDED_EARLY,
        _today(),
        1,
    )


def test_closing_before_the_agreement_was_signed_is_refused_and_changes_nothing(counsellor, centre):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor, intake_on=_day(-100))
    active = SignedAgreementFactory(migrant=migrant, signed_on=_day(-10), next_review_on=_day(80))
    with pytest.raises(RuleError):
        close_case(
            user=counsellor, migrant=migrant, closed_on=_day(-11), reason=ClosureReason.MOVED
        )
    assert Migrant.objects.get(pk=migrant.pk).status == CaseStatus.ACTIVE
    assert Agreement.objects.get(pk=active.pk).status == AgreementStatus.ACTIVE


def test_reopening_does_not_revive_the_agreement_and_a_new_one_can_be_written(counsellor, centre):
    migrant, _v1, v2, v3 = _series(counsellor, centre)
    close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason=ClosureReason.MOVED)
    reopen_case(user=counsellor, migrant=migrant, note="zurückgezogen")
    v2, v3 = _fresh(v2, v3)
    assert (v2.status, v3.status) == (AgreementStatus.ENDED_EARLY, AgreementStatus.ENDED_EARLY)
    new = create_agreement(user=counsellor, migrant=Migrant.objects.get(pk=migrant.pk))
    assert (new.status, new.number) == (AgreementStatus.DRAFT, f"{migrant.case_number}-IV2")


def test_a_draft_ended_unsigned_is_not_counted_as_an_agreement_ended_early(counsellor, centre):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    AgreementFactory(migrant=migrant)
    close_case(user=counsellor, migrant=migrant, closed_on=_today(), reason=ClosureReason.MOVED)
    report = evaluation(centres=[centre], date_from=_day(-30), date_to=_today())
    assert report.figure("agreements_ended_early") == 0


def test_the_close_page_says_the_agreement_ends_and_why_a_date_is_refused(
    client, counsellor, centre
):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor, intake_on=_day(-100))
    active = SignedAgreementFactory(migrant=migrant, signed_on=_day(-10), next_review_on=_day(80))
    client.force_login(counsellor)
    url = reverse("integration:migrant-close", args=[migrant.pk])
    # The page speaks German (the site's language).
    assert "Eine laufende Vereinbarung endet mit dem Fall" in client.get(url).content.decode()
    early = client.post(url, {"closed_on": _day(-11).isoformat(), "reason": "moved"})
    signed = _day(-10).strftime("%d.%m.%Y")
    assert f"wurde am {signed} unterschrieben: Der Fall kann nicht" in early.content.decode()
    assert Agreement.objects.get(pk=active.pk).status == AgreementStatus.ACTIVE

    client.post(url, {"closed_on": _today().isoformat(), "reason": "goals_reached"})
    assert Agreement.objects.get(pk=active.pk).status == AgreementStatus.COMPLETED


# --- anonymising ----------------------------------------------------------------------


def test_anonymising_ends_an_agreement_left_open_by_an_earlier_closing(counsellor, centre):
    # Closed before closing ended agreements: the case is closed, its agreement active.
    migrant = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=datetime.date(2026, 2, 20),
        closure_reason=ClosureReason.GOALS_REACHED,
    )
    active = SignedAgreementFactory(migrant=migrant, signed_on=datetime.date(2026, 3, 1))
    draft = AgreementFactory(migrant=migrant, number="X-IV2")
    anonymise_migrant(migrant=migrant)
    active, draft = _fresh(active, draft)
    # Never before its signature, however the case's closing was dated.
    assert (active.status, active.ended_on, active.next_review_on) == (
        AgreementStatus.COMPLETED,
        datetime.date(2026, 3, 1),
        None,
    )
    assert (draft.status, draft.ended_on) == (
        AgreementStatus.ENDED_EARLY,
        datetime.date(2026, 2, 20),
    )
    assert (active.closure_reason, draft.closure_reason) == ("", "")  # blanked with the rest


# --- the repair migration -------------------------------------------------------------


def test_the_repair_ends_agreements_of_closed_and_anonymised_cases(counsellor, centre):
    closed = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=_day(-5),
        closure_reason=ClosureReason.GOALS_REACHED,
        closure_note="Ausbildung begonnen",
    )
    completed = SignedAgreementFactory(migrant=closed)
    draft = AgreementFactory(migrant=closed, number="C-IV2")
    _prepare(draft)
    anonymised = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=_day(-3),
        closure_reason=ClosureReason.MOVED,
        anonymised_at=timezone.now(),
    )
    ended = SignedAgreementFactory(migrant=anonymised)
    open_case = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))

    with translation.override("de"):
        assert repair.end_agreements_of_closed_cases(apps, _today()) == 3
    completed, draft, ended, open_case = _fresh(completed, draft, ended, open_case)
    assert (completed.status, completed.ended_on, completed.closure_reason) == (
        AgreementStatus.COMPLETED,
        _day(-5),
        "Fall abgeschlossen: Ziele erreicht – Ausbildung begonnen",
    )
    assert completed.next_review_on is None
    assert (draft.status, draft.ended_on) == (AgreementStatus.ENDED_EARLY, _day(-5))
    assert SignedDocument.objects.filter(agreement=draft).exists()
    assert (ended.status, ended.ended_on, ended.closure_reason) == (
        AgreementStatus.ENDED_EARLY,
        _day(-3),
        "",
    )
    assert open_case.status == AgreementStatus.ACTIVE
    assert repair.end_agreements_of_closed_cases(apps, _today()) == 0


def test_the_repair_moves_open_agreements_to_the_cases_counsellor(counsellor, colleague, centre):
    # Handed over before handover moved agreements: the case is the colleague's.
    migrant, v1, v2, v3 = _series(counsellor, centre)
    Migrant.objects.filter(pk=migrant.pk).update(counsellor=colleague)

    assert repair.move_agreements_to_the_cases_counsellor(apps) == 2
    v1, v2, v3 = _fresh(v1, v2, v3)
    assert [v.counsellor for v in (v1, v2, v3)] == [counsellor, colleague, colleague]
    assert home_items(user=colleague)["reviews_overdue"] == [v2]
    assert repair.move_agreements_to_the_cases_counsellor(apps) == 0


def test_the_repair_releases_a_prepared_draft_stuck_beside_an_active_agreement(counsellor, centre):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    active = SignedAgreementFactory(migrant=migrant, number=f"{migrant.case_number}-IV1")
    stuck = AgreementFactory(migrant=migrant, number=f"{migrant.case_number}-IV2")
    _prepare(stuck)
    # A prepared amendment of the active version can be signed: it stays prepared.
    other = MigrantFactory(centre=centre, counsellor=counsellor)
    signed = SignedAgreementFactory(migrant=other, number=f"{other.case_number}-IV1")
    amendment = AgreementFactory(migrant=other, number=signed.number, version=2, predecessor=signed)
    _prepare(amendment)
    # A prepared first draft of a person with nothing active can be signed too.
    alone = AgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    _prepare(alone)

    assert repair.release_stuck_prepared_drafts(apps) == 1
    assert not SignedDocument.objects.filter(agreement=stuck).exists()
    assert set(SignedDocument.objects.values_list("agreement", flat=True)) == {
        amendment.pk,
        alone.pk,
    }
    assert Agreement.objects.get(pk=stuck.pk).status == AgreementStatus.DRAFT
    assert Agreement.objects.get(pk=active.pk).status == AgreementStatus.ACTIVE
    assert repair.release_stuck_prepared_drafts(apps) == 0


def test_running_the_whole_repair_twice_changes_nothing_the_second_time(
    counsellor, colleague, centre
):
    migrant, *_versions = _series(counsellor, centre)
    Migrant.objects.filter(pk=migrant.pk).update(counsellor=colleague)
    closed = MigrantFactory(
        centre=centre, counsellor=counsellor, status=CaseStatus.CLOSED, closed_on=_day(-1)
    )
    SignedAgreementFactory(migrant=closed)

    repair.repair_case_lifecycle(apps, None)
    after_first = list(Agreement.objects.order_by("pk").values())
    documents = list(SignedDocument.objects.values_list("pk", flat=True))
    repair.repair_case_lifecycle(apps, None)
    assert list(Agreement.objects.order_by("pk").values()) == after_first
    assert list(SignedDocument.objects.values_list("pk", flat=True)) == documents
