"""One version, single-sourced in pyproject.toml, reported everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import linfit
from linfit.cli import main

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(
    r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M
).group(1)


def test_package_reports_the_pyproject_version() -> None:
    if linfit.__version__ == "0+unknown":
        pytest.skip("linfit is not installed (running from a bare source tree)")
    assert linfit.__version__ == VERSION


def test_cli_version(capsys) -> None:
    if linfit.__version__ == "0+unknown":
        pytest.skip("linfit is not installed (running from a bare source tree)")
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == VERSION


def test_changelog_has_an_entry_for_this_version() -> None:
    assert f"## [{VERSION}]" in (ROOT / "CHANGELOG.md").read_text()


def test_type_marker_and_license_ship() -> None:
    assert (ROOT / "linfit" / "py.typed").exists()
    assert "Apache License" in (ROOT / "LICENSE").read_text()
