"""Seed 003's functional and optimizer styles give exactly train's trajectory."""

from __future__ import annotations

import numpy as np

import linfit
from linfit import bounds, reference


def test_functional_style_equals_train(canonical_data) -> None:
    """200 steps at 0.01 from W=5, B=10: bit-identical rows (same ops, same order)."""
    x, y = canonical_data
    functional = linfit.train_functional(
        x, y, steps=200, learning_rate=0.01, w=5.0, b=10.0
    )
    reference = linfit.train(
        linfit.LinearModel(5.0, 10.0), x, y, epochs=200, learning_rate=0.01
    )
    assert functional.equals(reference)


def test_optimizer_style_equals_train_and_reports_every_20(canonical_data) -> None:
    """SGD.apply_gradients does v ← v − lr·g exactly like assign_sub: bit-identical rows."""
    x, y = canonical_data
    reports: list[tuple[int, float]] = []
    optimized = linfit.train_with_optimizer(
        x, y, steps=300, learning_rate=0.01, report=lambda *r: reports.append(r)
    )
    reference = linfit.train(
        linfit.LinearModel(5.0, 10.0), x, y, epochs=300, learning_rate=0.01
    )
    assert optimized.equals(reference)
    assert [step for step, _ in reports] == list(range(0, 300, 20))
    assert [loss for _, loss in reports] == [
        float(reference.loss[k]) for k in range(0, 300, 20)
    ]


def test_the_optimizer_run_ends_near_the_optimum(canonical_data) -> None:
    """300 steps at 0.01 contract the distance to the optimum p* by ρ^300, with
    ρ = max|1 − 0.01·λ_i| ≈ e^{-0.02}; the float32 run may add the trajectory bound."""
    x, y = canonical_data
    final = linfit.train_with_optimizer(x, y).final
    optimum = np.array(linfit.least_squares(x, y))
    rho = np.max(np.abs(1 - 0.01 * np.linalg.eigvalsh(reference.hessian(x))))
    allowed = rho**300 * np.hypot(*(np.array([5.0, 10.0]) - optimum))
    allowed += bounds.trajectory_error_bound(
        x, y, epochs=300, learning_rate=0.01, w=5.0, b=10.0
    )[-1]
    assert np.hypot(final["w"] - optimum[0], final["b"] - optimum[1]) <= allowed
    assert allowed < 0.05  # W and b pinned to a few hundredths
