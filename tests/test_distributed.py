"""tf.distribute: data-parallel training equals one device, also with unequal shards."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import linfit
from linfit import bounds
from linfit._tensorflow import tf
from linfit.parallel.mirrored import mean_of_replica_means, shards


@pytest.fixture(scope="module")
def strategy():
    devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    assert len(devices) == 2, "conftest configures two logical CPUs"
    return tf.distribute.MirroredStrategy(devices)


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


@pytest.mark.parametrize("batch_size", [None, 100])
@pytest.mark.parametrize("engine", [None, "auto", "distributed"])
def test_a_model_made_in_the_strategy_scope_trains_as_one_made_outside(
    strategy, odd_data, batch_size, engine
) -> None:
    """TensorFlow's guide (and linfit's) create variables in ``strategy.scope()``:
    then they are MirroredVariables, which train must read and write too."""
    x, y = odd_data
    with strategy.scope():
        inside = linfit.LinearModel()
    assert type(inside.w).__name__ == "MirroredVariable"
    settings = {"epochs": 5, "learning_rate": 0.1, "batch_size": batch_size}
    history = linfit.train(inside, x, y, strategy=strategy, mode=engine, **settings)
    outside = linfit.train(linfit.LinearModel(), x, y, strategy=strategy, **settings)
    assert history.equals(outside)
    assert inside.w.numpy() == history.w[-1] and inside.b.numpy() == history.b[-1]

    def stop(epoch, w, b, loss):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(linfit.TrainingInterrupted) as info:
        linfit.train(inside, x, y, strategy=strategy, callback=stop, **settings)
    last = info.value.history
    assert inside.w.numpy() == last.w[-1] and inside.b.numpy() == last.b[-1]
