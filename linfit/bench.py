"""Time one training step many ways, against the machine's memory-traffic limit.

Run it with ``linfit bench`` (or ``nox -s bench``). For each data size ``n``
it measures the time per full-batch step of:

* ``eager``: :func:`linfit.gradient_step` called from Python, op by op;
* ``tf.function step``: the same step traced once into a graph;
* ``graph loop``: the whole loop in one graph (:mod:`linfit.compiled`);
* ``XLA loop``: that graph compiled by XLA;
* ``Keras fit``: ``KerasLinearModel`` with ``fit`` and the full batch (per epoch);
* ``NumPy float32``: :func:`linfit.reference.step` in float32;
* ``JAX jit step`` and ``JAX fori_loop``: the peer a user might pick instead
  (optional: skipped, with a note, when JAX is not installed).

A step must read ``x`` and ``y`` once: ``8·n`` bytes in float32. Divided by
the read bandwidth measured in the same run (``numpy.sum`` over a 400 MB
array) that gives a floor no implementation can beat; every time is also
printed as a multiple of it. Times are medians over repeats, after a warm-up
call that also absorbs tracing and compilation.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from linfit import reference
from linfit._tensorflow import tf
from linfit.model import LinearModel
from linfit.step import gradient_step

__all__ = ["measure_bandwidth", "run_benchmark"]

SIZES = (10**3, 10**5, 10**7)
LEARNING_RATE = 0.1


def _median_time(function: Callable[[], Any], repeats: int) -> float:
    function()  # warm-up: tracing, compilation, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_bandwidth(megabytes: int = 400, repeats: int = 5) -> float:
    """Read bandwidth in bytes per second: median time of ``numpy.sum`` over a large array."""
    array = np.ones(megabytes * 2**20 // 4, dtype=np.float32)
    seconds = _median_time(lambda: float(array.sum()), repeats)
    return array.nbytes / seconds


def _steps_for(n: int, cheap: bool) -> int:
    """Steps per timed call: enough to last a while, few enough to stay quick."""
    budget = 2e6 if cheap else 2e5  # point-steps per timed call
    return int(max(3, min(5000, budget * (50 if cheap else 1) // n)))


def _methods(x: np.ndarray, y: np.ndarray) -> dict[str, tuple[Callable[[int], Any], bool]]:
    """Name → (run `steps` steps, whether the method is cheap per step)."""
    x_t, y_t = tf.constant(x), tf.constant(y)
    rate = tf.constant(LEARNING_RATE, tf.float32)
    model = LinearModel()
    compiled_step = tf.function(gradient_step)

    def eager(steps: int) -> None:
        for _ in range(steps):
            gradient_step(model, x_t, y_t, rate)
        model.w.numpy()

    def function_step(steps: int) -> None:
        for _ in range(steps):
            compiled_step(model, x_t, y_t, rate)
        model.w.numpy()

    def loop(xla: bool) -> Callable[[int], Any]:
        from linfit.compiled import run_loop

        return lambda steps: run_loop(5.0, 0.0, x_t, y_t, LEARNING_RATE, steps, xla=xla)

    def keras_fit(steps: int) -> None:
        from linfit.keras_model import KerasLinearModel, fit_keras

        fit_keras(KerasLinearModel(), x, y, epochs=steps, learning_rate=LEARNING_RATE)

    x32, y32 = x.astype(np.float32), y.astype(np.float32)

    def numpy_float32(steps: int) -> None:
        w, b = np.float32(5.0), np.float32(0.0)
        for _ in range(steps):
            w, b = reference.step(w, b, x32, y32, np.float32(LEARNING_RATE))

    methods = {
        "eager": (eager, False),
        "tf.function step": (function_step, False),
        "graph loop": (loop(False), True),
        "XLA loop": (loop(True), True),
        "Keras fit": (keras_fit, False),
        "NumPy float32": (numpy_float32, False),
    }
    methods.update(_jax_methods(x32, y32))
    return methods


def _jax_methods(x: np.ndarray, y: np.ndarray) -> dict[str, tuple[Callable[[int], Any], bool]]:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return {}
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

    def jit_step(steps: int) -> None:
        params = start
        for _ in range(steps):
            params = step(params)
        jax.block_until_ready(params)

    def fori_loop(steps: int) -> None:
        jax.block_until_ready(fori(start, steps))

    return {"JAX jit step": (jit_step, False), "JAX fori_loop": (fori_loop, True)}


def run_benchmark(
    sizes: tuple[int, ...] = SIZES,
    repeats: int = 3,
    log: Callable[[str], object] = print,
    quick: bool = False,
) -> dict[str, Any]:
    """Measure every method at every size; return the results as a JSON-ready dict.

    ``quick`` uses a 40 MB bandwidth probe and few steps: a smoke run, not a measurement.
    """
    bandwidth = measure_bandwidth(megabytes=40 if quick else 400)
    log(f"read bandwidth: {bandwidth / 1e9:.1f} GB/s (numpy.sum over 400 MB)")
    results = []
    for n in sizes:
        rng = np.random.default_rng(0)
        x = rng.standard_normal(n).astype(np.float32)
        y = (3 * x + 2 + rng.standard_normal(n)).astype(np.float32)
        limit = 8 * n / bandwidth
        for name, (method, cheap) in _methods(x, y).items():
            steps = 3 if quick else _steps_for(n, cheap)
            seconds = _median_time(partial(method, steps), repeats)
            per_step = seconds / steps
            results.append(
                {
                    "n": n,
                    "method": name,
                    "seconds_per_step": per_step,
                    "steps": steps,
                    "times_memory_limit": per_step / limit,
                }
            )
            log(
                f"n={n:>9,}  {name:<17} {per_step * 1e3:10.4f} ms/step  "
                f"{per_step / limit:9.1f} × memory limit"
            )
    return {
        "bandwidth_bytes_per_second": bandwidth,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "tensorflow": tf.__version__,
            "numpy": np.__version__,
        },
        "repeats": repeats,
        "results": results,
    }


def table(report: dict[str, Any]) -> str:
    """The results as a Markdown table: ms per step (× memory limit) per method and n."""
    sizes = sorted({row["n"] for row in report["results"]})
    methods = list(dict.fromkeys(row["method"] for row in report["results"]))
    cell = {(row["method"], row["n"]): row for row in report["results"]}
    lines = [
        "| method | " + " | ".join(f"n = 10^{int(np.log10(n))}" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for method in methods:
        cells = []
        for n in sizes:
            row = cell.get((method, n))
            cells.append(
                "—"
                if row is None
                else f"{row['seconds_per_step'] * 1e3:.4g} ms ({row['times_memory_limit']:.3g}×)"
            )
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(output: str | None = None, quick: bool = False) -> dict[str, Any]:
    """Run, print a table, and save JSON to ``output`` if given."""
    report = run_benchmark(
        sizes=(10**3,) if quick else SIZES, repeats=2 if quick else 3, quick=quick
    )
    print()
    print(table(report))
    if output:
        with open(output, "w", encoding="utf-8") as stream:
            json.dump(report, stream, indent=1)
    return report
