"""Property 3: TensorFlow's trajectory follows the float64 oracle's, and ends at the optimum.

Both runs start from the same float32 parameters on the same float32 data.
The parameter difference at each History row is bounded by
:func:`linfit.bounds.trajectory_error_bound` (per-step rounding, propagated
through the contraction ``I − lr·H``); each recorded loss is within
:func:`linfit.bounds.loss_error_bound` of the exact loss *at the recorded
float32 parameters*.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import Problem, examples, problems
from test_gradient import CANONICAL

import linfit
from linfit import bounds, reference

EPOCHS = 20


def assert_follows_oracle(
    problem: Problem, learning_rate: float, epochs: int, batch_size: int | None = None
) -> None:
    model = linfit.LinearModel(w=problem.w, b=problem.b)
    history = linfit.train(
        model,
        problem.x,
        problem.y,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        mode="function",
    )
    oracle = reference.train(
        problem.x,
        problem.y,
        epochs=epochs,
        learning_rate=learning_rate,
        w=problem.w,
        b=problem.b,
        batch_size=batch_size,
    )
    allowed = bounds.trajectory_error_bound(
        problem.x,
        problem.y,
        epochs=epochs,
        learning_rate=learning_rate,
        w=problem.w,
        b=problem.b,
        batch_size=batch_size,
    )
    distance = np.hypot(history.w - oracle.w, history.b - oracle.b)
    assert np.all(distance <= allowed), f"rows {np.nonzero(distance > allowed)[0]} off the oracle"
    x64, y64 = problem.x.astype(np.float64), problem.y.astype(np.float64)
    for k in range(epochs + 1):
        w, b = float(history.w[k]), float(history.b[k])
        exact = reference.loss(w, b, x64, y64)
        assert abs(float(history.loss[k]) - exact) <= bounds.loss_error_bound(w, b, x64, y64)


@settings(max_examples=examples(25))
@given(problems(), st.floats(0.05, 0.95))
@example(CANONICAL, 0.1 / reference.stable_learning_rate(CANONICAL.x))
def test_full_batch_trajectory_matches_float64_oracle(problem: Problem, fraction: float) -> None:
    """Full batch: every History row within the propagated rounding bound of the oracle's."""
    assert_follows_oracle(problem, fraction * reference.stable_learning_rate(problem.x), EPOCHS)


@settings(max_examples=examples(15))
@given(problems(), st.floats(0.05, 0.5), st.integers(1, 4))
def test_minibatch_trajectory_matches_float64_oracle(
    problem: Problem, fraction: float, batches: int
) -> None:
    """Consecutive minibatches: the same bound, step by step with each batch's contraction.

    Stability for a minibatch step needs lr below 2/L of *that batch*; we
    take the smallest over the batches.
    """
    n = problem.x.size
    batch_size = max(1, -(-n // batches))
    slices = reference.batch_slices(n, batch_size)
    rate = min(reference.stable_learning_rate(problem.x[s]) for s in slices)
    assert_follows_oracle(problem, fraction * rate, 5, batch_size=batch_size)


@pytest.mark.parametrize("inputs", ["normal", "linspace"])
def test_long_training_converges_to_least_squares_optimum(inputs: str) -> None:
    """After K epochs the exact iterate is within ρ^K·‖p₀ − p*‖ of the optimum p*.

    With lr = 2/(λ_max + λ_min), ρ = (λ_max − λ_min)/(λ_max + λ_min) is the
    smallest possible contraction. The float32 run may add at most the
    trajectory bound on top of that.
    """
    x, y = (t.numpy() for t in linfit.synthesize(n=1000, inputs=inputs, seed=3))
    eigenvalues = np.linalg.eigvalsh(reference.hessian(x))
    learning_rate = 2.0 / (eigenvalues[0] + eigenvalues[-1])
    rho = (eigenvalues[-1] - eigenvalues[0]) / (eigenvalues[-1] + eigenvalues[0])
    epochs = 200
    history = linfit.train(
        linfit.LinearModel(), x, y, epochs=epochs, learning_rate=learning_rate, mode="function"
    )
    optimum = np.array(reference.least_squares(x, y))
    start_distance = np.hypot(5.0 - optimum[0], 0.0 - optimum[1])
    allowed = (
        rho**epochs * start_distance
        + bounds.trajectory_error_bound(x, y, epochs=epochs, learning_rate=learning_rate)[-1]
    )
    final = np.array([history.w[-1], history.b[-1]], dtype=np.float64)
    assert np.hypot(*(final - optimum)) <= allowed
    assert allowed < 1e-2  # the statement has teeth: it pins the optimum to 2 decimals


def test_least_squares_zeroes_the_float64_gradient() -> None:
    """The closed form is a stationary point of the oracle loss (up to float64 rounding)."""
    x, y = CANONICAL.x.astype(np.float64), CANONICAL.y.astype(np.float64)
    w, b = reference.least_squares(x, y)
    grad = np.array(reference.gradient(w, b, x, y))
    magnitudes = abs(w) * np.abs(x) + abs(b) + np.abs(y)
    tolerance = (
        (x.size + 8)
        * 2.0**-53
        * 2
        * np.array([np.mean(np.abs(x) * magnitudes), np.mean(magnitudes)])
    )
    # lstsq itself is accurate to about cond(design)·u; the design here is well conditioned.
    assert np.all(np.abs(grad) <= 100 * tolerance)
