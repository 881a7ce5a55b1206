"""The wheel as a user installs it: into a fresh virtual environment, from the file.

``nox -s build`` builds the sdist and the wheel, checks them with twine, and runs
these tests on that wheel (``LINFIT_WHEEL=path``); run on their own they build
the wheel first. Each install goes into a new venv made with uv, so nothing of
the source tree or of the test environment can leak in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = shutil.which("uv")
pytestmark = pytest.mark.skipif(
    UV is None, reason="needs uv on PATH (nox installs it; so does .ci/run)"
)


def run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("check", True)
    return subprocess.run(
        command, capture_output=True, text=True, timeout=900, **kwargs
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    given = os.environ.get("LINFIT_WHEEL")
    if given:
        return Path(given)
    dist = tmp_path_factory.mktemp("dist")
    run(UV, "build", "--wheel", "--out-dir", str(dist), str(ROOT))
    return next(dist.glob("linfit_reference-*.whl"))


def fresh_venv(folder: Path, wheel: Path, extras: str = "") -> Path:
    """A new venv at ``folder`` with the wheel (and ``extras``) installed; its bin/."""
    run(UV, "venv", "--quiet", "--python", sys.executable, str(folder))
    python = str(folder / "bin" / "python")
    run(UV, "pip", "install", "--quiet", "--python", python, f"{wheel}{extras}")
    return folder / "bin"


def test_the_wheel_is_named_for_the_distribution_and_carries_its_data(wheel) -> None:
    assert wheel.name.startswith("linfit_reference-")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("linfit/py.typed", "linfit/conformance/v1/manifest.json"):
        assert needed in names
    assert not [name for name in names if name.startswith(("tests/", "docs/"))]


def test_with_tensorflow_the_wheel_runs_the_demo_and_draws_its_figures(
    wheel, tmp_path
) -> None:
    bin_ = fresh_venv(tmp_path / "venv", wheel, "[cpu,plots]")
    figures = tmp_path / "figures"
    demo = run(str(bin_ / "linfit"), "demo", "--epochs", "2", "--plot", str(figures))
    assert "Epoch  2:" in demo.stdout and demo.stderr == ""
    assert sorted(p.name for p in figures.iterdir()) == [
        "data.png",
        "loss.png",
        "parameters.png",
    ]
    help_ = run(str(bin_ / "linfit"), "conformance", "--help")
    assert "RESULTS" in help_.stdout or "check" in help_.stdout


def test_a_numpy_only_install_checks_a_port_and_names_the_extra_for_the_rest(
    wheel, tmp_path
) -> None:
    """A porter's install: no TensorFlow, and still a working checker.

    The time the check takes is printed (``-s`` shows it), not asserted.
    """
    import port_numpy

    from linfit import conformance

    bin_ = fresh_venv(tmp_path / "venv", wheel)
    found = run(
        str(bin_ / "python"),
        "-c",
        "import importlib.util as u; print(u.find_spec('tensorflow') is None)",
    )
    assert found.stdout.strip() == "True"  # really NumPy only
    results = tmp_path / "results.json"
    results.write_text(json.dumps(port_numpy.results(conformance.load_cases())))
    start = time.perf_counter()
    verdict = run(str(bin_ / "linfit"), "conformance", "check", str(results))
    print(f"linfit conformance check, NumPy only: {time.perf_counter() - start:.2f} s")
    assert verdict.returncode == 0 and "8 passed, 0 failed" in verdict.stdout
    demo = run(str(bin_ / "linfit"), "demo", check=False)
    assert demo.returncode == 2
    assert "linfit-reference[cpu]" in demo.stderr and demo.stderr.count("\n") == 1
