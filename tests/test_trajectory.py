"""Property 3: training ends at the least-squares optimum, as the oracle says it must.

Row-by-row agreement with the oracle is checked for every engine in
``test_engines.py``. In both, runs start from the same float32 parameters on the same float32 data.
The parameter difference at each History row is bounded by
:func:`linfit.bounds.trajectory_error_bound` (per-step rounding, propagated
through the contraction ``I − lr·H``); each recorded loss is within
:func:`linfit.bounds.loss_error_bound` of the exact loss *at the recorded
float32 parameters*.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from strategies import CANONICAL, examples, problems

import linfit
from linfit import bounds, reference


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
        linfit.LinearModel(),
        x,
        y,
        epochs=epochs,
        learning_rate=learning_rate,
        mode="moments",
    )
    optimum = np.array(reference.least_squares(x, y))
    start_distance = np.hypot(5.0 - optimum[0], 0.0 - optimum[1])
    allowed = (
        rho**epochs * start_distance
        + bounds.trajectory_error_bound(
            x, y, epochs=epochs, learning_rate=learning_rate
        )[-1]
    )
    final = np.array([history.w[-1], history.b[-1]], dtype=np.float64)
    assert np.hypot(*(final - optimum)) <= allowed
    assert allowed < 1e-2  # the statement has teeth: it pins the optimum to 2 decimals


def exact_least_squares(x: np.ndarray, y: np.ndarray) -> tuple[Fraction, Fraction]:
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    w = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / sum(
        (a - mx) ** 2 for a in xs
    )
    return w, my - w * mx


def least_squares_allowance(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """How far float64 ``least_squares`` may lie from the exact minimizer.

    The means are off by at most ``e = γ_{n+1}·mean|v|``. Deviations from a mean
    off by ``e`` give ``Σ(d − e)² = S_xx + n·e²`` (the cross term vanishes), rounded
    by ``γ_{n+2}``; likewise ``S_xy`` gains ``n·e_x·e_y`` and ``γ_{n+2}·Σ|d_x||d_y|``
    (with ``|d| + e`` for ``|d|``). Then ``w = S_xy/S_xx`` is off by
    ``(ΔS_xy + |w|·ΔS_xx)/(S_xx − ΔS_xx) + u·|w|``, and ``b = m_y − w·m_x`` by
    ``e_y + Δw·|m_x| + |w|·e_x + 2u·(|m_y| + |w·m_x|)``.
    """
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    n, u = x64.size, 2.0**-53
    g = bounds.gamma(n + 2, u)
    e_x = bounds.gamma(n + 1, u) * np.mean(np.abs(x64))
    e_y = bounds.gamma(n + 1, u) * np.mean(np.abs(y64))
    dx, dy = x64 - x64.mean(), y64 - y64.mean()
    s_xx = float(dx @ dx)
    w = float(dx @ dy) / s_xx
    d_xx = g * (s_xx + n * e_x**2) + n * e_x**2
    d_xy = g * float(np.sum((np.abs(dx) + e_x) * (np.abs(dy) + e_y))) + n * e_x * e_y
    d_w = (d_xy + abs(w) * d_xx) / (s_xx - d_xx) + u * abs(w)
    m_x, m_y = abs(float(x64.mean())), abs(float(y64.mean()))
    d_b = e_y + d_w * m_x + abs(w) * e_x + 2 * u * (m_y + abs(w) * m_x)
    return float(d_w), float(d_b)


@settings(max_examples=examples(40))
@given(problems())
@example(CANONICAL)
def test_least_squares_is_the_exact_minimizer_within_float64_rounding(setup) -> None:
    """Against the minimizer in exact rational arithmetic (float32 data is exact)."""
    x, y = setup.x[:300], setup.y[:300]  # exact fractions are slow; any n will do
    if np.ptp(x) == 0:
        return  # not unique: the minimum-norm rule is tested below
    w, b = reference.least_squares(x, y)
    exact_w, exact_b = exact_least_squares(x, y)
    allowed_w, allowed_b = least_squares_allowance(x, y)
    assert abs(w - float(exact_w)) <= allowed_w + 2.0**-53 * abs(float(exact_w))
    assert abs(b - float(exact_b)) <= allowed_b + 2.0**-53 * abs(float(exact_b))


@pytest.mark.parametrize("x", [[2.0], [3.0, 3.0, 3.0], [0.0], [0.1, 0.1]])
def test_least_squares_takes_the_minimum_norm_solution_when_there_are_many(x) -> None:
    """All x equal: every (w, b) with w·x₀ + b = mean(y) fits; lstsq's choice, the
    one closest to 0, is m_y·(x₀, 1)/(x₀² + 1). Computed with n + 4 roundings of
    positive terms, so within γ_{n+4} relative of the exact values."""
    y = np.arange(1.0, len(x) + 1.0)
    x0, mean_y = Fraction(x[0]), sum(Fraction(v) for v in y) / len(y)
    exact = (mean_y * x0 / (x0 * x0 + 1), mean_y / (x0 * x0 + 1))
    allowed = bounds.gamma(len(x) + 4, 2.0**-53)
    for got, want in zip(reference.least_squares(x, y), exact, strict=True):
        assert abs(got - float(want)) <= allowed * abs(float(want))
