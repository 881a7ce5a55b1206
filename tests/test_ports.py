"""The ports in ports/ pass every conformance case, and the checker needs NumPy alone.

Each port is run as a porter would run it: a separate program reading the
golden files and writing a results file, judged by `linfit conformance check`
in a separate process. A port whose toolchain is missing here is skipped with
the reason; `nox -s ports` provides all of them (CI runs it).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "linfit" / "conformance" / "v1"
PORTS = ROOT / "ports"


def check(
    results: Path, python: str = sys.executable, *extra: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "-m", "linfit", "conformance", "check", *extra, str(results)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_every_case_passes(results: Path) -> None:
    verdict = check(results, sys.executable, "--json")
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    report = json.loads(verdict.stdout)
    assert report["passed"] and len(report["cases"]) == 8
    assert all(
        case["worst"] is not None and case["worst"] <= 1 for case in report["cases"]
    )


PRECISIONS = ["float32", "float64"]


def run_port(command: list[str], folder: Path, precision: str) -> Path:
    """Run a port as ``COMMAND GOLDEN RESULTS PRECISION``; return its results file."""
    results = folder / "results.json"
    subprocess.run(
        [*command, str(GOLDEN), str(results), precision],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return results


@pytest.fixture(scope="module")
def c_port(tmp_path_factory) -> tuple[Path, Path]:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler (cc or gcc) on this machine")
    folder = tmp_path_factory.mktemp("c")
    source = PORTS / "c" / "linfit_port.c"
    flags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-pedantic", "-Werror"]
    right, wrong = folder / "linfit_port", folder / "linfit_port_wrong"
    for binary, defines in ((right, []), (wrong, ["-DRECORD_LOSS_AFTER_UPDATE"])):
        subprocess.run(
            [compiler, *flags, *defines, "-o", str(binary), str(source), "-lm"],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return right, wrong


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_c_port_passes(c_port, tmp_path, precision) -> None:
    assert_every_case_passes(run_port([str(c_port[0])], tmp_path, precision))


@pytest.mark.parametrize("precision", PRECISIONS)
def test_a_c_port_recording_the_loss_one_step_late_fails(
    c_port, tmp_path, precision
) -> None:
    verdict = check(run_port([str(c_port[1])], tmp_path, precision))
    assert verdict.returncode == 1
    assert "FAIL" in verdict.stdout


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.skip("Node.js is not installed on this machine")
    return found


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_javascript_port_passes(node, tmp_path, precision) -> None:
    command = [node, str(PORTS / "js" / "run_conformance.js")]
    assert_every_case_passes(run_port(command, tmp_path, precision))


def test_the_javascript_port_selftest(node) -> None:
    """npy parsing, the epoch-table format (Python's rounding), stepping = training."""
    result = subprocess.run(
        [node, str(PORTS / "js" / "test_port.js")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_jax_port_passes(tmp_path, precision) -> None:
    if importlib.util.find_spec("jax") is None:
        pytest.skip(
            "JAX is not installed in this environment; `nox -s ports` runs this test"
        )
    command = [sys.executable, str(PORTS / "jax" / "linfit_port.py")]
    assert_every_case_passes(run_port(command, tmp_path, precision))


def test_the_checker_does_not_import_tensorflow(tmp_path) -> None:
    """Even where TensorFlow is installed, checking a port imports NumPy only."""
    import port_numpy

    from linfit import conformance

    results = tmp_path / "results.json"
    results.write_text(json.dumps(port_numpy.results(conformance.load_cases())))
    code = (
        "import sys\n"
        "from linfit.cli import main\n"
        f"status = main(['conformance', 'check', {str(results)!r}])\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules, status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "False False 0"
