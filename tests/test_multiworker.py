"""The multi-worker launcher: MultiWorkerMirroredStrategy on local worker processes.

Each run starts real processes (a supervisor and its workers, each importing
TensorFlow), so the runs here are few and each checks several things.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import numpy as np
import pytest

import linfit
from linfit import bounds
from linfit.parallel import multiworker, shards


def launch(x, y, **settings):
    """``multiworker.run``'s defaults, through the launcher's test hooks."""
    defaults = {"w": 5.0, "b": 0.0, "batch_size": None, "workers": 2}
    defaults |= {"stall_timeout": 120.0, "startup_timeout": 300.0}
    defaults |= {"on_divergence": "raise"}
    return multiworker._launch(x, y, **(defaults | settings))


@pytest.fixture(scope="module")
def odd_data():
    x, y = linfit.synthesize(n=1001, seed=0)  # 1001 points: shards of 501 and 500
    return x.numpy(), y.numpy()


def reachable(address: str) -> bool:
    host, port = address.rsplit(":", 1)
    with socket.socket() as sock:
        sock.settimeout(5)
        return sock.connect_ex((host, int(port))) == 0


def test_hundreds_of_epochs_on_two_workers_keep_a_bounded_thread_count(
    odd_data,
) -> None:
    """250 epochs (750 collectives per worker) keep each worker under 300 threads.

    With a timeout on the collectives TensorFlow started a thread per
    collective (about 600 a second per worker here), so a run of this length
    would pass 300 threads within its first second of training, and the
    workers aborted after some 3000 epochs; the run must also equal the
    single-device one.
    """
    x, y = odd_data
    epochs = 250
    diagnostics: dict = {}
    reached: list[bool] = []
    history = launch(
        x,
        y,
        epochs=epochs,
        learning_rate=0.1,
        workers=2,
        diagnostics=diagnostics,
        on_started=lambda addresses: reached.extend(map(reachable, addresses)),
    )
    single = linfit.train(linfit.LinearModel(), x, y, epochs=epochs, learning_rate=0.1)
    allowed = 2 * bounds.trajectory_error_bound(x, y, epochs=epochs, learning_rate=0.1)
    assert np.all(np.hypot(single.w - history.w, single.b - history.b) <= allowed)
    assert len(diagnostics["max_threads"]) == 2
    assert 0 < max(diagnostics["max_threads"]) < 300
    # The workers' servers listen on every interface, but inside a network namespace
    # with only loopback: from outside it, their ports cannot be reached.
    if multiworker.isolation_available():
        assert diagnostics["isolated"] and reached == [False, False]


def test_a_worker_dying_mid_run_fails_clearly_without_hanging(odd_data) -> None:
    x, y = odd_data
    with pytest.raises(linfit.LinfitError, match="worker 1 failed with exit status 3"):
        launch(
            x,
            y,
            epochs=10_000,
            learning_rate=0.01,
            workers=2,
            faults={"fail": {1: 2}},
        )


def test_a_stuck_worker_is_detected_by_liveness(odd_data, capfd) -> None:
    """A worker alive but making no progress is stopped once its time is up.

    This run is not isolated, as where ``unshare`` cannot be used: the launcher
    says so at start.
    """
    x, y = odd_data
    with pytest.raises(linfit.LinfitError, match="worker 0 made no progress for 2 s"):
        launch(
            x,
            y,
            epochs=10_000,
            learning_rate=0.01,
            workers=1,
            stall_timeout=2,
            faults={"stall": {0: 3}},
            isolate=False,
        )
    assert multiworker.EXPOSURE_NOTE in capfd.readouterr().err


def test_a_diverging_run_stops_with_the_history_so_far(odd_data) -> None:
    """Every worker sees the same all-reduced loss, so all stop at the same row."""
    x, y = odd_data
    with pytest.raises(linfit.DivergenceError) as info:
        launch(x, y, epochs=400, learning_rate=100.0, workers=2)
    error = info.value
    with pytest.raises(linfit.DivergenceError) as single:
        linfit.train(linfit.LinearModel(), x, y, epochs=400, learning_rate=100.0)
    assert error.epoch == single.value.epoch and len(error.history) == error.epoch + 1
    assert "above the stable bound 2/λ_max" in str(error)


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"w": float("nan")}, "w must be finite"),
        ({"learning_rate": -1.0}, "learning_rate must be > 0"),
        ({"workers": 0}, "workers must be between 1 and 64"),
        ({"workers": 2.5}, "workers must be an integer"),
        ({"stall_timeout": 0}, "stall_timeout must be > 0"),
        ({"batch_size": 5000}, "batch_size must be between 1"),
        ({"on_divergence": "ignore"}, "on_divergence must be"),
    ],
)
def test_a_run_that_cannot_start_is_refused_before_any_worker(
    odd_data, settings, fragment
) -> None:
    x, y = odd_data
    arguments = {"epochs": 3, "learning_rate": 0.1} | settings
    with pytest.raises(linfit.LinfitError, match=fragment):
        multiworker.run(x, y, **arguments)
    with pytest.raises(linfit.InputValueError, match="x\\[1\\]"):
        multiworker.run([1.0, float("nan")], [1.0, 2.0], epochs=1, learning_rate=0.1)


def test_python_m_linfit_multiworker_help_names_and_explains_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linfit.multiworker", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    text = result.stdout
    assert text.startswith("usage: python -m linfit.multiworker")
    options = ("--workers", "--epochs", "--learning-rate", "--points", "--data")
    for option in (*options, "--columns", "--comments"):
        assert option in text
    assert text.count("(default:") == 9
    bad = subprocess.run(
        [sys.executable, "-m", "linfit.multiworker", "--workers", "many"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_free_ports_are_distinct_loopback_ports() -> None:
    from linfit.parallel import workers

    ports = workers.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= p < 65536 for p in ports)


def test_two_workers_split_a_file_and_equal_the_run_on_one_process(tmp_path) -> None:
    """Each worker reads its half of the CSV once; the sums are all-reduced."""
    x, y = linfit.synthesize(n=4001, seed=2)
    x, y = x.numpy(), y.numpy()
    path = tmp_path / "points.csv"
    np.savetxt(path, np.c_[x, y], delimiter=",", header="x,y", comments="", fmt="%.9g")
    diagnostics: dict = {}
    settings = {"epochs": 30, "learning_rate": 0.1}
    history = shards.run_file(
        str(path), workers=2, columns=("x", "y"), diagnostics=diagnostics, **settings
    )
    assert sorted(diagnostics["read_seconds"]) == ["0", "1"]  # both read a part
    single = linfit.train_streaming(linfit.LinearModel(), path, **settings)
    oracle = linfit.reference.train(x, y, **settings)
    bound = bounds.trajectory_error_bound(x, y, **settings)
    for run in (history, single):  # each within the bound of the reference
        assert np.all(np.hypot(run.w - oracle.w, run.b - oracle.b) <= bound)
    assert len(history) == 31
