"""Metrics against independent NumPy float64 computations, whole-batch and streaming."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples, generated_datasets

import linfit
from linfit import reference

U64 = 2.0**-53


def test_mse_of_predictions_is_the_training_loss() -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=500, seed=2))
    prediction = 2.5 * x.astype(np.float64) + 0.5
    expected = reference.loss(2.5, 0.5, x.astype(np.float64), y.astype(np.float64))
    assert linfit.mse(y, prediction) == pytest.approx(expected, rel=4 * 500 * U64)


def test_mae_and_r2_match_textbook_formulas() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    prediction = np.array([1.5, 2.0, 2.0, 4.0])
    assert linfit.mae(y, prediction) == pytest.approx(0.375, abs=1e-15)
    # SS_res = 0.25 + 0 + 1 + 0 = 1.25; SS_tot = 5 → R² = 0.75
    assert linfit.r2(y, prediction) == pytest.approx(0.75, abs=1e-15)
    assert linfit.r2(y, y) == 1.0
    assert np.isnan(linfit.r2([2.0, 2.0], [1.0, 3.0]))


def test_parameter_error() -> None:
    error = linfit.parameter_error(3.3, 1.6, 3.0, 2.0)
    assert error["w"] == pytest.approx(0.3) and error["b"] == pytest.approx(0.4)
    assert error["norm"] == pytest.approx(0.5)


@settings(max_examples=examples(25))
@given(
    generated_datasets(st.integers(2, 3000)), st.integers(1, 7), st.integers(0, 2**16)
)
def test_streaming_metrics_equal_whole_batch_metrics(
    data, pieces: int, seed: int
) -> None:
    """Any split into batches gives the whole-batch value up to float64 summation rounding.

    Both sides sum the same float64 terms in different orders: the difference
    is at most 2·γ_n·Σ|terms| (γ in float64), divided by n for the means.
    """
    y, x = data
    prediction = (0.9 * x + 0.1).astype(np.float32)
    cuts = np.sort(np.random.default_rng(seed).integers(0, y.size, size=pieces - 1))
    streams = [linfit.StreamingMSE(), linfit.StreamingMAE(), linfit.StreamingR2()]
    for stream in streams:
        stream.update_state([9.0], [1.0])  # junk that reset_state must forget
        stream.reset_state()
        for part_y, part_p in zip(
            np.split(y, cuts), np.split(prediction, cuts), strict=False
        ):
            stream.update_state(part_y, part_p)
        assert stream.count == y.size
    y64, p64 = y.astype(np.float64), prediction.astype(np.float64)
    gamma = (y.size + 2) * U64
    squared, absolute = (p64 - y64) ** 2, np.abs(p64 - y64)
    assert (
        abs(streams[0].result() - linfit.mse(y, prediction))
        <= 2 * gamma * squared.mean()
    )
    assert (
        abs(streams[1].result() - linfit.mae(y, prediction))
        <= 2 * gamma * absolute.mean()
    )
    total = np.sum((y64 - y64.mean()) ** 2)
    if total > 1e-6 * np.sum(y64**2):  # R² is ill-conditioned when y barely varies
        # R² = 1 − SSE/SST. Streaming forms SST = Σy² − (Σy)²/N, off by ≲ 3γ·Σy²; SSE is
        # off by ≲ 2γ·SSE. So |ΔR²| ≲ (SSE/SST)·(2γ + 3γ·Σy²/SST), doubled for safety.
        ratio = np.sum(squared) / total
        allowed = 2 * ratio * (2 * gamma + 3 * gamma * np.sum(y64**2) / total)
        assert abs(streams[2].result() - linfit.r2(y, prediction)) <= allowed


def test_streaming_result_before_any_update_is_nan() -> None:
    assert np.isnan(linfit.StreamingMSE().result())
