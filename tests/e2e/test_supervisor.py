"""leitung opens the team dashboard, follows an overdue figure to the review, records it,
and downloads the pseudonymised evaluation CSV."""

import csv
import datetime
import io
from pathlib import Path

import pytest

from tests.e2e.conftest import login, screenshot
from tests.e2e.quality import check_page

pytestmark = pytest.mark.e2e


def _caseload(demo):
    """berater's cases at Ludwigshafen: one review overdue, others on schedule."""
    from agreements.enums import GoalStatus
    from tests.factories import GoalFactory, MigrantFactory, ReviewFactory, SignedAgreementFactory

    berater = demo["berater"]
    centre = berater.memberships.get().centre
    today = datetime.date.today()
    overdue = None
    for index in range(6):
        migrant = MigrantFactory(
            centre=centre,
            counsellor=berater,
            first_name=f"Amira{index}",
            last_name="Haddad",
            case_number=f"LU-2026-9{index:03d}",
            intake_on=today - datetime.timedelta(days=300),
        )
        agreement = SignedAgreementFactory(
            migrant=migrant,
            signed_on=today - datetime.timedelta(days=250),
            next_review_on=today + datetime.timedelta(days=-12 if index == 0 else 20 + index),
        )
        GoalFactory(agreement=agreement, area="language", text="Deutsch B1 erreichen")
        GoalFactory(
            agreement=agreement,
            area="work",
            text="Arbeit im erlernten Beruf finden",
            status=GoalStatus.IN_PROGRESS,
        )
        ReviewFactory(
            agreement=agreement,
            held_on=today - datetime.timedelta(days=160),
            due_on=today - datetime.timedelta(days=160),
        )
        if index == 0:
            overdue = agreement
    return overdue


def test_leitung_follows_an_overdue_review_and_downloads_the_evaluation(page, demo):
    overdue = _caseload(demo)
    login(page, "leitung")
    page.locator("main a[href='/vereinbarungen/uebersicht/']").click()
    page.locator("#counsellor-table").wait_for()
    check_page(page, "supervisor-dashboard")
    screenshot(page, "supervisor-dashboard")

    berater_row = page.locator(
        f"#counsellor-table tr[data-counsellor$='counsellor={demo['berater'].pk}']"
    )
    overdue_figure = berater_row.locator("a[data-figure='reviews-overdue']")
    assert overdue_figure.inner_text() == "1"
    overdue_figure.click()

    page.locator("#reviews-due").wait_for()
    rows = page.locator("#reviews-due tbody tr")
    assert rows.count() == 1
    assert overdue.number in rows.first.inner_text()
    check_page(page, "supervisor-reviews-due")
    rows.first.locator(f"a[href='/vereinbarungen/{overdue.pk}/ueberpruefung/neu/']").click()

    page.locator("#review-form").wait_for()
    check_page(page, "supervisor-review-form")
    language, _work = overdue.goals.order_by("pk")
    # No outcome is preset: each open goal gets one; an achieved goal's steps are done.
    for radio in page.locator("input[name^='outcome_'][value='in_progress']").all():
        radio.check()
    page.locator(f"input[name='outcome_{language.pk}'][value='achieved']").check()
    for select in page.locator(f"#goal-{language.pk} select[name^='step_status_']").all():
        select.select_option("done")
    page.locator("#id_successes").fill("B1-Prüfung bestanden")
    page.locator("#review-form [type=submit]").click()
    page.get_by_text("B1-Prüfung bestanden").wait_for()
    assert "/ueberpruefungen/" in page.url
    overdue.refresh_from_db()
    assert overdue.next_review_on > datetime.date.today()

    page.goto("/")
    page.locator("main a[href='/vereinbarungen/auswertung/']").click()
    page.locator("#export-form").wait_for()
    check_page(page, "supervisor-evaluation")
    screenshot(page, "supervisor-evaluation")
    with page.expect_download() as download:
        page.locator("#export-form button[value='csv']").click()
    assert download.value.suggested_filename.endswith(".csv")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) > 20
    for forbidden in ["Amira", "Haddad", "LU-2026-9", "Deutsch B1", "B1-Prüfung"]:
        assert forbidden not in content, forbidden
    # Six agreements signed in the last twelve months: enough people to be published.
    assert ["6", ""] in [row[3:5] for row in rows[1:]]
