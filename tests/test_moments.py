"""The data's moments, and the loss and gradient computed from them.

The exact values come from ``math.fsum`` (a correctly rounded sum) of float64
terms that are themselves exact: a product of two float32 numbers has at most
48 significant bits, which float64 holds. So the reference here has one
rounding in total, and the moments' results must lie within the float64 term
of :mod:`linfit.bounds` (:data:`linfit.bounds.MOMENTS_ROUNDINGS`) of it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from strategies import CANONICAL, Setup, examples, offset_datasets, problems

import linfit
from linfit import bounds, moments
from linfit.moments import batch_moments


def exact_loss_and_gradient(problem: Setup) -> tuple[float, float, float]:
    """``(L, ∂L/∂w, ∂L/∂b)`` with a single rounding each (fsum of exact terms)."""
    x, y = problem.x.astype(np.float64), problem.y.astype(np.float64)
    w, b, n = problem.w, problem.b, x.size
    # r² = w²x² + b² + y² + 2wbx − 2wxy − 2by: every product of float32 values is exact.
    loss_terms = np.concatenate(
        [
            w * w * x * x,
            np.full(n, b * b),
            y * y,
            2 * w * b * x,
            -2 * w * x * y,
            -2 * b * y,
        ]
    )
    grad_w_terms = np.concatenate([2 * w * x * x, 2 * b * x, -2 * x * y])
    grad_b_terms = np.concatenate([2 * w * x, np.full(n, 2 * b), -2 * y])
    return tuple(math.fsum(t) / n for t in (loss_terms, grad_w_terms, grad_b_terms))


def moments_only_bounds(problem: Setup) -> tuple[float, float, float]:
    """The float64 moments terms of the bounds (the float32 terms removed)."""
    x = problem.x.astype(np.float64)
    m = (
        abs(problem.w) * np.abs(x)
        + abs(problem.b)
        + np.abs(problem.y.astype(np.float64))
    )
    g = bounds.gamma(x.size + bounds.MOMENTS_ROUNDINGS, 2.0**-53)
    return (
        g * (12 * np.mean(m * m) + 24 * np.mean(m) ** 2),
        g * 8 * (3 * np.mean(np.abs(x) * m) + 4 * np.mean(np.abs(x)) * np.mean(m)),
        g * 8 * np.mean(m),
    )


@settings(max_examples=examples(150))
@given(problems())
@example(CANONICAL)
def test_loss_and_gradient_from_moments_are_within_the_float64_bound(
    problem: Setup,
) -> None:
    """|computed − exact| within the float64 moments term alone (not the float32 bound)."""
    m = moments.moments(problem.x, problem.y)
    computed = (m.loss(problem.w, problem.b), *m.gradient(problem.w, problem.b))
    exact = exact_loss_and_gradient(problem)
    for got, want, bound in zip(
        computed, exact, moments_only_bounds(problem), strict=True
    ):
        assert abs(got - want) <= bound, (got, want, bound)


def exact_moments(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The moments in exact rational arithmetic (float32 data is exact as fractions)."""
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    return {
        "mean_x": float(mx),
        "mean_y": float(my),
        "var_x": float(sum((a - mx) ** 2 for a in xs) / n),
        "cov_xy": float(
            sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / n
        ),
        "var_y": float(sum((b - my) ** 2 for b in ys) / n),
    }


FIELDS = ("mean_x", "mean_y", "var_x", "cov_xy", "var_y")


def assert_within_the_moments_bound(m: moments.Moments, x, y) -> None:
    """Each moment within ``bounds.moments_error_bound`` (for the shift it used) of the
    exact one; the exact value is rounded to float64 once (half an ulp)."""
    exact = exact_moments(x, y)
    allowed = bounds.moments_error_bound(x, y, m.shift)
    for field in FIELDS:
        slack = 2.0**-53 * abs(exact[field])
        assert abs(getattr(m, field) - exact[field]) <= allowed[field] + slack, field


@settings(max_examples=examples(40))
@given(offset_datasets())
def test_far_off_means_do_not_cancel(data) -> None:
    """Mean up to 10⁴ spreads away: each moment within its float64 bound of the exact one.

    The naive ``mean(x²) − mean(x)²`` in float64 loses up to 8 of its 16 digits
    here; with the shift at the mean, the bound on ``S_xx`` is a few float64
    roundings of ``S_xx`` itself.
    """
    x, y = data
    x, y = x[:400], y[:400]  # exact fractions are slow; the property holds for any n
    m = moments.moments(x, y)
    assert_within_the_moments_bound(m, x, y)
    if m.var_x > 0 and m.shift != (0.0, 0.0):
        assert bounds.moments_error_bound(x, y, m.shift)["var_x"] < 1e-12 * m.var_x


