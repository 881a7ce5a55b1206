"""The compiled paths: the whole loop in one graph, and under XLA."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import linfit
from linfit import bounds


@pytest.fixture(scope="module")
def data():
    x, y = linfit.synthesize(n=2000, seed=12)
    return x.numpy(), y.numpy()


@pytest.mark.parametrize("inputs", ["normal", "linspace"])
def test_graph_loop_equals_eager_bit_for_bit(inputs) -> None:
    """Same operations in the same order: the while-loop graph reproduces eager exactly."""
    x, y = linfit.synthesize(n=1000, inputs=inputs, seed=5)
    eager = linfit.train(linfit.LinearModel(), x, y, epochs=15, learning_rate=0.1)
    graph = linfit.train(linfit.LinearModel(), x, y, epochs=15, learning_rate=0.1, mode="graph")
    assert graph.equals(eager)


def test_xla_loop_agrees_within_the_rounding_bound(data) -> None:
    """Each run is within the trajectory bound of the exact one: within twice it of each other."""
    x, y = data
    eager = linfit.train(linfit.LinearModel(), x, y, epochs=20, learning_rate=0.3)
    model = linfit.LinearModel()
    xla = linfit.train(model, x, y, epochs=20, learning_rate=0.3, mode="xla")
    allowed = 2 * bounds.trajectory_error_bound(x, y, epochs=20, learning_rate=0.3)
    assert np.all(np.hypot(eager.w - xla.w, eager.b - xla.b) <= allowed)
    x64 = x.astype(np.float64)
    for k in range(21):
        w, b = float(xla.w[k]), float(xla.b[k])
        exact = linfit.reference.loss(w, b, x64, y.astype(np.float64))
        assert abs(float(xla.loss[k]) - exact) <= bounds.loss_error_bound(w, b, x, y)
    assert float(model.w.numpy()) == xla.w[-1]  # the model ends in the last row's state


def test_compiled_modes_refuse_minibatches(data) -> None:
    x, y = data
    with pytest.raises(linfit.InputValueError, match="full batch only"):
        linfit.train(
            linfit.LinearModel(), x, y, epochs=1, learning_rate=0.1, batch_size=10, mode="xla"
        )


def test_compiled_modes_detect_divergence(data) -> None:
    x, y = data
    rate = 1.5 * linfit.stable_learning_rate(x)
    with pytest.raises(linfit.DivergenceError):
        linfit.train(linfit.LinearModel(), x, y, epochs=200, learning_rate=rate, mode="graph")


def test_import_builds_no_graphs_and_loads_no_benchmark() -> None:
    """`import linfit` traces nothing and leaves the compiled loop and the benchmark unloaded.

    (Whether `jax` gets imported is up to Keras, which probes for its backends.)
    """
    code = (
        "import sys, linfit\n"
        "from linfit._tensorflow import tf\n"
        "print(len(tf.compat.v1.get_default_graph().get_operations()),"
        " 'linfit.compiled' in sys.modules, 'linfit.bench' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["0", "False", "False"]


def test_benchmark_smoke_run() -> None:
    """A tiny run of the benchmark: every TensorFlow method reports a positive time."""
    from linfit import bench

    report = bench.run_benchmark(sizes=(1000,), repeats=1, log=lambda _: None, quick=True)
    methods = {row["method"] for row in report["results"]}
    assert {"eager", "tf.function step", "graph loop", "XLA loop", "NumPy float32"} <= methods
    assert all(row["seconds_per_step"] > 0 for row in report["results"])
    assert report["bandwidth_bytes_per_second"] > 1e8
    assert "| method |" in bench.table(report)
