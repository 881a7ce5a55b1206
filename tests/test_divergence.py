"""Training that blows up stops loudly, with the numbers needed to fix it."""

from __future__ import annotations

import numpy as np
import pytest

import linfit
from linfit import reference


@pytest.fixture
def data():
    x, y = linfit.synthesize(n=500, seed=4)
    return x.numpy(), y.numpy()


def test_continue_option_shows_the_blow_up_to_infinity(data) -> None:
    x, y = data
    rate = 3.0 * reference.stable_learning_rate(x)
    history = linfit.train(
        linfit.LinearModel(),
        x,
        y,
        epochs=300,
        learning_rate=rate,
        on_divergence="continue",
    )
    assert len(history) == 301
    assert not np.isfinite(history.loss[-1])


def test_non_finite_loss_is_caught_even_without_growth() -> None:
    """Overflow to inf in the very first update is reported, never returned as a NaN History."""
    x = np.array([1e18, -1e18], dtype=np.float32)
    y = np.array([0.0, 1.0], dtype=np.float32)
    with pytest.raises(linfit.DivergenceError, match="training diverged"):
        linfit.train(linfit.LinearModel(), x, y, epochs=3, learning_rate=1.0)


def test_overflowing_start_is_a_data_problem_not_a_learning_rate_one() -> None:
    x = np.array([3e38, 1.0], dtype=np.float32)
    with pytest.raises(linfit.InputValueError, match="rescale x and y") as info:
        linfit.train(linfit.LinearModel(), x, x, epochs=1, learning_rate=1e-3)
    assert not isinstance(info.value, linfit.DivergenceError)


def one_steep_batch() -> tuple[np.ndarray, np.ndarray]:
    """90 points near x = 0.1 and a last batch of 10 at x = 10.

    The full data has mean x² ≈ 10, so 2/λ_max ≈ 0.1; the last batch alone has mean
    x² = 100, so its own bound is about 0.01. At learning rate 0.05 full-batch
    descent converges, but every epoch's last step multiplies the slope's error by
    about 1 − 0.05·2·100 = −9: a minibatch run of batches of 10 blows up.
    """
    x = np.concatenate([np.full(90, 0.1), np.full(10, 10.0)]).astype(np.float32)
    return x, (3 * x + 2).astype(np.float32)


def test_a_minibatch_run_below_the_full_batch_bound_is_blamed_on_its_batches() -> None:
    x, y = one_steep_batch()
    bound = reference.stable_learning_rate(x)
    steep_batch = reference.stable_learning_rate(x[90:])
    assert steep_batch < 0.05 < bound  # the premise, from the oracle
    start = linfit.LinearModel(5.0, 0.0)
    full = linfit.train(start, x, y, epochs=50, learning_rate=0.05)  # does not raise
    assert full.loss[-1] < full.loss[0]
    with pytest.raises(linfit.DivergenceError) as info:
        linfit.train(
            linfit.LinearModel(5.0, 0.0),
            x,
            y,
            epochs=50,
            learning_rate=0.05,
            batch_size=10,
        )
    message = str(info.value)
    assert info.value.batch_size == 10
    assert f"below the full-batch bound 2/λ_max = {bound:.6g}" in message
    assert "a batch of 10 points" in message and "above the stable bound" not in message


def test_a_minibatch_run_above_the_full_batch_bound_is_blamed_on_the_rate(data) -> None:
    x, y = data
    bound = reference.stable_learning_rate(x)
    with pytest.raises(linfit.DivergenceError) as info:
        linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=200,
            learning_rate=3 * bound,
            batch_size=100,
        )
    assert f"above the stable bound 2/λ_max = {bound:.6g}" in str(info.value)


def test_keras_fit_names_the_batches_too() -> None:
    x, y = one_steep_batch()
    model = linfit.KerasLinearModel(5.0, 0.0)
    with pytest.raises(linfit.DivergenceError, match="a batch of 10 points"):
        linfit.fit_keras(model, x, y, epochs=50, learning_rate=0.05, batch_size=10)
