"""Property 1: the gradient TensorFlow computes is the analytic L2 gradient.

Three computations of ∂L/∂(w, b) must agree: ``tf.GradientTape`` on the loss,
the hand-derived formula in :func:`linfit.l2_gradient` (both float32), and the
float64 oracle :func:`linfit.reference.gradient` evaluated at the same float32
parameters on the same float32 data. The tolerance is
:func:`linfit.bounds.gradient_error_bound`: γ_{n+8} times the sum of the
absolute values of the terms. It is absolute, not relative: at the optimum the
exact gradient is 0 while rounding in the sum is not.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from strategies import CANONICAL, Setup, examples, problems

import linfit
from linfit import bounds, reference
from linfit._tensorflow import tf


def exact_gradient(problem: Setup) -> np.ndarray:
    x64, y64 = problem.x.astype(np.float64), problem.y.astype(np.float64)
    return np.array(reference.gradient(problem.w, problem.b, x64, y64))


def tape_gradient(problem: Setup) -> np.ndarray:
    model = linfit.LinearModel(w=problem.w, b=problem.b)
    _, grads = linfit.loss_and_gradients(
        model, tf.constant(problem.x), tf.constant(problem.y)
    )
    return np.array([float(g) for g in grads])


def formula_gradient(problem: Setup) -> np.ndarray:
    grads = linfit.l2_gradient(
        tf.constant(problem.w, tf.float32),
        tf.constant(problem.b, tf.float32),
        tf.constant(problem.x),
        tf.constant(problem.y),
    )
    return np.array([float(g) for g in grads])


@settings(max_examples=examples(60))
@given(problems())
@example(CANONICAL)
def test_tape_gradient_matches_float64_oracle_within_rounding_bound(
    problem: Setup,
) -> None:
    """|tape − exact| ≤ γ_{n+8}·(2/n)Σ|x_i|M_i for w and γ_{n+8}·(2/n)ΣM_i for b."""
    bound = np.array(
        bounds.gradient_error_bound(problem.w, problem.b, problem.x, problem.y)
    )
    error = np.abs(tape_gradient(problem) - exact_gradient(problem))
    assert np.all(error <= bound), f"error {error} exceeds bound {bound}"


@settings(max_examples=examples(60))
@given(problems())
@example(CANONICAL)
def test_analytic_formula_matches_float64_oracle_within_rounding_bound(
    problem: Setup,
) -> None:
    """The hand-derived float32 formula obeys the same bound as the tape."""
    bound = np.array(
        bounds.gradient_error_bound(problem.w, problem.b, problem.x, problem.y)
    )
    error = np.abs(formula_gradient(problem) - exact_gradient(problem))
    assert np.all(error <= bound), f"error {error} exceeds bound {bound}"


@settings(max_examples=examples(60))
@given(problems())
def test_tape_and_formula_agree_within_twice_the_bound(problem: Setup) -> None:
    """Both float32 gradients lie within the bound of the exact one, so within 2× of each other."""
    bound = np.array(
        bounds.gradient_error_bound(problem.w, problem.b, problem.x, problem.y)
    )
    error = np.abs(tape_gradient(problem) - formula_gradient(problem))
    assert np.all(error <= 2 * bound)


def test_bound_is_tight_enough_to_catch_a_wrong_gradient() -> None:
    """The tolerance is not vacuous: a gradient off by 0.1 % of its size fails it.

    A missing factor 2, a sum instead of a mean, or a sign error would be off
    by far more than that.
    """
    exact = exact_gradient(CANONICAL)
    bound = np.array(
        bounds.gradient_error_bound(CANONICAL.w, CANONICAL.b, CANONICAL.x, CANONICAL.y)
    )
    assert np.all(np.abs(exact) * 1e-3 > bound)


def test_oracle_gradient_matches_central_differences_of_oracle_loss() -> None:
    """Check the oracle against itself by another route.

    The loss is quadratic in each parameter, so a central difference
    (L(p + h) − L(p − h)) / 2h equals the derivative exactly in exact
    arithmetic, for any h. In float64 the only error is rounding of the two
    loss values: ≲ 2·γ_{n+8}^{(64)}·mean(M²)/(2h).
    """
    x, y = CANONICAL.x.astype(np.float64), CANONICAL.y.astype(np.float64)
    w, b, h = 1.3, -0.7, 0.5
    grad_w, grad_b = reference.gradient(w, b, x, y)
    diff_w = (reference.loss(w + h, b, x, y) - reference.loss(w - h, b, x, y)) / (2 * h)
    diff_b = (reference.loss(w, b + h, x, y) - reference.loss(w, b - h, x, y)) / (2 * h)
    magnitudes = (abs(w) + h) * np.abs(x) + abs(b) + h + np.abs(y)
    tolerance = 2 * (x.size + 8) * 2.0**-53 * np.mean(magnitudes**2) / (2 * h)
    assert abs(diff_w - grad_w) <= tolerance
    assert abs(diff_b - grad_b) <= tolerance


@pytest.mark.parametrize("n", [1, 2, 7])
def test_gradient_is_zero_at_a_perfect_fit(n: int) -> None:
    """Points exactly on a line with float32-exact values give residuals of exactly 0."""
    x = np.arange(n, dtype=np.float32)
    y = 2.0 * x + 1.0  # small integers: every operation is exact in float32
    model = linfit.LinearModel(w=2.0, b=1.0)
    loss, grads = linfit.loss_and_gradients(model, tf.constant(x), tf.constant(y))
    assert float(loss) == 0.0
    assert [float(g) for g in grads] == [0.0, 0.0]
