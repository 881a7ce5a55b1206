"""tf.distribute: data-parallel training equals one device, also with unequal shards."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

import linfit
from linfit import bounds
from linfit._tensorflow import tf
from linfit.parallel import multiworker
from linfit.parallel.mirrored import mean_of_replica_means, shards


@pytest.fixture(scope="module")
def strategy():
    devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    assert len(devices) == 2, "conftest configures two logical CPUs"
    return tf.distribute.MirroredStrategy(devices)


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


@pytest.mark.parametrize(("n", "replicas"), [(1001, 2), (5, 3), (2, 2), (7, 4)])
def test_shards_cover_the_batch_with_sizes_differing_by_at_most_one(
    n, replicas
) -> None:
    pieces = shards(n, replicas)
    sizes = [s.stop - s.start for s in pieces]
    assert pieces[0].start == 0 and pieces[-1].stop == n
    assert all(a.stop == b.start for a, b in itertools.pairwise(pieces))
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == n
    if n == 1001:
        assert sorted(sizes) == [
            500,
            501,
        ]  # unequal: the case averaging means gets wrong


@pytest.mark.parametrize("batch_size", [None, 100])
def test_mirrored_equals_single_device_within_rounding(
    strategy, odd_data, batch_size
) -> None:
    """Both runs are within the trajectory bound of the exact one: within twice it of each other.

    Not bit-identical: the all-reduce adds the two shards' partial sums, a
    different summation order from one device's reduction.
    """
    x, y = odd_data
    single = linfit.train(
        linfit.LinearModel(), x, y, epochs=8, learning_rate=0.1, batch_size=batch_size
    )
    model = linfit.LinearModel()
    mirrored = linfit.train(
        model,
        x,
        y,
        epochs=8,
        learning_rate=0.1,
        batch_size=batch_size,
        strategy=strategy,
    )
    allowed = 2 * bounds.trajectory_error_bound(
        x, y, epochs=8, learning_rate=0.1, batch_size=batch_size
    )
    assert np.all(np.hypot(single.w - mirrored.w, single.b - mirrored.b) <= allowed)
    for k in range(9):
        w, b = float(mirrored.w[k]), float(mirrored.b[k])
        exact = linfit.reference.loss(w, b, x.astype(np.float64), y.astype(np.float64))
        assert abs(float(mirrored.loss[k]) - exact) <= bounds.loss_error_bound(
            w, b, x, y
        )
    assert float(model.w.numpy()) == mirrored.w[-1]


def test_averaging_replica_means_would_be_wrong_and_linfit_does_not(strategy) -> None:
    """With shards of 3 and 2 points the mean of means is off by far more than rounding."""
    x = np.array([0.0, 1.0, 2.0, 10.0, 11.0], dtype=np.float32)
    y = np.array([1.0, 1.0, 1.0, -5.0, 7.0], dtype=np.float32)
    exact = np.array(
        linfit.reference.gradient(0.5, 0.25, x.astype(np.float64), y.astype(np.float64))
    )
    wrong = np.array(mean_of_replica_means(x, y, 0.5, 0.25, replicas=2))
    bound = np.array(bounds.gradient_error_bound(0.5, 0.25, x, y))
    assert np.all(np.abs(wrong - exact) > 1000 * bound)
    # One distributed step from (0.5, 0.25) with lr = 1 moves the parameters by minus the gradient.
    history = linfit.train(
        linfit.LinearModel(0.5, 0.25),
        x,
        y,
        epochs=1,
        learning_rate=1.0,
        strategy=strategy,
        on_divergence="continue",
    )
    # The step lands within the step bound of the exact one, (0.5, 0.25) − 1·∇L.
    allowed = bounds.step_error_bound(0.5, 0.25, x, y, 1.0)
    landed = np.array(
        [history.w[1] - (0.5 - exact[0]), history.b[1] - (0.25 - exact[1])]
    )
    assert np.hypot(*landed) <= allowed
    assert allowed < 1e-3 * np.min(np.abs(wrong - exact))  # far from the wrong step


def test_strategy_refuses_shuffle(strategy, odd_data) -> None:
    x, y = odd_data
    with pytest.raises(linfit.InputValueError, match="cannot shuffle"):
        linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=1,
            learning_rate=0.1,
            batch_size=100,
            shuffle_seed=0,
            strategy=strategy,
        )


def test_hundreds_of_epochs_on_two_workers_keep_a_bounded_thread_count(
    odd_data,
) -> None:
    """400 epochs (1200 collectives per worker) keep each worker under 300 threads.

    With a timeout on the collectives TensorFlow started a thread per
    collective (about 600 a second per worker here), so a run of this length
    would pass 300 threads within its first second of training, and the
    workers aborted after some 3000 epochs; the run must also equal the
    single-device one.
    """
    x, y = odd_data
    epochs = 400
    diagnostics: dict = {}
    history = launch(
        x, y, epochs=epochs, learning_rate=0.1, workers=2, diagnostics=diagnostics
    )
    single = linfit.train(linfit.LinearModel(), x, y, epochs=epochs, learning_rate=0.1)
    allowed = 2 * bounds.trajectory_error_bound(x, y, epochs=epochs, learning_rate=0.1)
    assert np.all(np.hypot(single.w - history.w, single.b - history.b) <= allowed)
    assert len(diagnostics["max_threads"]) == 2
    assert 0 < max(diagnostics["max_threads"]) < 300


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


def test_a_stuck_worker_is_detected_by_liveness(odd_data) -> None:
    """A worker alive but making no progress is stopped once its time is up."""
    x, y = odd_data
    with pytest.raises(linfit.LinfitError, match="worker 0 made no progress for 2 s"):
        launch(
            x,
            y,
            epochs=10_000,
            learning_rate=0.01,
            workers=2,
            stall_timeout=2,
            faults={"stall": {0: 3}},
        )


def test_a_diverging_run_stops_with_the_history_so_far(odd_data) -> None:
    """Every worker sees the same all-reduced loss, so all stop at the same row."""
    x, y = odd_data
    with pytest.raises(linfit.DivergenceError) as info:
        launch(x, y, epochs=400, learning_rate=100.0, workers=2)
    error = info.value
    with pytest.raises(linfit.DivergenceError) as single:
        linfit.train(linfit.LinearModel(), x, y, epochs=400, learning_rate=100.0)
    assert error.epoch == single.value.epoch and len(error.history) == error.epoch + 1
    assert "above the stable bound 2/L" in str(error)


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


@pytest.mark.skipif(
    not multiworker.isolation_available(),
    reason="needs Linux user and network namespaces (unshare --user --net)",
)
def test_the_workers_cannot_be_reached_from_outside_their_namespace(odd_data) -> None:
    """Their servers listen on every interface, but inside a namespace with only lo."""
    import socket

    x, y = odd_data
    refused = []

    def try_to_connect(addresses):
        for address in addresses:
            host, port = address.rsplit(":", 1)
            with socket.socket() as sock:
                sock.settimeout(5)
                refused.append(sock.connect_ex((host, int(port))) != 0)

    diagnostics: dict = {}
    launch(
        x,
        y,
        epochs=200,
        learning_rate=0.1,
        on_started=try_to_connect,
        diagnostics=diagnostics,
    )
    assert diagnostics["isolated"] and refused == [True, True]


def test_without_isolation_the_launcher_says_the_ports_are_open(odd_data, capfd):
    x, y = odd_data
    launch(x, y, epochs=2, learning_rate=0.1, workers=1, isolate=False)
    assert multiworker.EXPOSURE_NOTE in capfd.readouterr().err


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
    for option in ("--workers", "--epochs", "--learning-rate", "--points"):
        assert option in text
    assert text.count("(default:") == 6
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
