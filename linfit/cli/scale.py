"""``linfit bench --scale``: a full-batch fit of a file, as the file grows.

For CSV files of 10⁶ rows up to ``max_rows`` (synthesized once into a scratch
folder), it measures, in the same run and best of ``repeats``:

* ``np.loadtxt`` reading the file (NumPy's parser, the baseline);
* the library parser alone, pyarrow reading the whole file into memory;
* ``read_moments``, the streamed read ``linfit fit`` does (one pass, in blocks);
* ``linfit fit --data FILE`` end to end in a fresh process (importing TensorFlow
  included, 100 epochs), with its peak resident memory;
* and, for the largest file, the parallel read of
  ``python -m linfit.multiworker --data FILE`` on 1 and on 2 workers (the time
  the slowest worker took to read its part).

Speeds are reported as ratios to ``np.loadtxt`` measured beside them, and memory
against the smallest file: a streamed fit's memory stays flat as the file grows.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "ROWS",
    "main",
    "ratios",
    "scale_benchmark",
    "scale_table",
    "two_worker_ratio",
]

ROWS = (10**6, 10**7)
"""The file sizes measured by default (``--scale-rows`` adds larger ones)."""


def _best(function: Callable[[], Any], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _write_csv(path: Path, rows: int) -> None:
    """``rows`` points around y = 3x + 2 as an ``x,y`` CSV file, written in pieces."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    rng = np.random.default_rng(0)
    with pa_csv.CSVWriter(
        str(path),
        pa.schema([("x", pa.float32()), ("y", pa.float32())]),
        write_options=pa_csv.WriteOptions(quoting_style="none"),
    ) as writer:
        for start in range(0, rows, 10**6):
            count = min(10**6, rows - start)
            x = rng.normal(size=count).astype(np.float32)
            y = (3 * x + 2 + rng.normal(size=count)).astype(np.float32)
            writer.write_table(pa.table({"x": x, "y": y}))


def _fit_in_process(path: Path) -> tuple[float, float]:
    """``linfit fit`` on ``path`` in a fresh process: ``(seconds, peak RSS in MB)``."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "t = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(t, peak)\n"
    )
    command = [sys.executable, "-c", code, sys.executable, "-m", "linfit", "fit"]
    command += ["--data", str(path), "--epochs", "100", "--learning-rate", "0.1"]
    command += ["--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds, peak = done.stdout.split()
    return float(seconds), float(peak)


def _worker_reads(path: Path, workers: int) -> float:
    """The slowest worker's read of its part, in seconds."""
    from linfit.parallel.shards import run_file

    diagnostics: dict[str, Any] = {}
    run_file(
        str(path),
        epochs=10,
        learning_rate=0.1,
        workers=workers,
        diagnostics=diagnostics,
    )
    return max(float(v) for v in diagnostics["read_seconds"].values())


def scale_benchmark(
    rows: tuple[int, ...] = ROWS, repeats: int = 3, folder: Path | None = None
) -> dict[str, Any]:
    """Measure every size in ``rows``; the report as a dictionary."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    from linfit.files.sources import read_moments

    results = []
    with tempfile.TemporaryDirectory(prefix="linfit-scale-", dir=folder) as scratch:
        for count in rows:
            path = Path(scratch) / f"points{count}.csv"
            _write_csv(path, count)
            types = {"x": pa.float64(), "y": pa.float64()}
            options = pa_csv.ConvertOptions(column_types=types)

            def numpy_read(path: Path = path) -> object:
                return np.loadtxt(path, delimiter=",", skiprows=1)

            def library_read(path: Path = path, options: Any = options) -> object:
                return pa_csv.read_csv(path, convert_options=options)

            def streamed_read(path: Path = path) -> object:
                return read_moments(path)

            loadtxt = _best(numpy_read, repeats)
            library = _best(library_read, repeats)
            streamed = _best(streamed_read, repeats)
            fit_seconds, fit_peak = _fit_in_process(path)
            result = {
                "rows": count,
                "bytes": os.path.getsize(path),
                "loadtxt_seconds": loadtxt,
                "pyarrow_seconds": library,
                "streamed_seconds": streamed,
                "fit_seconds": fit_seconds,
                "fit_peak_mb": fit_peak,
            }
            if count == max(rows):
                result["read_1_worker_seconds"] = _worker_reads(path, 1)
                result["read_2_workers_seconds"] = _worker_reads(path, 2)
            results.append(result)
            path.unlink()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "results": results,
        "repeats": repeats,
        "self_peak_mb": usage.ru_maxrss / 1024,
    }


def ratios(report: dict[str, Any]) -> list[dict[str, float]]:
    """Each size's derived numbers: times as ratios to ``np.loadtxt``, ns per byte."""
    return [
        {
            "rows": row["rows"],
            "megabytes": row["bytes"] / 1e6,
            "loadtxt_seconds": row["loadtxt_seconds"],
            "pyarrow": row["pyarrow_seconds"] / row["loadtxt_seconds"],
            "streamed": row["streamed_seconds"] / row["loadtxt_seconds"],
            "ns_per_byte": row["streamed_seconds"] / row["bytes"] * 1e9,
            "fit_seconds": row["fit_seconds"],
            "fit_peak_mb": row["fit_peak_mb"],
        }
        for row in report["results"]
    ]


def two_worker_ratio(report: dict[str, Any]) -> float | None:
    """The read on 2 workers over the read on 1, for the largest file (if measured)."""
    largest = report["results"][-1]
    if "read_2_workers_seconds" not in largest:
        return None
    return float(largest["read_2_workers_seconds"] / largest["read_1_worker_seconds"])


def scale_table(report: dict[str, Any]) -> str:
    """The report as a plain-text table: times as ratios to ``np.loadtxt``."""
    lines = [
        f"{'rows':>12} {'MB':>8} {'loadtxt s':>10} {'pyarrow':>8} {'streamed':>9} "
        f"{'ns/byte':>8} {'fit s':>7} {'fit MB':>7}",
    ]
    rows = ratios(report)
    for row in rows:
        lines.append(
            f"{row['rows']:>12,} {row['megabytes']:>8.0f} {row['loadtxt_seconds']:>10.3g} "
            f"{row['pyarrow']:>7.2f}× {row['streamed']:>8.2f}× "
            f"{row['ns_per_byte']:>8.2f} {row['fit_seconds']:>7.3g} "
            f"{row['fit_peak_mb']:>7.0f}"
        )
    growth = rows[-1]["fit_peak_mb"] - rows[0]["fit_peak_mb"]
    lines.append(
        f"peak memory of the largest fit: {growth:+.0f} MB beside the smallest"
    )
    ratio = two_worker_ratio(report)
    if ratio is not None:
        lines.append(
            f"read of {rows[-1]['rows']:,} rows on 2 workers / on 1 worker: {ratio:.2f}"
        )
    return "\n".join(lines)


def main(rows: tuple[int, ...] = ROWS, repeats: int = 3) -> dict[str, Any]:
    """Run, print and return the scale report."""
    report = scale_benchmark(rows, repeats)
    print(scale_table(report))
    return report
