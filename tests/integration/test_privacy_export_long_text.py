"""No input makes a PDF hang (issue 21): a note of 20,000 characters of words, or 5,000
without a space, ran the access export past the worker's timeout. Bounds are generous (a
shared CI machine); the hang took minutes, the fix takes seconds."""

import io
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.pdf import breakable
from people.models import CounsellingSession
from tests.factories import CaseGraph

WORDS = "Die Klientin berichtet ausführlich über Familie, Wohnung und Arbeit. "


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_export_with_a_100000_character_note_and_a_5000_character_word_finishes(
    counsellor_client, graph
):
    note = (WORDS * 1500)[:100_000] + " Ende-der-Notiz"
    word = "Unterlagen" * 500
    CounsellingSession.objects.filter(pk=graph.session.pk).update(notes=note)
    CounsellingSession.objects.filter(pk=graph.session.pk).update(agreed_next_steps=word)

    started = time.perf_counter()
    response = counsellor_client.get(
        reverse("integration:privacy-export-pdf", args=[graph.migrant.pk])
    )
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed < 120, f"{elapsed:.1f} s"
    text = "".join(_text(response.getvalue()).split())
    assert "Ende-der-Notiz" in text
    # Wrapped, and whole again when copied (within a page: the footer cuts it between pages).
    assert "Unterlagen" * 50 in text


def test_long_runs_get_break_opportunities_in_text_only():
    html = (
        '<html><head><style>p { content: "' + "s" * 40 + '" }</style></head>'
        '<body><p title="' + "t" * 40 + '">' + "a" * 40 + " kurz " + "&amp;" * 40 + "</p>"
        "<style>b { content: '" + "u" * 40 + "' }</style></body></html>"
    )

    result = breakable(html)

    assert result.replace("\u200b", "") == html
    assert "s" * 40 in result and "t" * 40 in result and "u" * 40 in result
    assert ("a" * 15 + "\u200b") * 2 + "a" * 10 in result
    assert " kurz " in result
    assert ("&amp;" * 15 + "\u200b") * 2 + "&amp;" * 10 in result
