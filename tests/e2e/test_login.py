import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_berater_logs_in_and_sees_the_start_page(page, demo):
    login(page, "berater")
    page.get_by_role("heading", name="Willkommen, Bernd").wait_for()
    assert "Ludwigshafen" in page.locator("main").inner_text()
    screenshot(page, "start-desktop")
