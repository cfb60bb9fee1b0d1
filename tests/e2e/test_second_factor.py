"""leitung, with the second factor required as in production, sets up an authenticator
app from the QR page's key, keeps the recovery codes, logs in again with one of them, and
opens the team's second-factor page and the reset page for berater."""

import base64
import re

import pytest
from django_otp.oath import totp

from tests.e2e.conftest import login, screenshot
from tests.e2e.quality import check_page, validate_saved_html

pytestmark = pytest.mark.e2e


def _app_code(secret_text: str) -> str:
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_supervisor_sets_up_the_app_and_logs_in_with_a_recovery_code(page, demo, settings):
    settings.OTP_REQUIRED = True
    login(page, "leitung")
    page.get_by_role("heading", name="Zweiten Faktor einrichten").wait_for()
    assert page.get_by_role("img", name=re.compile("QR-Code")).is_visible()
    check_page(page, "second-factor-setup")
    screenshot(page, "second-factor-setup")

    # A wrong code: the form again, with the reason.
    code = _app_code(page.locator("#totp-secret").inner_text())
    page.get_by_label("Sechsstelliger Code").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Bestätigen und einrichten").click()
    page.get_by_text("Dieser Code stimmt nicht").wait_for()
    check_page(page, "second-factor-setup-wrong-code")

    page.get_by_label("Sechsstelliger Code").fill(code)
    page.get_by_role("button", name="Bestätigen und einrichten").click()
    page.get_by_role("heading", name="Wiederherstellungscodes").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    check_page(page, "second-factor-recovery-codes")
    page.get_by_role("link", name=re.compile("Codes aufbewahrt")).click()
    page.get_by_role("heading", name=re.compile("Willkommen")).wait_for()

    # Next login: asked for the code; a recovery code stands in for the phone.
    page.context.clear_cookies()
    login(page, "leitung")
    page.get_by_role("heading", name="Zweiter Faktor").wait_for()
    check_page(page, "second-factor-verify")
    page.get_by_label("Code aus der Authenticator-App").fill(codes[0])
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_role("heading", name=re.compile("Willkommen")).wait_for()
    assert "übrig: 9" in page.locator("main").inner_text()

    # The team's page and the reset page for a counsellor of the centre.
    page.goto("/konto/zweiter-faktor/")
    page.get_by_role("heading", name="Ihr Team").wait_for()
    assert "9 Wiederherstellungscodes sind übrig" in page.locator("main").inner_text()
    check_page(page, "second-factor-manage")
    berater = demo["berater"]
    page.goto(f"/konto/zweiter-faktor/team/{berater.pk}/zuruecksetzen/")
    page.get_by_role("heading", name=re.compile("Zweiten Faktor von")).wait_for()
    page.get_by_role("button", name="Zweiten Faktor zurücksetzen").click()
    page.get_by_text("Bitte bestätigen Sie das Zurücksetzen").wait_for()
    check_page(page, "second-factor-reset")
    # The Nu HTML checker over the pages saved above (and any saved before in this run).
    assert validate_saved_html() == []
