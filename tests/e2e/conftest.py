"""Browser tests: a real Chromium (Debian's) driven by Playwright against the live server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        # In CI the browser is installed by .ci/run; a missing one is a failure, not a skip.
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}; browser tests cannot run.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="de-DE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    """The fixed demo logins and master data, as `seed_demo` builds them.

    A transactional test elsewhere in the run may have flushed the initial data that
    migrations create (municipalities, goal catalogue); it is put back first.
    """
    from importlib import import_module

    from django.apps import apps

    from integration.datagen.demo import seed_demo_sites

    import_module("agreements.migrations.0003_goal_catalogue").add_catalogue(apps, None)
    return seed_demo_sites(counsellors_per_centre=1)


def login(page, username: str, password: str = "integration-demo") -> None:
    page.goto("/konto/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
