"""Progress is not an amendment: a signed agreement's steps move on without a new
signature, its terms only by an amendment."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.enums import AgreementStatus, GoalStatus, Responsible, StepStatus
from agreements.fingerprint import content_fingerprint
from agreements.models import Agreement, Step
from agreements.services.lifecycle import amend_agreement, record_step_progress
from agreements.versions import compare, with_goals
from sites.errors import ConflictError, RuleError
from tests.factories import GoalFactory, MigrantFactory, SignedAgreementFactory, StepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def agreement(centre, counsellor, today):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    agreement = SignedAgreementFactory(
        migrant=migrant,
        counsellor=counsellor,
        signed_on=today - datetime.timedelta(days=60),
        next_review_on=today + datetime.timedelta(days=30),
    )
    goal = GoalFactory(agreement=agreement, text="Deutsch B1", status=GoalStatus.IN_PROGRESS)
    StepFactory(
        goal=goal,
        description="Anmeldung zum Integrationskurs",
        responsible=Responsible.MIGRANT,
        due_on=today - datetime.timedelta(days=10),
    )
    return agreement


def _step(agreement) -> Step:
    return Step.objects.get(goal__agreement=agreement)


def _record(user, step, **values):
    values.setdefault("expected_revision", step.revision)
    return record_step_progress(user=user, step=step, **values)


def test_a_step_of_a_signed_agreement_is_marked_done_without_a_new_version(
    agreement, counsellor, today
):
    fingerprint = content_fingerprint(Agreement.objects.get(pk=agreement.pk))
    saved = _record(counsellor, _step(agreement), status=StepStatus.DONE, note="angemeldet")

    assert Agreement.objects.filter(number=agreement.number).count() == 1
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and agreement.version == 1
    step = _step(agreement)
    assert (step.status, step.status_on, step.progress_note) == (
        StepStatus.DONE,
        today,
        "angemeldet",
    )
    assert step.revision == saved.revision == 2
    # What was signed is still what is stored: progress is no term.
    assert content_fingerprint(Agreement.objects.get(pk=agreement.pk)) == fingerprint
    entry = step.history.order_by("-history_id").first()
    assert entry.history_user == counsellor
    assert entry.history_change_reason.startswith("Fortschritt: erledigt")


def test_a_step_is_postponed_up_to_the_next_review_and_keeps_its_agreed_date(
    agreement, counsellor, today
):
    step = _step(agreement)
    agreed = step.due_on
    _record(counsellor, step, status=StepStatus.POSTPONED, postponed_to=agreement.next_review_on)

    step = _step(agreement)
    assert step.status == StepStatus.POSTPONED
    assert step.postponed_to == agreement.next_review_on == step.current_due_on
    assert step.due_on == agreed


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (31, "bis zur nächsten Überprüfung"),  # one day past the next review
        (0, "nach heute"),
        (None, "auf welchen Tag"),
    ],
)
def test_a_postponement_beyond_the_limit_or_without_a_date_is_refused(
    agreement, counsellor, today, days, message
):
    step = _step(agreement)
    postponed_to = today + datetime.timedelta(days=days) if days is not None else None
    with pytest.raises(RuleError) as refusal:
        _record(counsellor, step, status=StepStatus.POSTPONED, postponed_to=postponed_to)
    assert message in str(refusal.value)
    assert _step(agreement).status == StepStatus.OPEN
    assert _step(agreement).postponed_to is None


def test_no_postponement_while_the_review_is_overdue(agreement, counsellor, today):
    Agreement.objects.filter(pk=agreement.pk).update(
        next_review_on=today - datetime.timedelta(days=1)
    )
    with pytest.raises(RuleError, match="Überprüfung"):
        _record(
            counsellor,
            _step(agreement),
            status=StepStatus.POSTPONED,
            postponed_to=today + datetime.timedelta(days=5),
        )


def test_progress_in_the_future_or_before_the_signature_is_refused(agreement, counsellor, today):
    for day in (today + datetime.timedelta(days=1), agreement.signed_on - datetime.timedelta(1)):
        with pytest.raises(RuleError):
            _record(counsellor, _step(agreement), status=StepStatus.DONE, on=day)
    assert _step(agreement).status == StepStatus.OPEN


def test_progress_is_refused_on_a_draft_and_a_stale_form_conflicts(agreement, counsellor):
    step = _step(agreement)
    _record(counsellor, step, status=StepStatus.IN_PROGRESS)
    with pytest.raises(ConflictError):
        _record(counsellor, step, status=StepStatus.DONE, expected_revision=step.revision)
    assert _step(agreement).status == StepStatus.IN_PROGRESS

    draft = amend_agreement(user=counsellor, agreement=agreement, reason="Umzug")
    with pytest.raises(RuleError, match="Entwurf"):
        _record(counsellor, Step.objects.get(goal__agreement=draft), status=StepStatus.DONE)


def test_an_amendment_being_written_takes_over_progress_recorded_meanwhile(
    agreement, counsellor, today
):
    draft = amend_agreement(user=counsellor, agreement=agreement, reason="neuer Kurs")
    _record(counsellor, _step(agreement), status=StepStatus.DONE, note="Kurs begonnen")
    copied = Step.objects.get(goal__agreement=draft)
    assert (copied.status, copied.status_on, copied.progress_note) == (
        StepStatus.DONE,
        today,
        "Kurs begonnen",
    )


def test_the_comparison_shows_progress_apart_from_changed_terms(agreement, counsellor):
    draft = amend_agreement(user=counsellor, agreement=agreement, reason="Umzug")
    # Progress on the new version only (as after it was signed): not a change of terms.
    Step.objects.filter(goal__agreement=draft).update(status=StepStatus.DONE)
    old, new = list(
        with_goals(Agreement.objects.filter(number=agreement.number)).order_by("version")
    )
    diff = compare(old, new)
    goal = diff["goals"][0]
    assert goal.state == "progress"
    step = goal.steps[0]
    assert step.state == "progress" and step.fields == []
    assert [(c.label, c.old, c.new) for c in step.progress] == [("Status", "offen", "erledigt")]


# --- the pages ------------------------------------------------------------------------------


def test_one_click_marks_a_step_done_from_the_agreement_page(agreement, counsellor_client, today):
    step = _step(agreement)
    page = counsellor_client.get(agreement.get_absolute_url())
    assert reverse("agreements:step-progress", args=[step.pk]) in page.content.decode()

    response = counsellor_client.post(
        reverse("agreements:step-progress", args=[step.pk]),
        {"status": "done", "revision": step.revision, "shown_in": "agreement"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="agreement-step-{step.pk}"')
    assert "erledigt" in html
    assert _step(agreement).status == StepStatus.DONE


def test_without_javascript_progress_is_saved_and_the_page_reloads(agreement, counsellor_client):
    step = _step(agreement)
    response = counsellor_client.post(
        reverse("agreements:step-progress", args=[step.pk]),
        {"status": "in_progress", "revision": step.revision, "progress_note": "Termin am 3.12."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#step-{step.pk}")
    assert _step(agreement).progress_note == "Termin am 3.12."


def test_a_refused_postponement_keeps_what_was_typed_and_changes_nothing(
    agreement, counsellor_client, today
):
    step = _step(agreement)
    too_late = (agreement.next_review_on + datetime.timedelta(days=40)).isoformat()
    response = counsellor_client.post(
        reverse("agreements:step-progress", args=[step.pk]),
        {
            "status": "postponed",
            "postponed_to": too_late,
            "progress_note": "Kurs voll, Warteliste",
            "revision": step.revision,
            "shown_in": "due-list",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "bis zur nächsten Überprüfung" in html
    assert "Kurs voll, Warteliste" in html and too_late in html
    assert f'id="due-list-step-{step.pk}"' in html
    stored = _step(agreement)
    assert (stored.status, stored.postponed_to, stored.revision) == (StepStatus.OPEN, None, 1)


def test_progress_is_recorded_from_the_overdue_steps_list(agreement, counsellor_client):
    step = _step(agreement)
    page = counsellor_client.get(reverse("agreements:steps-due"))
    html = page.content.decode()
    assert f'id="due-list-step-{step.pk}"' in html
    assert reverse("agreements:step-progress", args=[step.pk]) in html
    response = counsellor_client.post(
        reverse("agreements:step-progress", args=[step.pk]),
        {"status": "cancelled", "revision": step.revision, "shown_in": "due-list"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("agreements:steps-due")
    assert _step(agreement).status == StepStatus.CANCELLED
    after = counsellor_client.get(reverse("agreements:steps-due")).content.decode()
    assert f'id="due-list-step-{step.pk}"' not in after


def test_changing_a_signed_steps_terms_is_refused_with_the_amendment_offered(
    agreement, counsellor_client
):
    step = _step(agreement)
    response = counsellor_client.post(
        reverse("agreements:step-edit", args=[step.pk]),
        {"description": "Etwas anderes", "responsible": "migrant", "revision": step.revision},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Änderung der Vereinbarung" in html
    assert reverse("agreements:amend", args=[agreement.pk]) in html
    assert _step(agreement).description == "Anmeldung zum Integrationskurs"


def test_the_history_names_who_recorded_progress(agreement, counsellor, counsellor_client):
    _record(counsellor, _step(agreement), status=StepStatus.DONE)
    html = counsellor_client.get(
        reverse("agreements:history", args=[agreement.pk])
    ).content.decode()
    assert "Fortschritt: erledigt" in html
    assert str(counsellor) in html


def test_another_centres_step_is_not_found(agreement, outsider, client):
    client.force_login(outsider)
    step = _step(agreement)
    url = reverse("agreements:step-progress", args=[step.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done", "revision": step.revision}).status_code == 404
    assert _step(agreement).status == StepStatus.OPEN


def _agreement_with(centre, counsellor, today, goals: int, steps: int):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    agreement = SignedAgreementFactory(
        migrant=migrant,
        counsellor=counsellor,
        signed_on=today - datetime.timedelta(days=30),
        next_review_on=today + datetime.timedelta(days=30),
    )
    for number in range(goals):
        goal = GoalFactory(agreement=agreement, text=f"Ziel {number}")
        for _ in range(steps):
            StepFactory(goal=goal, due_on=today - datetime.timedelta(days=3))
    return agreement


# Session, user, agreement with person and counsellor, goals, steps with partner and offer,
# successor, versions, reviews - whatever the number of goals and steps.
AGREEMENT_PAGE_QUERIES = 11


@pytest.mark.parametrize(("goals", "steps"), [(1, 1), (20, 3)])
def test_the_agreement_page_needs_the_same_queries_whatever_its_size(
    centre, counsellor, counsellor_client, today, goals, steps, django_assert_num_queries
):
    agreement = _agreement_with(centre, counsellor, today, goals=goals, steps=steps)
    with django_assert_num_queries(AGREEMENT_PAGE_QUERIES):
        response = counsellor_client.get(agreement.get_absolute_url())
    assert response.content.decode().count('name="shown_in" value="agreement"') == 2 * goals * steps


def test_the_start_page_marks_an_overdue_step_done_in_one_click(agreement, counsellor_client):
    step = _step(agreement)
    html = counsellor_client.get(reverse("home")).content.decode()
    assert f'id="home-step-{step.pk}"' in html
    response = counsellor_client.post(
        reverse("agreements:step-progress", args=[step.pk]),
        {"status": "done", "revision": step.revision, "shown_in": "home"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'<li id="home-step-{step.pk}"' in response.content.decode()
    assert _step(agreement).status == StepStatus.DONE


def test_the_steps_own_page_records_progress_without_javascript(agreement, counsellor_client):
    step = _step(agreement)
    url = reverse("agreements:step-progress", args=[step.pk])
    page = counsellor_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<label class="form-label small mb-0" for="progress-{step.pk}-status">' in html
    assert "data-hx-post" not in html.split('id="step-heading"')[1]
