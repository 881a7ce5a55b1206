"""Golden vectors for ports, and the checker that holds a port to them.

``linfit/conformance/v1/`` holds the published cases (inputs stored exactly,
float64 and float32 reference trajectories, ``manifest.json``). They are
immutable once published: a change of algorithm gets a new folder ``v2``.

* [`load_cases`][linfit.conformance.checker.load_cases] reads them;
* [`check`][linfit.conformance.checker.check] compares a port's results file with them
  (``linfit conformance check RESULTS.json`` on the command line);
* ``python -m linfit.conformance.generate`` rewrites them from
  [`linfit.conformance.cases`][], and a test fails if the committed files and
  the code disagree.
"""

from linfit.conformance.checker import (
    REPORT_FORMAT,
    RESULTS_FORMAT,
    Case,
    CaseReport,
    Report,
    check,
    load_cases,
)

__all__ = [
    "REPORT_FORMAT",
    "RESULTS_FORMAT",
    "Case",
    "CaseReport",
    "Report",
    "check",
    "load_cases",
]
