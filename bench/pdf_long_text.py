"""Long free text in the PDFs: the GDPR access export and the agreement.

Run:  DEBUG=1 .venv/bin/python bench/pdf_long_text.py [--sizes 1000,10000,100000]

Renders both documents with a note of ordinary words and with one word without spaces, at
growing sizes, and prints seconds per render and, over the render with no note at all, per
1,000 characters: linear growth keeps the latter flat. Before the fix (issue 21) the export
took 7.7 s for a 1,000-character word, 19.4 s for 2,000 and 98.9 s for 5,000; 20,000
characters of words ran past 120 s. Uses a throwaway SQLite database, like bench/pdf.py.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from pdf import setup_django, typical_agreement

WORDS = "Die Klientin berichtet ausführlich über Familie, Wohnung und Arbeit. "


def ordinary_words(size: int) -> str:
    return (WORDS * (size // len(WORDS) + 1))[:size] if size else ""


def one_word(size: int) -> str:
    return ("Unterlagen" * (size // 10 + 1))[:size] if size else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000,100000")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.template.loader import render_to_string
        from django.utils import translation

        from agreements import pdf
        from integration.privacy import build_personal_data_export
        from people.models import CounsellingSession

        agreement = typical_agreement()
        migrant = agreement.migrant
        session = CounsellingSession.objects.create(
            migrant=migrant,
            counsellor=agreement.counsellor,
            held_on=agreement.valid_from,
            duration_minutes=60,
        )
        goal = agreement.goals.first()

        def export() -> bytes:
            data = build_personal_data_export(migrant=migrant, user=agreement.counsellor)
            with translation.override("de"):
                html = render_to_string(
                    "integration/privacy_export_pdf.html", {"export": data, "migrant": migrant}
                )
            return pdf.html_to_pdf(html)

        def agreement_pdf() -> bytes:
            return pdf.render_agreement_pdf(agreement)

        baseline = {}
        for kind, make in (("words", ordinary_words), ("one word", one_word)):
            for size in [0, *sizes]:
                text = make(size)
                CounsellingSession.objects.filter(pk=session.pk).update(notes=text)
                type(goal).objects.filter(pk=goal.pk).update(text=text)
                type(agreement).objects.filter(pk=agreement.pk).update(strengths=text)
                agreement.refresh_from_db()
                for document, render in (("export", export), ("agreement", agreement_pdf)):
                    started = time.perf_counter()
                    content = render()
                    seconds = time.perf_counter() - started
                    if size == 0:
                        baseline[document] = seconds
                    row = {
                        "document": document,
                        "text": kind,
                        "characters": size,
                        "seconds": round(seconds, 2),
                        "extra_seconds_per_1000_characters": (
                            round((seconds - baseline[document]) / size * 1000, 3) if size else None
                        ),
                        "kib": round(len(content) / 1024),
                    }
                    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
