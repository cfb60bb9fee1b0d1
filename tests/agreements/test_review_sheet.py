"""The review sheet: the PDF handed to the client after a review, German beside the
agreement's document language."""

import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from agreements.enums import ClientRating, HurdleCategory, ReviewOutcome, StepStatus
from agreements.models import StepOutcome
from agreements.pdf import render_review_pdf, review_context
from agreements.templatetags.bilingual import FREE_TEXT_LIMIT
from people.enums import AccessAction
from people.models import AccessLog
from tests.factories import (
    GoalFactory,
    GoalOutcomeFactory,
    MigrantFactory,
    PartnerFactory,
    ReviewFactory,
    SignedAgreementFactory,
    StepFactory,
)


def _text(pdf: bytes) -> str:
    """The sheet's text, its line breaks read as spaces (a heading may wrap)."""
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def _html(review) -> str:
    with translation.override("de"):
        return render_to_string("agreements/pdf/review.html", review_context(review))


@pytest.fixture
def review(centre, counsellor):
    migrant = MigrantFactory(
        centre=centre, counsellor=counsellor, first_name="Oksana", last_name="Melnyk"
    )
    agreement = SignedAgreementFactory(
        migrant=migrant, number="LU-2026-0042-IV", version=2, document_language=""
    )
    language = GoalFactory(agreement=agreement, text="Deutsch B1 erreichen", position=1)
    work = GoalFactory(agreement=agreement, area="work", text="Minijob finden", position=2)
    course = StepFactory(goal=language, description="Integrationskurs besuchen", position=1)
    exam = StepFactory(goal=language, description="Zur Prüfung anmelden", position=2)
    cv = StepFactory(goal=work, description="Lebenslauf schreiben", position=1)
    review = ReviewFactory(
        agreement=agreement,
        held_on=datetime.date(2026, 6, 12),
        migrant_present=True,
        interpreter_present=True,
        partner=PartnerFactory(municipality=centre.municipality, name="Jobcenter Vorderpfalz"),
        successes="Kurs regelmäßig besucht",
        hurdles="Keine Kinderbetreuung am Nachmittag",
        hurdle_categories=[HurdleCategory.NO_CHILDCARE, HurdleCategory.HEALTH],
        next_review_on=datetime.date(2026, 9, 14),
        client_rating=ClientRating.MUCH,
        client_most_helpful="Die Erinnerung an die Termine",
        client_wish="Mehr Zeit für Fragen",
    )
    GoalOutcomeFactory(
        review=review, goal=language, outcome=ReviewOutcome.PARTLY_ACHIEVED, comment="A2 bestanden"
    )
    GoalOutcomeFactory(review=review, goal=work, outcome=ReviewOutcome.IN_PROGRESS, comment="")
    StepOutcome.objects.create(
        review=review, step=course, status=StepStatus.DONE, comment="Modul 5 abgeschlossen"
    )
    StepOutcome.objects.create(
        review=review,
        step=exam,
        status=StepStatus.POSTPONED,
        comment="Erst nach Modul 6",
        postponed_to=datetime.date(2026, 8, 28),
    )
    StepOutcome.objects.create(review=review, step=cv, status=StepStatus.IN_PROGRESS)
    return review


def test_sheet_in_german_only_holds_the_stock_take_and_the_clients_view(review):
    text = _text(render_review_pdf(review))

    for expected in [
        "Überprüfung der Integrationsvereinbarung",
        "LU-2026-0042-IV",
        "Version",
        "Oksana Melnyk",
        "12.06.2026",
        "Jobcenter Vorderpfalz",
        "ein/e Dolmetscher/in",
        "Deutsch B1 erreichen",
        "teilweise erreicht",
        "A2 bestanden",
        "Minijob finden",
        "in Arbeit",
        "Integrationskurs besuchen",
        "erledigt",
        "Modul 5 abgeschlossen",
        "Zur Prüfung anmelden",
        "verschoben auf",
        "28.08.2026",
        "Erst nach Modul 6",
        "Lebenslauf schreiben",
        "Kurs regelmäßig besucht",
        "Keine Kinderbetreuung am Nachmittag",
        "kein Betreuungsplatz",
        "Gesundheit",
        "Hilft Ihnen die Vereinbarung?",
        "4 (1–5) – viel",
        "Was hat Ihnen am meisten geholfen?",
        "Die Erinnerung an die Termine",
        "Was sollte sich ändern?",
        "Mehr Zeit für Fragen",
        "Nächste Überprüfung",
        "14.09.2026",
        "Seite 1 von",
    ]:
        assert expected in text, expected
    # Goals and steps in the agreement's order, each step under its goal.
    order = [text.index(t) for t in ("Deutsch B1", "Integrationskurs", "Zur Prüfung", "Minijob")]
    assert order == sorted(order)
    assert not re.search(r"[\u0600-\u06ff\u0400-\u04ff]", text)


