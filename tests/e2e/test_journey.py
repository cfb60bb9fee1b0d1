"""The whole journey as users live it, in a real Chromium, with axe-core on every main page.

berater records a person, a session with an interpreter, writes an agreement from the goal
catalogue with a referral, downloads the bilingual PDF, signs, uploads the scan and records
a review three months later; leitung sees it on the dashboard and in the evaluation;
berater-leipzig cannot reach any of it. The saved pages go through the Nu HTML checker.
"""

import datetime
import io
import os
import time

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import login, screenshot
from tests.e2e.quality import axe_rules_run, check_page, validate_saved_html, vnu_jar

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1280, "tablet": 768}


def _visit(page, label: str, width: str) -> None:
    page.wait_for_load_state("networkidle")
    check_page(page, f"{label}-{width}")
    screenshot(page, f"{label}-{width}")


def _submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} [type=submit]").first.click()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_whole_journey(browser, live_server, demo, width, tmp_path):
    context = browser.new_context(
        locale="de-DE",
        base_url=live_server.url,
        accept_downloads=True,
        viewport={"width": WIDTHS[width], "height": 1000},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)

    # Keyboard only: the login form is filled and sent without the mouse.
    page.goto("/konto/anmelden/")
    _visit(page, "login", width)
    page.keyboard.press("Tab")  # skip link
    page.get_by_label("Benutzername").focus()
    page.keyboard.type("berater")
    page.keyboard.press("Tab")
    page.keyboard.type("integration-demo")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Willkommen, Bernd").wait_for()
    _visit(page, "start", width)

    # Login errors are shown and pass axe as well.
    page.goto("/klienten/neu/")
    page.get_by_role("button", name="Speichern").click()
    page.locator("#form-errors").wait_for()
    _visit(page, "person-form-errors", width)
    assert page.locator("[aria-invalid=true], .is-invalid").count() >= 2

    page.get_by_label("Vorname").fill("Samira")
    page.get_by_label("Nachname").fill(f"Haddad-{width}")
    page.get_by_label("Geburtsdatum").fill("1988-04-02")
    page.get_by_label("Bevorzugte Sprache").select_option("ar")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("heading", name=f"Samira Haddad-{width}").wait_for()
    person_url = page.url
    _visit(page, "person", width)

    # A session with an interpreter, added without leaving the page.
    page.get_by_text("Beratungsgespräch hinzufügen").click()
    page.get_by_label("Dolmetscher/in").select_option("professional")
    page.get_by_label("Sprache der Dolmetschung").select_option("ar")
    page.get_by_label("Notizen").fill("Erstgespräch mit Dolmetscherin")
    page.get_by_role("button", name="Gespräch speichern").click()
    page.get_by_text("Das Gespräch wurde gespeichert.").wait_for()

    page.goto("/klienten/")
    _visit(page, "caseload", width)

    # Consent for the course provider, so the referral may go there.
    page.goto(person_url)
    page.get_by_role("link", name="Einwilligung erfassen").click()
    page.get_by_label("Empfänger").select_option(label="Volkshochschule Ludwigshafen")
    page.get_by_label("Welche Daten").fill("Name, Kontaktdaten, Sprachstand")
    page.get_by_label("Zweck").fill("Anmeldung zum Integrationskurs")
    page.locator("#id_form").select_option("written")
    page.get_by_role("button", name="Einwilligung speichern").click()

    # The agreement: three goals from the catalogue in different areas and a referral.
    started = time.monotonic()
    page.get_by_role("button", name="Neue Vereinbarung schreiben").click()
    page.get_by_role("heading", name="Vereinbarung schreiben").wait_for()
    for goal in [
        "Integrationskurs bis B1 abschließen",
        "Kita-Platz finden",
        "Anerkennungsverfahren für den Berufsabschluss beantragen",
    ]:
        page.get_by_label("Ziel aus dem Katalog").select_option(label=goal)
        page.get_by_role("button", name="Ziel mit Schritten hinzufügen").click()
        page.locator("#goals h4", has_text=goal).wait_for()
    first_goal = page.locator("#goals article").first
    first_goal.locator("summary").click()
    first_goal.get_by_label("Was zu tun ist").fill("Kursplatz an der VHS vermitteln")
    first_goal.get_by_label("Wer").select_option("partner")
    first_goal.get_by_label("Angebot (Vermittlung)").select_option(
        label="Integrationskurs (B1) (Volkshochschule Ludwigshafen)"
    )
    first_goal.get_by_role("button", name="Schritt hinzufügen").click()
    page.locator("#goals li", has_text="Kursplatz an der VHS vermitteln").wait_for()
    assert page.locator("#goals .alert-danger").count() == 0
    writing_seconds = time.monotonic() - started
    _visit(page, "agreement-edit", width)
    print(f"\nwriting the agreement took {writing_seconds:.1f} s in the browser ({width})")

    page.get_by_role("link", name="Fertig: zur Vereinbarung").click()
    _visit(page, "agreement", width)
    page.get_by_role("link", name="Drucken und unterschreiben").click()
    with page.expect_download() as preview:
        page.get_by_role("link", name="Vorschau (nicht zur Unterschrift)").click()
    pdf_bytes = preview.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert "Integrationsvereinbarung" in text and "الاندماج" in text
    page.get_by_role("button", name="Zur Unterschrift vorbereiten").click()
    with page.expect_download() as frozen:
        page.get_by_role("link", name="PDF zur Unterschrift herunterladen").click()
    assert os.path.getsize(frozen.value.path()) > 10_000
    page.get_by_label("Die Person hat unterschrieben").check()
    page.get_by_label("Die Beraterin / der Berater hat unterschrieben").check()
    page.get_by_role("button", name="Unterschriften erfassen").click()
    page.get_by_text("Die Unterschriften wurden erfasst.").wait_for()
    _visit(page, "signing", width)

    scan = tmp_path / "scan.png"
    from PIL import Image

    Image.new("RGB", (40, 40), "white").save(scan, "PNG")
    page.get_by_label(
        "Scan der unterschriebenen Vereinbarung (PDF, JPEG oder PNG)"
    ).set_input_files(str(scan))
    page.get_by_role("button", name="Scan hochladen").click()
    page.get_by_text("Der Scan der unterschriebenen Vereinbarung wurde gespeichert.").wait_for()
    agreement_url = page.url.replace("unterschrift/", "")

    # The review three months later.
    page.goto(agreement_url)
    page.get_by_role("link", name="Überprüfung erfassen").click()
    review_day = datetime.date.today().isoformat()
    page.locator("#id_held_on").fill(review_day)
    for radio in page.locator("input[name^=outcome_][value=in_progress]").all():
        radio.check()
    page.locator("#id_successes").fill("Kursplatz gefunden, Kurs beginnt im Januar")
    _submit(page, "main form[method=post]")
    page.wait_for_load_state("networkidle")
    assert "/ueberpruefungen/" in page.url
    _visit(page, "review", width)

    # Amend: the next version is a draft with the same goals; sign it and compare.
    page.goto(agreement_url)
    page.get_by_role("link", name="Ändern", exact=True).click()
    page.get_by_label("Warum wird die Vereinbarung geändert?").fill("Kita-Ziel angepasst")
    page.get_by_role("button", name="Nächste Version anlegen").click()
    page.get_by_role("heading", name="Vereinbarung schreiben").wait_for()
    page.get_by_label("Ziel aus dem Katalog").select_option(label="Schulanmeldung des Kindes")
    page.get_by_role("button", name="Ziel mit Schritten hinzufügen").click()
    page.locator("#goals h4", has_text="Schulanmeldung des Kindes").wait_for()
    page.get_by_role("link", name="Fertig: zur Vereinbarung").click()
    page.get_by_role("link", name="Drucken und unterschreiben").click()
    page.get_by_role("button", name="Zur Unterschrift vorbereiten").click()
    page.get_by_label("Die Person hat unterschrieben").check()
    page.get_by_label("Die Beraterin / der Berater hat unterschrieben").check()
    page.get_by_role("button", name="Unterschriften erfassen").click()
    page.get_by_text("Die Unterschriften wurden erfasst.").wait_for()
    page.goto(page.url.replace("unterschrift/", "vergleich/"))
    _visit(page, "compare", width)
    added = page.locator("tr.diff-added", has_text="Schulanmeldung des Kindes")
    assert added.count() == 1

    context.clear_cookies()

    # The supervisor sees it.
    login(page, "leitung")
    page.goto(live_server.url + _reverse("agreements:dashboard"))
    _visit(page, "dashboard", width)
    assert "Bernd Berater" in page.content()
    page.goto(live_server.url + _reverse("agreements:evaluation"))
    _visit(page, "evaluation", width)
    context.clear_cookies()

    # The other centre reaches nothing by URL.
    login(page, "berater-leipzig")
    for url in [person_url, agreement_url, agreement_url + "unterschrift/pdf/"]:
        response = page.goto(url)
        assert response.status == 404, url
    context.close()

    if width == "tablet":
        if vnu_jar() is None and os.environ.get("CI"):
            pytest.fail("Nu HTML checker not installed; .ci/run installs it")
        errors = validate_saved_html()
        assert errors == [], "\n".join(errors)
        print(f"axe-core rules run: {len(axe_rules_run)}")


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
