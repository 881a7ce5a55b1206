"""Seed 003's functional and optimizer styles give exactly train's trajectory."""

from __future__ import annotations

import pytest

import linfit


@pytest.fixture(scope="module")
def data():
    return linfit.synthesize(n=1000, seed=0)


def test_functional_style_equals_train(data) -> None:
    """200 steps at 0.01 from W=5, B=10: bit-identical rows (same ops, same order)."""
    x, y = data
    functional = linfit.train_functional(
        x, y, steps=200, learning_rate=0.01, w=5.0, b=10.0
    )
    reference = linfit.train(
        linfit.LinearModel(5.0, 10.0), x, y, epochs=200, learning_rate=0.01
    )
    assert functional.equals(reference)


def test_optimizer_style_equals_train_and_reports_every_20(data) -> None:
    """SGD.apply_gradients does v ← v − lr·g exactly like assign_sub: bit-identical rows."""
    x, y = data
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


def test_seed_003_run_ends_at_the_optimum(data) -> None:
    """300 steps at 0.01 contract the error by (1 − 0.01·λ_min)^300 ≈ e^{-6}: W, B within 0.02."""
    x, y = data
    final = linfit.train_with_optimizer(x, y).final
    best_w, best_b = linfit.least_squares(x, y)
    assert abs(final["w"] - best_w) < 0.02 and abs(final["b"] - best_b) < 0.02