def test_sheet_prints_labels_and_questions_in_russian_beside_german(review):
    review.agreement.document_language = "ru"
    text = _text(render_review_pdf(review))

    for german, russian in [
        ("Überprüfung der Integrationsvereinbarung", "Проверка соглашения об интеграции"),
        ("Bilanz der Ziele und Schritte", "Итоги по целям и шагам"),
        ("teilweise erreicht", "частично достигнута"),
        ("verschoben auf", "перенесено на"),
        ("Hilft Ihnen die Vereinbarung?", "Помогает ли вам соглашение?"),
        ("Was hat Ihnen am meisten geholfen?", "Что вам помогло больше всего?"),
        ("Was sollte sich ändern?", "Что следует изменить?"),
        ("viel", "сильно"),
        ("Gesundheit", "здоровье"),
        ("Nächste Überprüfung", "Следующая проверка"),
    ]:
        assert german in text and russian in text, (german, russian)
    assert "Mehr Zeit für Fragen" in text


def test_sheet_prints_arabic_right_to_left_beside_german(review):
    review.agreement.document_language = "ar"
    html = _html(review)
    text = _text(render_review_pdf(review))

    assert 'lang="ar" dir="rtl">هل تساعدك الاتفاقية؟</span>' in html
    assert 'lang="ar" dir="rtl">مراجعة اتفاقية الاندماج</span>' in html
    assert "الاتفاقية" in text
    assert "Hilft Ihnen die Vereinbarung?" in text and "A2 bestanden" in text


def test_lean_user_agent_stylesheet_covers_every_element_of_the_sheet(review):
    """The sheet uses the PDFs' cut-down user-agent stylesheet (see the agreement's test)."""
    from agreements.pdf import STYLESHEET_DIR, USER_AGENT_STYLESHEET

    used = set(re.findall(r"<([a-z][a-z0-9]*)", _html(review)))
    ua = re.sub(r"/\*.*?\*/", "", (STYLESHEET_DIR / USER_AGENT_STYLESHEET).read_text(), flags=re.S)
    styled = set(re.findall(r"(?<![\w.#:-])([a-z][a-z0-9]*)(?=[^{}]*\{)", ua))
    assert used - {"span", "br", "strong", "em", "small", "img"} <= styled, used - styled


def test_final_review_says_there_is_no_next_review(review):
    review.is_final = True
    review.next_review_on = None
    text = _text(render_review_pdf(review))

    assert "Abschließende Überprüfung der Integrationsvereinbarung" in text
    assert "keine: die Vereinbarung ist abgeschlossen" in text


def test_long_free_text_gets_break_points_and_is_cut_with_a_note(review):
    review.successes = "ä" * 70_000
    review.client_wish = "Zeile\n" * 500
    html = _html(review)

    runs = re.findall(r"[^\s\u200b<>]+", html)
    assert max(len(run) for run in runs if "ä" in run) <= 20
    assert html.count("ä" * 20) == FREE_TEXT_LIMIT // 20
    assert html.count("Gekürzt; der vollständige Text ist in der Akte gespeichert.") == 2
    pages = PdfReader(io.BytesIO(render_review_pdf(review))).pages
    assert len(pages) <= 4


def test_counsellor_downloads_the_sheet_and_the_download_is_logged(
    counsellor_client, counsellor, review
):
    response = counsellor_client.get(reverse("agreements:review-sheet", args=[review.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert "Ueberpruefung-LU-2026-0042-IV-v2-2026-06-12.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    log = AccessLog.objects.get(user=counsellor, action=AccessAction.DOWNLOAD_PDF)
    assert log.migrant == review.agreement.migrant
    assert "review sheet 12.06.2026" in log.detail


def test_review_page_links_to_the_sheet(counsellor_client, review):
    response = counsellor_client.get(review.get_absolute_url())

    assert reverse("agreements:review-sheet", args=[review.pk]) in response.content.decode()


def test_sheet_of_another_centres_review_is_not_found(client, outsider, review):
    client.force_login(outsider)
    response = client.get(reverse("agreements:review-sheet", args=[review.pk]))

    assert response.status_code == 404
    assert not AccessLog.objects.filter(user=outsider).exists()
