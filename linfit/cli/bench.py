"""Time training many ways, against the time it takes to read the data once.

Run it with ``linfit bench`` (or ``nox -s bench``). For each data size ``n``
it times what a user calls — [`linfit.train`][linfit.loop.train] with each engine, end to end
from NumPy arrays — next to the peers a user might pick instead:

* ``train(mode=...)`` for the engines ``eager``, ``function``, ``graph``,
  ``xla``, ``moments`` and ``auto`` (see [`linfit.engines`][]);
* ``Keras fit``: ``KerasLinearModel`` with ``fit`` and the full batch;
* ``NumPy float32``: [`linfit.reference.step`][] in a Python loop;
* ``JAX jit step`` (a Python loop over a jitted step) and ``JAX fori_loop``
  (all steps in one compiled loop), on data already on the device: JAX at its
  best (optional: skipped, with a note, when JAX is not installed).

Every method but one reads all of ``x`` and ``y`` in every step, so its time
per epoch cannot fall below the time to read them once (``8·n`` bytes in
float32), which is measured in the same run; the moments engine reads them
once per *run*. Times are medians over repeats, after a warm-up call that also
absorbs tracing and compilation.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from linfit import reference

__all__ = ["EPOCHS", "SIZES", "main", "run_benchmark", "table", "targets"]

SIZES = (10**3, 10**5, 10**7)
EPOCHS = 100
"""K: the length of the whole runs compared (moments, auto, JAX fori_loop)."""
LEARNING_RATE = 0.1
ENGINES = ("eager", "function", "graph", "xla", "moments", "auto")


@dataclass(frozen=True)
class Method:
    """One way to train.

    Attributes:
        name: Label in the table.
        run: Trains for the given number of epochs.
        pass_per_step: Whether each step reads all the data.
        whole_run: Whether it is timed over the full ``EPOCHS`` (else over
            fewer epochs, reported per epoch).
    """

    name: str
    run: Callable[[int], Any]
    pass_per_step: bool
    whole_run: bool = False


def _seconds(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _median_time(function: Callable[[], Any], repeats: int) -> float:
    function()  # warm-up: tracing, compilation, caches
    return statistics.median(_seconds(function) for _ in range(repeats))


def _read(x: np.ndarray, y: np.ndarray) -> None:
    np.add.reduce(x)
    np.add.reduce(y)


def measure_bandwidth(megabytes: int = 400, repeats: int = 5) -> float:
    """Read bandwidth in bytes per second: median time of ``numpy.sum`` over a large array."""
    array = np.ones(megabytes * 2**20 // 4, dtype=np.float32)
    seconds = _median_time(lambda: float(array.sum()), repeats)
    return array.nbytes / seconds


def _methods(x: np.ndarray, y: np.ndarray) -> list[Method]:
    import linfit

    def engine(mode: str) -> Callable[[int], Any]:
        model = linfit.LinearModel()  # made once: the timed call is train() alone
        return lambda epochs: linfit.train(
            model,
            x,
            y,
            epochs=epochs,
            learning_rate=LEARNING_RATE,
            mode=mode,  # type: ignore[arg-type]
        )

    from linfit.variants.keras_model import KerasLinearModel, fit_keras

    keras_model = KerasLinearModel()

    def keras_fit(epochs: int) -> None:
        fit_keras(keras_model, x, y, epochs=epochs, learning_rate=LEARNING_RATE)

    def numpy_float32(epochs: int) -> None:
        w, b = np.float32(5.0), np.float32(0.0)
        for _ in range(epochs):
            w, b = reference.step(w, b, x, y, np.float32(LEARNING_RATE))

    methods = [
        Method(
            f"train {mode}",
            engine(mode),
            mode not in ("moments", "auto"),
            whole_run=True,
        )
        for mode in ENGINES
    ]
    methods += [
        Method("Keras fit", keras_fit, True),
        Method("NumPy float32", numpy_float32, True),
    ]
    return methods + _jax_methods(x, y)


def _jax_methods(x: np.ndarray, y: np.ndarray) -> list[Method]:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return []
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def loss(params: Any) -> Any:
        w, b = params
        residual = w * xj + b - yj
        return jnp.mean(residual * residual)

    grad = jax.grad(loss)

    @jax.jit
    def step(params: Any) -> Any:
        g = grad(params)
        return (params[0] - LEARNING_RATE * g[0], params[1] - LEARNING_RATE * g[1])

    @jax.jit
    def fori(params: Any, steps: Any) -> Any:
        return jax.lax.fori_loop(0, steps, lambda _, p: step(p), params)

    start = (jnp.float32(5.0), jnp.float32(0.0))

    def jit_step(epochs: int) -> None:
        params = start
        for _ in range(epochs):
            params = step(params)
        jax.block_until_ready(params)

    def fori_loop(epochs: int) -> None:
        jax.block_until_ready(fori(start, epochs))

    return [
        Method("JAX jit step", jit_step, True),
        Method("JAX fori_loop", fori_loop, True, whole_run=True),
    ]


def _epochs_for(method: Method, n: int, quick: bool) -> int:
    """Whole-run methods take ``EPOCHS``; the others fewer where a step is slow."""
    if quick:
        return 3
    if method.whole_run and method.name != "train eager":
        return EPOCHS
    return int(np.clip(2 * 10**7 // n, 3, EPOCHS))


def run_benchmark(
    sizes: tuple[int, ...] = SIZES,
    repeats: int = 7,
    log: Callable[[str], object] = print,
    quick: bool = False,
) -> dict[str, Any]:
    """Measure every method at every size; return the results as a JSON-ready dict.

    The repeats are interleaved: each round times the data read and then every
    method once, so a ratio between two methods is taken within a round (on a
    shared machine the speed drifts between rounds) and its median reported.
    ``quick`` uses a 40 MB bandwidth probe and 3 epochs: a smoke run, not a
    measurement.
    """
    with _quiet_tensorflow():
        return _run_benchmark(sizes, repeats, log, quick)


@contextlib.contextmanager
def _quiet_tensorflow() -> Iterator[None]:
    """Silence TensorFlow's Python warnings while the benchmark runs.

    Timing ``Keras fit`` means building a fresh training function again and
    again, which TensorFlow reports as excessive retracing: true of the
    benchmark, not advice for its reader.
    """
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _run_benchmark(
    sizes: tuple[int, ...], repeats: int, log: Callable[[str], object], quick: bool
) -> dict[str, Any]:
    bandwidth = measure_bandwidth(megabytes=40 if quick else 400)
    log(
        f"read bandwidth: {bandwidth / 1e9:.1f} GB/s (numpy.sum over {40 if quick else 400} MB)"
    )
    results, reads, ratios = [], {}, []
    for n in sizes:
        rng = np.random.default_rng(0)
        x = rng.standard_normal(n).astype(np.float32)
        y = (3 * x + 2 + rng.standard_normal(n)).astype(np.float32)
        methods = _methods(x, y)
        runs = [partial(m.run, _epochs_for(m, n, quick)) for m in methods]
        for run in runs:
            run()  # warm-up: tracing, compilation, caches
        read_rounds, rounds = [], []
        for _ in range(repeats):
            read_rounds.append(min(_seconds(partial(_read, x, y)) for _ in range(3)))
            rounds.append([_seconds(run) for run in runs])
        reads[n] = statistics.median(read_rounds)
        log(f"n = {n:,}: reading x and y once takes {reads[n] * 1e3:.3g} ms")
        for index, method in enumerate(methods):
            epochs = _epochs_for(method, n, quick)
            seconds = statistics.median(r[index] for r in rounds)
            results.append(
                {
                    "n": n,
                    "method": method.name,
                    "epochs": epochs,
                    "seconds": seconds,
                    "seconds_per_epoch": seconds / epochs,
                    "pass_per_step": method.pass_per_step,
                }
            )
            log(
                f"  {method.name:<16} {seconds / epochs * 1e3:11.4f} ms per epoch "
                f"({epochs} epochs, {seconds / epochs / reads[n]:8.3g} × one read)"
            )
        ratios += _paired_ratios(n, methods, rounds, read_rounds, quick)
    return {
        "epochs": EPOCHS,
        "bandwidth_bytes_per_second": bandwidth,
        "read_seconds": {str(n): seconds for n, seconds in reads.items()},
        "machine": _machine(),
        "repeats": repeats,
        "results": results,
        "ratios": ratios,
    }


def _paired_ratios(
    n: int,
    methods: list[Method],
    rounds: list[list[float]],
    read_rounds: list[float],
    quick: bool,
) -> list[dict[str, Any]]:
    """Round-by-round ratios for the targets: auto / JAX fori_loop, and a run / its allowance."""
    index = {method.name: i for i, method in enumerate(methods)}
    found = []
    if "JAX fori_loop" in index:
        found.append(
            {
                "n": n,
                "name": "auto / JAX fori_loop",
                "value": statistics.median(
                    r[index["train auto"]] / r[index["JAX fori_loop"]] for r in rounds
                ),
            }
        )
    epochs = _epochs_for(methods[index["train moments"]], n, quick)
    found.append(
        {
            "n": n,
            "name": "moments run / (3 reads + 10 µs per epoch)",
            "value": statistics.median(
                r[index["train moments"]] / (3 * read + 10e-6 * epochs)
                for r, read in zip(rounds, read_rounds, strict=True)
            ),
        }
    )
    return found


def _machine() -> dict[str, Any]:
    from linfit._tensorflow import tf

    machine = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "tensorflow": tf.__version__,
        "numpy": np.__version__,
    }
    try:
        import jax

        machine["jax"] = jax.__version__
    except ImportError:
        pass
    return machine


def _rows(report: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(row["method"], row["n"]): row for row in report["results"]}


def table(report: dict[str, Any]) -> str:
    """Milliseconds per epoch for each method and ``n``, with the pass-per-step column."""
    sizes = sorted({row["n"] for row in report["results"]})
    methods = list(dict.fromkeys(row["method"] for row in report["results"]))
    cells = _rows(report)
    header = (
        "| method | pass per step | " + " | ".join(f"n = {n:,}" for n in sizes) + " |"
    )
    lines = [header, "|---|---|" + "---:|" * len(sizes)]
    for method in methods:
        row = [method]
        first = next(cells[(method, n)] for n in sizes if (method, n) in cells)
        row.append("yes" if first["pass_per_step"] else "no: one per run")
        for n in sizes:
            cell = cells.get((method, n))
            row.append(
                "—" if cell is None else f"{cell['seconds_per_epoch'] * 1e3:.3g} ms"
            )
        lines.append("| " + " | ".join(row) + " |")
    reads = report.get("read_seconds", {})
    lines.append(
        "| *reading x and y once* | | "
        + " | ".join(
            f"*{reads[str(n)] * 1e3:.3g} ms*" if str(n) in reads else "—" for n in sizes
        )
        + " |"
    )
    return "\n".join(lines)


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The engines issue's targets, checked on this report's paired ratios.

    1. ``train(mode="auto")``, a whole run of ``EPOCHS`` full-batch epochs, is no
       slower than JAX's ``fori_loop`` taking the same steps, at every ``n``.
    2. At the largest ``n``, a whole moments run takes at most 3× the time to
       read ``x`` and ``y`` once, plus 10 µs per epoch.
    """
    largest = max(row["n"] for row in report["results"])
    found = []
    for ratio in report.get("ratios", []):
        if ratio["name"].startswith("auto") or ratio["n"] == largest:
            found.append(
                {
                    "target": f"{ratio['name']} ≤ 1 at n = {ratio['n']:,}",
                    "value": ratio["value"],
                    "met": ratio["value"] <= 1.0,
                }
            )
    return found


def main(quick: bool = False) -> dict[str, Any]:
    """Run and print the table and the targets; return the report."""
    report = run_benchmark(
        sizes=(10**3,) if quick else SIZES, repeats=2 if quick else 7, quick=quick
    )
    report["targets"] = targets(report)
    print()
    print(table(report))
    print()
    for target in report["targets"]:
        verdict = "met" if target["met"] else "MISSED"
        print(f"{verdict:>6}: {target['target']} (measured {target['value']:.3g})")
    return report
