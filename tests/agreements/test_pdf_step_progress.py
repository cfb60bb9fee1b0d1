"""The printed agreement tells the truth about steps: their status, a postponed date beside
the agreed one, and no done or cancelled step among the open commitments."""

import datetime
import io

import pytest
from pypdf import PdfReader

from agreements.content import commitments
from agreements.enums import Responsible, StepStatus
from agreements.fingerprint import content_fingerprint
from agreements.pdf import render_agreement_pdf
from tests.factories import GoalFactory, MigrantFactory, SignedAgreementFactory, StepFactory


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def agreement(centre, counsellor):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    agreement = SignedAgreementFactory(migrant=migrant, document_language="ru")
    goal = GoalFactory(agreement=agreement, text="Deutsch B1")
    steps = [
        ("Kurs suchen", Responsible.MIGRANT, StepStatus.OPEN, None, None),
        ("Kurs besuchen", Responsible.MIGRANT, StepStatus.IN_PROGRESS, (2026, 4, 2), None),
        ("Anmeldung schicken", Responsible.MIGRANT, StepStatus.DONE, (2026, 4, 9), None),
        ("Fahrkarte beantragen", Responsible.COUNSELLOR, StepStatus.CANCELLED, (2026, 4, 10), None),
        ("Zeugnis übersetzen", Responsible.COUNSELLOR, StepStatus.POSTPONED, None, (2026, 6, 15)),
    ]
    for description, responsible, status, status_on, postponed_to in steps:
        StepFactory(
            goal=goal,
            description=description,
            responsible=responsible,
            status=status,
            status_on=datetime.date(*status_on) if status_on else None,
            postponed_to=datetime.date(*postponed_to) if postponed_to else None,
            due_on=datetime.date(2026, 4, 30),
        )
    return agreement


def _goals_and_commitments(text: str) -> tuple[str, str]:
    goals, _, rest = text.partition("Gegenseitige Verpflichtungen")
    commitments_section, _, _ = rest.partition("Überprüfungen")
    return goals, commitments_section


def test_printed_agreement_shows_each_steps_status_in_both_languages(agreement):
    goals, _ = _goals_and_commitments(_text(render_agreement_pdf(agreement)))

    for german, russian in [
        ("offen", "открыто"),
        ("in Arbeit", "в работе"),
        ("erledigt", "выполнено"),
        ("abgebrochen", "отменено"),
        ("verschoben", "перенесено"),
    ]:
        assert german in goals and russian in goals, german
    assert "09.04.2026" in goals  # the day it was done


def test_postponed_step_prints_the_new_date_beside_the_agreed_one(agreement):
    goals, _ = _goals_and_commitments(_text(render_agreement_pdf(agreement)))
    row = goals[goals.index("Zeugnis übersetzen") :]

    assert "30.04.2026" in row
    assert "verschoben auf" in row and "перенесено на" in row
    assert "15.06.2026" in row


def test_done_and_cancelled_steps_are_not_listed_as_open_commitments(agreement):
    goals, promised = _goals_and_commitments(_text(render_agreement_pdf(agreement)))
    owed = commitments(agreement)

    assert [s.description for s in owed.migrant] == ["Kurs suchen", "Kurs besuchen"]
    assert [s.description for s in owed.centre] == ["Zeugnis übersetzen"]
    for description in ("Kurs suchen", "Kurs besuchen", "Zeugnis übersetzen"):
        assert description in promised, description
    for description in ("Anmeldung schicken", "Fahrkarte beantragen"):
        assert description in goals and description not in promised, description


def test_recording_progress_leaves_the_content_fingerprint_alone(agreement):
    before = content_fingerprint(agreement)
    step = agreement.goals.get().steps.get(description="Kurs suchen")
    step.status = StepStatus.POSTPONED
    step.status_on = datetime.date(2026, 5, 2)
    step.postponed_to = datetime.date(2026, 7, 1)
    step.progress_note = "Kurs erst im Juli"
    step.save(update_fields=["status", "status_on", "postponed_to", "progress_note"])

    assert content_fingerprint(agreement) == before
