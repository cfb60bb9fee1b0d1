"""Static analysis as tests: bandit over the apps, and the project's own semgrep rules.

The semgrep rules live in .semgrep/; their fixtures (.semgrep/fixtures/) mark with
`ruleid: <rule>` each line a rule must find and with `ok: <rule>` lines it must leave
alone, so a rule that silently stops matching fails here. semgrep is not a dependency of
the application: the tests use it when it is installed (PATH, the project venv, or the
SEMGREP environment variable) and say so when it is not.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / ".semgrep"
FIXTURES = RULES / "fixtures"
APP_DIRS = ["integration", "people", "sites", "agreements"]


def _semgrep() -> str | None:
    candidates = [
        os.environ.get("SEMGREP"),
        shutil.which("semgrep"),
        str(Path(sys.executable).with_name("semgrep")),
    ]
    return next((c for c in candidates if c and Path(c).exists()), None)


needs_semgrep = pytest.mark.skipif(
    _semgrep() is None, reason="semgrep is not installed (pip install semgrep, or SEMGREP=path)"
)


def _scan(*targets: str, extra: tuple[str, ...] = ()) -> list[dict]:
    result = subprocess.run(
        [
            _semgrep(),
            "scan",
            "--config",
            str(RULES / "django-security.yml"),
            "--metrics=off",
            "--disable-version-check",
            "--json",
            *extra,
            *targets,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["errors"] == [], report["errors"]
    return report["results"]


def _short(check_id: str) -> str:
    return check_id.rsplit(".", 1)[-1]


def _expected(path: Path) -> set[tuple[str, str, int]]:
    """(file, rule, line) for every `ruleid:` annotation: the finding is on the next line."""
    expected = set()
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = re.search(r"ruleid: ([\w-]+)", line)
        if match:
            expected.add((path.relative_to(ROOT).as_posix(), match[1], number + 1))
    return expected


@needs_semgrep
def test_each_semgrep_rule_finds_what_its_fixtures_mark_and_nothing_else():
    fixtures = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    expected = set().union(*(_expected(p) for p in fixtures))
    findings = _scan(str(FIXTURES.relative_to(ROOT)), extra=("--no-git-ignore",))
    found = {(r["path"], _short(r["check_id"]), r["start"]["line"]) for r in findings}
    assert found == expected
    # Every rule is exercised by at least one fixture.
    assert {rule for _path, rule, _line in expected} == {
        "raw-sql-built-from-strings",
        "raw-sql-from-a-built-variable",
        "mark-safe-on-data",
        "csrf-exempt",
        "view-queries-without-visible-to",
        "template-switches-off-escaping",
    }


@needs_semgrep
def test_the_application_passes_the_semgrep_rules():
    findings = _scan(*APP_DIRS, "templates")
    assert [f"{r['path']}:{r['start']['line']} {_short(r['check_id'])}" for r in findings] == []


def test_bandit_finds_nothing_of_medium_severity_or_higher():
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("bandit")),
            "-q",
            "-c",
            "pyproject.toml",
            "-r",
            *APP_DIRS,
            "-ll",
            "-f",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(result.stdout)
    assert [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ] == []
