"""Accessibility (axe-core) and HTML validity (Nu HTML checker) for pages the browser visits."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A test tool, kept beside the tests so collectstatic does not ship it.
AXE_SOURCE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SAVED_HTML = Path(__file__).parent / "screenshots" / "html"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VNU_CANDIDATES = [
    os.environ.get("VNU_JAR", ""),
    str(ROOT / "var" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"),
]

# Rule counts per run are collected for the closing note.
axe_rules_run: set[str] = set()


def check_accessibility(page, label: str) -> None:
    """Run axe-core's WCAG 2.1 AA rules on the current page; fail on any violation.

    The script goes in through the DevTools protocol, which the page's CSP does not govern,
    so the policy under test stays exactly as in production.
    """
    page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    axe_rules_run.update(
        rule["id"]
        for rule in result["passes"]
        + result["violations"]
        + result["incomplete"]
        + result["inapplicable"]
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], f"axe violations on {label} ({page.url}):\n" + "\n".join(violations)


def save_html(page, label: str) -> Path:
    """Keep the served HTML for one Nu checker run at the end of the session."""
    SAVED_HTML.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9-]+", "-", label.lower()).strip("-") + ".html"
    target = SAVED_HTML / name
    response_html = page.evaluate("() => '<!doctype html>\\n' + document.documentElement.outerHTML")
    target.write_text(response_html, encoding="utf-8")
    return target


def check_no_sideways_scrolling(page, label: str) -> None:
    """Nothing may push the page wider than the window (WCAG 1.4.10): a navbar that
    overflows hides the language switch and the log-out button off screen."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 1:
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right
                             > document.documentElement.clientWidth + 1)
                .slice(-5).map(e => e.tagName + '.' + e.className)"""
        )
        raise AssertionError(
            f"{label} ({page.url}) is {overflow} px wider than the window: {culprits}"
        )


def check_page(page, label: str) -> None:
    check_accessibility(page, label)
    check_no_sideways_scrolling(page, label)
    save_html(page, label)


def vnu_jar() -> str | None:
    return next((c for c in VNU_CANDIDATES if c and Path(c).exists()), None)


def validate_saved_html() -> list[str]:
    """Run the Nu HTML checker once over every saved page; returns the error messages."""
    files = sorted(SAVED_HTML.glob("*.html"))
    jar = vnu_jar()
    if not files or jar is None or shutil.which("java") is None:
        return []
    result = subprocess.run(
        ["java", "-jar", jar, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
