"""The declared dependencies match what the code imports, and production gets only its share.

requirements/*.in name what we depend on, pyproject.toml repeats it for packaging tools, and
requirements/*.txt pin it; these tests keep the three in step without a network.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from django.contrib.staticfiles.finders import get_finders
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
APP_PACKAGES = ("integration", "people", "agreements", "sites")
TEST_TOOLS = {"pytest", "pytest-django", "hypothesis", "factory-boy", "playwright", "ruff"}


def _named(path: Path) -> set[str]:
    """The distributions a requirements .in file asks for (option lines like -r/-c aside)."""
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return {canonicalize_name(Requirement(line).name) for line in lines if line[:1].isalnum()}


def _pinned(path: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", path.read_text(), flags=re.MULTILINE)
    return {canonicalize_name(name): version for name, version in pins}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _imported_distributions() -> set[str]:
    """Third-party distributions the application packages import (tests and bench aside)."""
    modules = set()
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - set(APP_PACKAGES) - {"__future__"}
    owners = packages_distributions()
    return {canonicalize_name(owners[module][0]) for module in third_party}


def test_every_distribution_the_app_imports_is_a_direct_runtime_requirement():
    # Direct, not merely pulled in by another package: Pillow came with WeasyPrint until
    # the scan check imported it itself.
    assert _imported_distributions() - _named(REQUIREMENTS / "base.in") == set()


def test_pyproject_declares_what_the_requirements_files_name():
    project = _project()
    runtime = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    test = {
        canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["test"]
    }

    assert runtime == _named(REQUIREMENTS / "base.in")
    assert test == _named(REQUIREMENTS / "dev.in") - runtime


def test_production_pins_carry_no_test_tools_and_dev_pins_agree_with_them():
    base = _pinned(REQUIREMENTS / "base.txt")
    dev = _pinned(REQUIREMENTS / "dev.txt")

    assert TEST_TOOLS & base.keys() == set()
    assert TEST_TOOLS - dev.keys() == set()
    assert {name: dev.get(name) for name in base} == base


def test_requirements_files_name_no_package_index():
    # The files must hold for whatever mirror an installation uses.
    for path in REQUIREMENTS.iterdir():
        text = path.read_text()
        assert re.search(r"--(extra-)?index-url|--find-links|--trusted-host|://", text) is None


def test_collectstatic_ships_no_test_tool():
    shipped = {path for finder in get_finders() for path, _storage in finder.list([])}

    assert {path for path in shipped if "axe" in path.lower()} == set()
