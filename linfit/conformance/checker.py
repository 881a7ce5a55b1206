"""Check a port's trajectories against the golden vectors.

The results file a port writes (JSON)::

    {
      "format": "linfit-conformance-results/v1",
      "precision": "float32",            # or "float64": the port's arithmetic
      "cases": {
        "canonical": {"w": [...], "b": [...], "loss": [...]},
        ...
      }
    }

Each list has ``epochs + 1`` numbers, History semantics (row ``k`` is the
state after ``k`` epochs and the full-data loss there). Cases may be omitted
(they are reported as missing, which fails the check).

The tolerance rule, per case and row ``k``:

* parameters: ``‖(w_k, b_k) − (w*_k, b*_k)‖₂ ≤ B_k``, where ``(w*, b*)`` is the
  golden float64 trajectory and ``B_k`` is
  [`linfit.bounds.trajectory_error_bound`][] for the port's precision, plus
  the float64 reference's own (tiny) bound;
* loss: ``|loss_k − L(w_k, b_k)| ≤ β_k``, where ``L`` is the exact loss
  (computed in float64 on the exact inputs) *at the port's own parameters*
  and ``β_k`` is [`linfit.bounds.loss_error_bound`][] there.

A row's deviation is reported in units of its bound: at most 1 passes.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from linfit import bounds, reference
from linfit.bounds import Precision
from linfit.errors import InputTypeError, InputValueError
from linfit.files.atomic import read_bounded

__all__ = [
    "REPORT_FORMAT",
    "RESULTS_FORMAT",
    "RESULTS_LIMIT",
    "Case",
    "CaseReport",
    "Report",
    "check",
    "load_cases",
]

RESULTS_FORMAT = "linfit-conformance-results/v1"
REPORT_FORMAT = "linfit-conformance-report/v1"
GOLDEN = Path(__file__).parent / "v1"
RESULTS_LIMIT = 64 * 2**20
"""Bytes a results file may hold (v1's are a few kB): larger is refused unparsed."""


@dataclass(frozen=True)
class Case:
    """One golden case, loaded from disk.

    Attributes:
        name: Case name.
        settings: The manifest entry (epochs, learning_rate, w0, b0, batch_size, ...).
        x: float32 inputs.
        y: float32 targets.
        order: int64 visiting order ``(epochs, n)``, or ``None`` for data order.
        float64: Golden float64 trajectory ``(epochs + 1, 3)``: columns w, b, loss.
        float32: Golden NumPy float32 trajectory, same layout.
    """

    name: str
    settings: dict[str, Any]
    x: np.ndarray
    y: np.ndarray
    order: np.ndarray | None
    float64: np.ndarray
    float32: np.ndarray

    def train_settings(self) -> dict[str, Any]:
        """Keyword arguments for [`linfit.reference.train`][] reproducing this case."""
        return {
            "epochs": self.settings["epochs"],
            "learning_rate": self.settings["learning_rate"],
            "w": self.settings["w0"],
            "b": self.settings["b0"],
            "batch_size": self.settings["batch_size"],
            "order": self.order,
        }


def load_cases(directory: str | os.PathLike[str] = GOLDEN) -> dict[str, Case]:
    """Load every case of a golden-vector directory (default: the package's ``v1``)."""
    directory = Path(directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    cases = {}
    for entry in manifest["cases"]:
        files = entry["files"]

        def load(key: str, files: dict[str, str] = files) -> np.ndarray:
            return np.asarray(np.load(directory / files[key], allow_pickle=False))

        cases[entry["name"]] = Case(
            name=entry["name"],
            settings=entry,
            x=load("x"),
            y=load("y"),
            order=load("order") if "order" in files else None,
            float64=load("float64"),
            float32=load("float32"),
        )
    return cases


@dataclass
class CaseReport:
    """The verdict on one case.

    Attributes:
        name: Case name.
        passed: Whether every row is within its bounds.
        worst: Largest deviation in units of its bound (≤ 1 passes).
        worst_row: Row where ``worst`` occurs.
        worst_quantity: ``"parameters"`` or ``"loss"``.
        message: Why the case failed, when it failed for a structural reason.
    """

    name: str
    passed: bool
    worst: float = 0.0
    worst_row: int = 0
    worst_quantity: str = "parameters"
    message: str = ""

    def line(self) -> str:
        """One line for the command-line report."""
        verdict = "pass" if self.passed else "FAIL"
        if self.message:
            return f"{verdict}  {self.name}: {self.message}"
        return (
            f"{verdict}  {self.name}: worst deviation {self.worst:.3g} × bound "
            f"({self.worst_quantity}, row {self.worst_row})"
        )


@dataclass
class Report:
    """The verdict on a whole results file."""

    precision: str
    cases: list[CaseReport] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every case passed."""
        return all(case.passed for case in self.cases)

    def to_dict(self) -> dict[str, Any]:
        """The verdict as JSON-ready data (``linfit conformance check --json``).

        ``worst`` is the largest deviation in units of its bound (at most 1
        passes), ``null`` when the case failed for a structural reason, given
        in ``message``; ``row`` and ``quantity`` say where the worst deviation is.
        """
        return {
            "format": REPORT_FORMAT,
            "precision": self.precision,
            "passed": self.passed,
            "cases": [
                {
                    "name": case.name,
                    "passed": case.passed,
                    "worst": case.worst
                    if not case.message and math.isfinite(case.worst)
                    else None,
                    "row": case.worst_row if not case.message else None,
                    "quantity": case.worst_quantity if not case.message else None,
                    "message": case.message,
                }
                for case in self.cases
            ],
        }


def _ratio(deviation: float, bound: float) -> float:
    if deviation == 0.0:
        return 0.0
    return deviation / bound if bound > 0 else math.inf


def _column(values: object) -> np.ndarray | None:
    """A list of JSON numbers as float64 (a number too large is infinite); else ``None``.

    Numbers written as strings (``"1.5"``) are not numbers, nor are ``true`` and
    ``false``, which Python would count as 1 and 0.
    """
    if not isinstance(values, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
    ):
        return None
    return np.array([float(v) for v in values], dtype=np.float64)


def _check_case(case: Case, result: dict[str, Any], precision: Precision) -> CaseReport:
    rows = case.settings["epochs"] + 1
    missing = [key for key in ("w", "b", "loss") if key not in result]
    if missing:
        return CaseReport(case.name, False, message=f"missing column {missing[0]!r}")
    parsed = [_column(result[key]) for key in ("w", "b", "loss")]
    if any(column is None for column in parsed):
        return CaseReport(case.name, False, message="columns must be lists of numbers")
    columns = [column for column in parsed if column is not None]
    if any(column.shape != (rows,) for column in columns):
        shapes = [column.shape for column in columns]
        return CaseReport(
            case.name, False, message=f"expected {rows} rows per column, got {shapes}"
        )
    if not all(np.all(np.isfinite(column)) for column in columns):
        return CaseReport(case.name, False, message="non-finite values")
    largest = float(np.finfo(precision).max)
    if any(np.any(np.abs(column) > largest) for column in columns):
        return CaseReport(
            case.name, False, message=f"values beyond the {precision} range"
        )
    with np.errstate(all="ignore"):  # huge values: their deviation is infinite, a FAIL
        return _compare(case, columns, precision)


def _compare(case: Case, columns: list[np.ndarray], precision: Precision) -> CaseReport:
    rows = case.settings["epochs"] + 1
    w, b, loss = columns
    x64, y64 = case.x.astype(np.float64), case.y.astype(np.float64)
    settings = case.train_settings()
    allowed = bounds.trajectory_error_bound(
        case.x, case.y, **settings, precision=precision
    )
    allowed = allowed + bounds.trajectory_error_bound(
        case.x, case.y, **settings, precision="float64"
    )
    report = CaseReport(case.name, True)
    for k in range(rows):
        distance = math.hypot(w[k] - case.float64[k, 0], b[k] - case.float64[k, 1])
        exact_loss = float(reference.loss(w[k], b[k], x64, y64))
        loss_bound = bounds.loss_error_bound(w[k], b[k], x64, y64, precision=precision)
        for quantity, ratio in (
            ("parameters", _ratio(distance, allowed[k])),
            ("loss", _ratio(abs(loss[k] - exact_loss), loss_bound)),
        ):
            if ratio > report.worst:
                report.worst, report.worst_row, report.worst_quantity = (
                    float(ratio),
                    k,
                    quantity,
                )
    report.passed = bool(report.worst <= 1.0)
    return report


def _read_results(path: Path) -> Any:
    """The parsed results file; integers are read as floats (a 5000-digit one is inf)."""
    if "\0" in str(path):
        raise InputValueError(f"{str(path)!r}: the path contains a NUL byte")
    try:
        text = read_bounded(path, RESULTS_LIMIT, "a results file").decode("utf-8")
        return json.loads(text, parse_int=float)
    except OSError as error:
        raise InputValueError(f"{path}: cannot be read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputValueError(f"{path}: not valid JSON ({error})") from None
    except RecursionError:
        raise InputValueError(
            f"{path}: not a results file (nested too deeply to be one)"
        ) from None


def check(
    results: dict[str, Any] | str | os.PathLike[str], golden: Any = GOLDEN
) -> Report:
    """Compare a port's results with the golden vectors.

    Args:
        results: The parsed results document, or the path of its JSON file.
        golden: Directory of the golden vectors (default: the package's ``v1``).

    Returns:
        A [`Report`][linfit.conformance.checker.Report] with one
            [`CaseReport`][linfit.conformance.checker.CaseReport] per golden case.

    Raises:
        InputValueError: If the results file cannot be read or is not a
            results document of the right format.
    """
    if not isinstance(results, (dict, str, os.PathLike)):
        raise InputTypeError(
            "results must be the path of a results file or its parsed JSON object, "
            f"got {type(results).__name__}"
        )
    if not isinstance(results, dict):
        results = _read_results(Path(results))
    if not isinstance(results, dict) or results.get("format") != RESULTS_FORMAT:
        raise InputValueError(
            f"results must be a JSON object with format {RESULTS_FORMAT!r}"
        )
    precision = results.get("precision")
    if precision not in ("float32", "float64"):
        raise InputValueError(
            f"precision must be 'float32' or 'float64', got {precision!r}"
        )
    cases = results.get("cases")
    if not isinstance(cases, dict):
        raise InputValueError(
            "'cases' must be an object mapping case names to trajectories"
        )
    golden_cases = load_cases(golden)
    unknown = sorted(set(cases) - set(golden_cases))
    if unknown:
        raise InputValueError(f"unknown case names: {', '.join(unknown)}")
    report = Report(precision=precision)
    for name, case in golden_cases.items():
        if name not in cases:
            report.cases.append(
                CaseReport(name, False, message="missing from the results")
            )
        elif not isinstance(cases[name], dict):
            report.cases.append(CaseReport(name, False, message="must be an object"))
        else:
            report.cases.append(
                _check_case(case, cases[name], cast(Precision, precision))
            )
    return report
