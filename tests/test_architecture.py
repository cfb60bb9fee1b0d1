"""The import graph runs one way: sites <- people <- agreements <- integration (project layer).

import-linter checks it from the contracts in pyproject.toml; these tests run it on the real
tree and on a copy with one forbidden import added, so a contract that stopped biting (a
renamed package, a wrong layer order) fails here rather than passing silently.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("integration", "people", "agreements", "sites")
LAYERS = "One-way layers: project (integration) > agreements > people > sites"
WEASYPRINT = "Only agreements.pdf imports WeasyPrint"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("lint-imports")),
            "--config",
            "pyproject.toml",
            "--no-cache",
            "--no-logo",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tree(tmp_path):
    """The four packages and the project's contracts, in a directory of their own."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "locale"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_real_tree_keeps_every_contract():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{LAYERS} KEPT" in result.stdout
    assert f"{WEASYPRINT} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("lower", "higher"),
    [("sites", "people"), ("people", "agreements"), ("agreements", "integration")],
)
def test_a_lower_layer_importing_a_higher_one_breaks_the_layers_contract(tree, lower, higher):
    (tree / lower / "upward.py").write_text(f"import {higher}.apps  # noqa\n")

    result = _lint_imports(tree)

    assert result.returncode == 1
    assert f"{LAYERS} BROKEN" in result.stdout
    assert f"{lower}.upward -> {higher}.apps" in result.stdout


def test_an_import_hidden_in_a_function_breaks_it_too(tree):
    # A lazy import dodges a cycle at run time but is still an edge of the graph.
    (tree / "sites" / "lazy.py").write_text(
        "def later():\n    from agreements import models  # noqa\n\n    return models\n"
    )

    result = _lint_imports(tree)

    assert f"{LAYERS} BROKEN" in result.stdout
    assert "sites.lazy -> agreements.models" in result.stdout


def test_weasyprint_imported_outside_agreements_pdf_breaks_its_contract(tree):
    (tree / "agreements" / "printing.py").write_text("import weasyprint  # noqa\n")

    result = _lint_imports(tree)

    assert result.returncode == 1
    assert f"{WEASYPRINT} BROKEN" in result.stdout
    assert f"{LAYERS} KEPT" in result.stdout
    assert "agreements.printing -> weasyprint" in result.stdout
