"""PDF benchmark: a typical agreement (8 goals, 16 steps, German + Arabic).

Run:  DEBUG=1 .venv/bin/python bench/pdf.py [--renders 20]

Prints first-render time, median and worst of warm renders in one long-lived process, peak
memory (RSS), page count and file size, and - where Chromium is installed - the median time
of Chromium's --print-to-pdf for the same HTML over several runs (one run varies by half on
a shared machine), with the ratio. Uses a throwaway SQLite database and compiles the message
catalogues first: without them the "bilingual" document has no Arabic in it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import compile_catalogues

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration.settings")
    import django

    django.setup()
    from django.core.management import call_command

    compile_catalogues()
    call_command("migrate", verbosity=0)


def typical_agreement():
    import datetime

    from agreements.enums import Responsible
    from agreements.models import Agreement, Goal, Step
    from integration.datagen.demo import seed_demo_sites
    from people.models import Consent, Migrant
    from sites.enums import Area
    from sites.models import CounsellingCentre, Partner, User

    seed_demo_sites(counsellors_per_centre=1)
    centre = CounsellingCentre.objects.get(code="LU")
    counsellor = User.objects.get(username="berater")
    migrant = Migrant.objects.create(
        centre=centre,
        counsellor=counsellor,
        case_number="LU-2026-9999",
        first_name="أمل",
        last_name="حداد",
        name_latin="Amal Haddad",
        date_of_birth=datetime.date(1987, 4, 2),
        preferred_language="ar",
    )
    partner = Partner.objects.filter(municipality=centre.municipality).first()
    Consent.objects.create(
        migrant=migrant,
        recipient_partner=partner,
        data_categories="Name",
        purpose="Vermittlung",
        form="written",
        given_on=datetime.date(2026, 1, 1),
    )
    agreement = Agreement.objects.create(
        migrant=migrant,
        centre=centre,
        counsellor=counsellor,
        number="LU-2026-9999-IV1",
        document_language="ar",
        interpreter_present=True,
        interpreter_name="R. Nasser",
        situation_language="Deutsch A2; spricht außerdem Arabisch, Englisch",
        situation_schooling="Abitur (Syrien); Krankenpflegerin, Anerkennung läuft",
        situation_residence="Aufenthaltserlaubnis § 25 Abs. 2 AufenthG bis 03.2028",
        situation_family="Kind, geboren 2019: Warteliste Kita",
        situation_work="nicht erwerbstätig; Bürgergeld (SGB II)",
        strengths="Hohe Motivation, Berufserfahrung in der Pflege.",
        valid_from=datetime.date(2026, 11, 1),
    )
    for index, area in enumerate(Area.values[:8]):
        goal = Goal.objects.create(
            agreement=agreement,
            area=area,
            position=index,
            text=f"Ziel {index + 1} im Handlungsfeld {area}",
            target_date=datetime.date(2027, 6, 30),
        )
        Step.objects.create(
            goal=goal,
            description="Unterlagen zusammenstellen",
            position=1,
            responsible=Responsible.MIGRANT,
            due_on=datetime.date(2027, 1, 15),
        )
        Step.objects.create(
            goal=goal,
            description="Termin beim Partner vermitteln",
            position=2,
            responsible=Responsible.PARTNER,
            partner=partner,
            due_on=datetime.date(2027, 2, 1),
        )
    return agreement


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chromium_time(html: str, workdir: Path, runs: int) -> float | None:
    chromium = shutil.which("chromium")
    if not chromium:
        return None
    source = workdir / "agreement.html"
    source.write_text(html, encoding="utf-8")
    target = workdir / "chromium.pdf"
    times = []
    for run in range(runs):
        started = time.perf_counter()
        _print_with_chromium(chromium, source, target, workdir / f"chromium-profile-{run}")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _print_with_chromium(chromium: str, source: Path, target: Path, profile: Path) -> None:
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            "--no-pdf-header-footer",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--chromium-runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        from django.template.loader import render_to_string
        from django.utils import translation
        from pypdf import PdfReader

        from agreements.pdf import agreement_context, render_agreement_pdf

        agreement = typical_agreement()
        started = time.perf_counter()
        pdf = render_agreement_pdf(agreement)
        first = time.perf_counter() - started
        warm = []
        for _ in range(options.renders):
            started = time.perf_counter()
            pdf = render_agreement_pdf(agreement)
            warm.append(time.perf_counter() - started)
        with translation.override("de"):
            html = render_to_string("agreements/pdf/agreement.html", agreement_context(agreement))
        if "اتفاقية الاندماج" not in html:
            raise SystemExit("The Arabic texts are missing: are the message catalogues there?")
        chromium = chromium_time(html, workdir, options.chromium_runs)
        median = statistics.median(warm)
        figures = {
            "renders": options.renders,
            "first_render_s": round(first, 3),
            "warm_median_s": round(median, 3),
            "warm_worst_s": round(max(warm), 3),
            "peak_rss_mib": round(peak_rss_mib(), 1),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages),
            "file_size_kib": round(len(pdf) / 1024, 1),
            "chromium_runs": options.chromium_runs if chromium else 0,
            "chromium_print_to_pdf_s": round(chromium, 3) if chromium else None,
            "ratio_warm_to_chromium": round(median / chromium, 3) if chromium else None,
        }
    width = max(len(key) for key in figures)
    print("PDF benchmark: 8 goals, 16 steps, German + Arabic")
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