def test_the_second_pass_runs_only_when_the_mean_dwarfs_the_spread(monkeypatch) -> None:
    calls = []
    real = moments._sums
    monkeypatch.setattr(moments, "_sums", lambda *a: calls.append(a[2]) or real(*a))
    x = np.float32(np.linspace(-1, 1, 100))
    moments.moments(x, 2 * x)
    assert calls == [(0.0, 0.0)]
    calls.clear()
    moments.moments(x + np.float32(1e4), 2 * x)
    assert len(calls) == 2 and calls[1][0] == pytest.approx(1e4)


def test_non_finite_data_gives_non_finite_moments() -> None:
    x = np.float32([1.0, np.inf, 2.0])
    assert not moments.moments(x, np.float32([0, 0, 0])).finite
    assert moments.moments(
        np.float32([3e38, 3e38]), np.float32([1, 2])
    ).finite  # no overflow


def test_train_names_the_first_non_finite_value() -> None:
    x = np.array([1.0, 2.0, 1e39, np.nan])
    with pytest.raises(
        linfit.InputValueError, match=r"x\[2\] = 1e\+39 is not a finite float32"
    ):
        linfit.train(linfit.LinearModel(), x, np.ones(4), epochs=1, learning_rate=0.1)


@pytest.mark.parametrize("batch_size", [1, 7, 100, 1000])
def test_batch_moments_equal_the_moments_of_each_batch(batch_size) -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=1000, seed=2))
    pieces = batch_moments(x, y, batch_size, shift=(0.1, 2.0))
    slices = linfit.reference.batch_slices(1000, batch_size)
    assert [p.n for p in pieces] == [s.stop - s.start for s in slices]
    for piece, part in zip(pieces, slices, strict=True):
        assert piece.shift == (0.1, 2.0)
        assert_within_the_moments_bound(piece, x[part], y[part])


def test_the_centered_loss_stays_accurate_where_the_raw_formula_cancels() -> None:
    """y ≈ 10⁴ + 2x with |x| ≤ 2: at the best line the loss is ~10⁻⁷ (float32 rounding of y).

    The textbook expansion ``w²·mean(x²) + … + mean(y²)`` subtracts numbers of
    size 10⁸ to get it and keeps almost no correct digit even in float64. The
    centered form subtracts numbers of the size of the spread (``S_yy`` ≈ 5):
    its error is a few float64 roundings of those, about 10⁻¹⁵ here.
    """
    x = np.float32(np.linspace(-2, 2, 1001))
    y = np.float32(1e4) + np.float32(2) * x
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    w, b = linfit.least_squares(x, y)
    exact = math.fsum((w * x64 + b - y64) ** 2) / x.size  # one rounding per tiny term
    m = moments.moments(x, y)
    centered = m.loss(w, b)
    raw = (
        w * w * np.mean(x64 * x64)
        + 2 * w * b * np.mean(x64)
        - 2 * w * np.mean(x64 * y64)
        + b * b
        - 2 * b * np.mean(y64)
        + np.mean(y64 * y64)
    )
    assert 1e-9 < exact < 1e-6
    # The centered loss S_rr + c² errs through the moments (their bounds, times the
    # coefficients w², 2|w|, 1 of S_rr and 2|c| for c = w·m_x + b − m_y) and its own
    # 8 roundings of terms no larger than the spread terms.
    e = bounds.moments_error_bound(x, y, m.shift)
    c = w * m.mean_x + b - m.mean_y
    error_c = (
        abs(w) * e["mean_x"] + e["mean_y"] + 3 * 2.0**-53 * (abs(b) + abs(m.mean_y))
    )
    spread_terms = w * w * m.var_x + 2 * abs(w * m.cov_xy) + m.var_y + c * c
    allowed = (
        w * w * e["var_x"]
        + 2 * abs(w) * e["cov_xy"]
        + e["var_y"]
        + 2 * abs(c) * error_c
        + error_c**2
        + bounds.gamma(8, 2.0**-53) * spread_terms
    )
    assert abs(centered - exact) <= allowed
    assert allowed < 1e-3 * exact  # so the bound alone keeps 3 digits; raw: under 2
    assert abs(raw - exact) > 1e-2 * exact  # the trap is real: raw keeps < 2 digits
