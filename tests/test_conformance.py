"""The golden vectors agree with the code, and the checker tells right ports from wrong ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import port_numpy
import pytest

import linfit
from linfit import conformance, reference
from linfit.cli import main
from linfit.conformance import generate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cases():
    return conformance.load_cases()


def test_manifest_carries_format_and_package_version(cases) -> None:
    manifest = json.loads((conformance.checker.GOLDEN / "manifest.json").read_text())
    assert manifest["format"] == "linfit-conformance/v1"
    version = re.search(
        r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M
    )
    assert manifest["linfit_version"] == version.group(1)
    assert set(cases) >= {
        "canonical",
        "linspace",
        "one_point",
        "two_points",
        "large_magnitudes",
        "near_stable_bound",
        "minibatch_shuffled",
    }


def test_committed_trajectories_equal_the_reference_code(cases) -> None:
    """Re-running the reference on the committed inputs gives the committed trajectories exactly."""
    for case in cases.values():
        for dtype in ("float64", "float32"):
            history = reference.train(
                case.x, case.y, dtype=dtype, **case.train_settings()
            )
            regenerated = generate.trajectory(history)
            committed = getattr(case, dtype)
            assert regenerated.dtype == committed.dtype
            assert regenerated.tobytes() == committed.tobytes(), f"{case.name} {dtype}"


def test_committed_inputs_equal_the_case_definitions(cases, tmp_path) -> None:
    """Regenerating from the definitions reproduces the inputs and the settings.

    Synthesized inputs come from TensorFlow's random ops, whose transcendental
    functions may differ by an ulp across platforms; 4 ulp is allowed.
    """
    fresh = generate.generate(tmp_path)
    committed = json.loads((conformance.checker.GOLDEN / "manifest.json").read_text())
    assert fresh == committed
    for name, case in cases.items():
        for key in ("x", "y"):
            again = np.load(tmp_path / f"{name}.{key}.npy")
            np.testing.assert_array_max_ulp(again, getattr(case, key), maxulp=4)
        if case.order is not None:
            assert np.array_equal(np.load(tmp_path / f"{name}.order.npy"), case.order)


def test_golden_files_are_plain_npy_without_pickles(cases) -> None:
    for path in conformance.checker.GOLDEN.glob("*.npy"):
        np.load(path, allow_pickle=False)  # raises if an object array were stored


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_independent_numpy_port_passes(cases, dtype) -> None:
    report = conformance.check(port_numpy.results(cases, dtype))
    assert report.passed, [case.line() for case in report.cases]
    assert all(case.worst <= 1.0 for case in report.cases)


def test_linfit_tensorflow_passes_as_a_float32_port(cases) -> None:
    results = {
        "format": conformance.RESULTS_FORMAT,
        "precision": "float32",
        "cases": {},
    }
    for name, case in cases.items():
        settings = case.settings
        if case.order is not None:
            continue  # train shuffles by seed; the spec's order is what ports replay
        history = linfit.train(
            linfit.LinearModel(settings["w0"], settings["b0"]),
            case.x,
            case.y,
            epochs=settings["epochs"],
            learning_rate=settings["learning_rate"],
            batch_size=settings["batch_size"],
        )
        results["cases"][name] = history.to_dict()
    report = conformance.check(results)
    checked = [c for c in report.cases if c.name in results["cases"]]
    assert all(c.passed for c in checked), [c.line() for c in checked]


@pytest.mark.parametrize(
    "mistake", ["loss_after_update", "rows_shifted", "swapped_gradients"]
)
def test_subtly_wrong_ports_are_rejected_by_orders_of_magnitude(cases, mistake) -> None:
    report = conformance.check(port_numpy.results(cases, np.float32, mistake))
    assert not report.passed
    assert max(case.worst for case in report.cases) > 100


def test_half_precision_port_is_rejected(cases) -> None:
    report = conformance.check(port_numpy.results(cases, np.float16))
    assert not report.passed


def test_float32_port_claiming_float64_is_rejected(cases) -> None:
    results = port_numpy.results(cases, np.float32)
    results["precision"] = "float64"
    assert not conformance.check(results).passed


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("not json", "not valid JSON"),
        ("[]", "format"),
        (
            '{"format": "linfit-conformance-results/v1", "precision": "bf16", "cases": {}}',
            "precision",
        ),
        (
            '{"format": "linfit-conformance-results/v1", "precision": "float32", "cases": []}',
            "'cases' must be an object",
        ),
        (
            '{"format": "linfit-conformance-results/v1", "precision": "float32",'
            ' "cases": {"nope": {}}}',
            "unknown case names: nope",
        ),
    ],
)
def test_malformed_results_get_a_clear_error(tmp_path, document, fragment) -> None:
    path = tmp_path / "results.json"
    path.write_text(document)
    with pytest.raises(linfit.InputValueError, match=re.escape(fragment)):
        conformance.check(path)


def test_structural_problems_fail_the_case_with_a_reason(cases) -> None:
    results = port_numpy.results(cases)
    results["cases"]["canonical"]["w"] = results["cases"]["canonical"]["w"][:-1]
    del results["cases"]["one_point"]
    report = {case.name: case for case in conformance.check(results).cases}
    assert "expected 11 rows" in report["canonical"].message
    assert report["one_point"].message == "missing from the results"


def test_cli_check_exit_codes(tmp_path, capsys, cases) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(port_numpy.results(cases)))
    assert main(["conformance", "check", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.count("pass  ") == len(cases) and "× bound" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(port_numpy.results(cases, mistake="rows_shifted")))
    assert main(["conformance", "check", str(bad)]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert main(["conformance", "check", str(tmp_path / "absent.json")]) == 2
    assert capsys.readouterr().err.startswith("linfit: error: ")


def test_citation_metadata_carries_the_package_version() -> None:
    citation = (ROOT / "CITATION.cff").read_text()
    version = re.search(
        r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M
    )
    assert re.search(r"^version: (.+)$", citation, re.M).group(1) == version.group(1)
    assert "cff-version: 1.2.0" in citation
