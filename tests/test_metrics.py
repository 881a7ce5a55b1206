"""Metrics against independent NumPy float64 computations, whole-batch and streaming.

Tolerances, all in float64 (``u = 2⁻⁵³``, ``γ_k = k·u/(1 − k·u)``,
[`linfit.bounds.gamma`]): a sum of ``n`` products rounded once each is off by at
most ``γ_{n+1}·Σ|terms|`` in any order, so two such sums of the same terms differ by
at most twice that.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import examples, generated_datasets, offset_datasets

import linfit
from linfit import bounds, reference
from linfit._tensorflow import tf

U64 = 2.0**-53


def gamma(k: int) -> float:
    return bounds.gamma(k, U64)


def test_mse_of_predictions_is_the_training_loss() -> None:
    """Both square the same float64 residuals (one rounding more for the oracle's
    ``w·x + b − y``): each within ``γ_{n+4}·mean(r²)`` of the exact mean, all terms
    positive."""
    x, y = (t.numpy() for t in linfit.synthesize(n=500, seed=2))
    prediction = 2.5 * x.astype(np.float64) + 0.5
    expected = reference.loss(2.5, 0.5, x.astype(np.float64), y.astype(np.float64))
    assert abs(linfit.mse(y, prediction) - expected) <= 2 * gamma(504) * expected


def test_mae_and_r2_match_textbook_formulas() -> None:
    """Small dyadic numbers: every operation is exact, so the results are too."""
    y = np.array([1.0, 2.0, 3.0, 4.0])
    prediction = np.array([1.5, 2.0, 2.0, 4.0])
    assert linfit.mae(y, prediction) == 0.375
    # SS_res = 0.25 + 0 + 1 + 0 = 1.25; SS_tot = 5 → R² = 0.75
    assert linfit.r2(y, prediction) == 0.75
    assert linfit.r2(y, y) == 1.0
    with pytest.raises(linfit.InputValueError, match="R² is undefined"):
        linfit.r2([2.0, 2.0], [1.0, 3.0])


def test_parameter_error() -> None:
    error = linfit.parameter_error(3.3, 1.6, 3.0, 2.0)
    assert error["w"] == abs(3.3 - 3.0) and error["b"] == abs(1.6 - 2.0)
    assert error["norm"] == math.hypot(3.3 - 3.0, 1.6 - 2.0)


def r2_allowance(y: np.ndarray, prediction: np.ndarray) -> float:
    """How far the streaming and the whole-batch R² may lie apart.

    ``R² = 1 − SSE/SST``. Both sides sum the same squared errors: each SSE within
    ``γ_{n+2}·SSE`` of the exact one. The whole-batch SST is a sum around a
    corrected mean ``m̂ = m₀ + mean(y − m₀)``: ``m₀`` is off by at most ``e₀ =
    γ_{n+1}·mean|y|``, the correction by ``γ_{n+2}·(mean|y − ȳ| + e₀)``, and adding
    it rounds by ``u·|ȳ|`` (doubled for the slack), so ``m̂`` is off by ``e_w``, the
    sum of the three; since ``Σ(y − m̂)² = SST + n·(ȳ − m̂)²`` the SST is within
    ``γ_{n+2}·(SST + n·e_w²) + n·e_w²``. The streaming SST merges batch moments of
    ``y − K`` (Chan's update); every running mean there is off by at most ``e =
    γ_{2n}·(max y − min y)``, an error that enters each merge term ``δ²·n_a·n_b/n``
    through ``δ``, so by Cauchy–Schwarz (``Σ δ²·n_a·n_b/n ≤ SST``, ``Σ n_a·n_b/n ≤
    n``) the merged SST is within ``γ_{n+8}·SST + 4e·√(n·SST) + 4n·e²``. With ``r``
    the two SST errors over SST, ``|ΔR²| ≤ (SSE/SST)·(2γ_{n+2} + r)/(1 − r)``.
    """
    y64, p64 = y.astype(np.float64), prediction.astype(np.float64)
    n = y.size
    sse = float(np.sum((y64 - p64) ** 2))
    sst = float(np.sum((y64 - y64.mean()) ** 2))
    e0 = gamma(n + 1) * float(np.mean(np.abs(y64)))
    spread = float(np.mean(np.abs(y64 - y64.mean())))
    e_w = gamma(n + 2) * (spread + e0) + 2 * U64 * abs(float(y64.mean()))
    whole = gamma(n + 2) * (sst + n * e_w**2) + n * e_w**2
    e = gamma(2 * n) * float(np.ptp(y64))
    streaming = gamma(n + 8) * sst + 4 * e * math.sqrt(n * sst) + 4 * n * e**2
    r = (whole + streaming) / sst
    return (sse / sst) * (2 * gamma(n + 2) + r) / (1 - r)


def streamed(stream, y: np.ndarray, prediction: np.ndarray, cuts: np.ndarray):
    stream.update_state([9.0], [1.0])  # junk that reset_state must forget
    stream.reset_state()
    for part_y, part_p in zip(
        np.split(y, cuts), np.split(prediction, cuts), strict=True
    ):
        stream.update_state(part_y, part_p)
    assert stream.count == y.size
    return stream.result()


@settings(max_examples=examples(25))
@given(
    st.one_of(generated_datasets(st.integers(2, 3000)), offset_datasets()),
    st.integers(1, 10),
    st.integers(0, 2**16),
)
def test_streaming_metrics_equal_whole_batch_metrics(data, pieces, seed) -> None:
    """Any split into batches gives the whole-batch value up to float64 rounding.

    MSE and MAE sum the same float64 terms in another order: within
    ``2·γ_{n+1}`` times the mean of their absolute values. R² within
    [`r2_allowance`][], also where the mean of ``y`` dwarfs its spread.
    """
    x, y = data
    prediction = (0.9 * y + 0.1 * x).astype(np.float32)
    cuts = np.sort(np.random.default_rng(seed).integers(0, y.size, size=pieces - 1))
    y64, p64 = y.astype(np.float64), prediction.astype(np.float64)
    n = y.size
    mse, mae = (
        streamed(stream, y, prediction, cuts)
        for stream in (linfit.StreamingMSE(), linfit.StreamingMAE())
    )
    squared, absolute = (p64 - y64) ** 2, np.abs(p64 - y64)
    assert abs(mse - linfit.mse(y, prediction)) <= 2 * gamma(n + 1) * squared.mean()
    assert abs(mae - linfit.mae(y, prediction)) <= 2 * gamma(n + 1) * absolute.mean()
    if np.ptp(y) == 0:  # every target the same: R² is undefined, and both say so
        with pytest.raises(linfit.InputValueError, match="R² is undefined"):
            linfit.r2(y, prediction)
        with pytest.raises(linfit.InputValueError, match="R² is undefined"):
            streamed(linfit.StreamingR2(), y, prediction, cuts)
        return
    r2 = streamed(linfit.StreamingR2(), y, prediction, cuts)
    assert abs(r2 - linfit.r2(y, prediction)) <= r2_allowance(y, prediction)


@example(mean=1e6, spread=1.0)
@given(st.sampled_from([1e3, 1e6, 1e9]), st.sampled_from([1e-3, 1.0, 1e3]))
@settings(max_examples=examples(6))
def test_streaming_r2_where_the_mean_dwarfs_the_spread(mean, spread) -> None:
    """``y ≈ 10⁶ ± 1`` in ten batches: ``Σy² − (Σy)²/N`` would put 1 − R² off by
    about 10⁻³ relative here; the centered merge stays within the float64 bound."""
    rng = np.random.default_rng(7)
    y = mean + spread * rng.standard_normal(10_000)
    prediction = y + 0.1 * spread * rng.standard_normal(10_000)
    cuts = np.arange(1_000, 10_000, 1_000)
    r2 = streamed(linfit.StreamingR2(), y, prediction, cuts)
    assert abs(r2 - linfit.r2(y, prediction)) <= r2_allowance(y, prediction)
    assert r2_allowance(y, prediction) < 1e-6 * (1 - r2)  # the bound has teeth


@pytest.mark.parametrize("metric", ["StreamingMSE", "StreamingMAE", "StreamingR2"])
def test_a_streaming_result_without_data_is_refused_not_nan(metric) -> None:
    stream = getattr(linfit, metric)()
    with pytest.raises(linfit.InputValueError, match="has no data"):
        stream.result()
    stream.update_state([1.0, 2.0], [1.5, 2.0])
    stream.reset_state()
    with pytest.raises(linfit.InputValueError, match="has no data"):
        stream.result()


def test_streaming_metric_over_tf_data_batches_equals_whole_data() -> None:
    """Validation-style accumulation over ``tf.data`` batches, as the original
    tutorials did: within ``2·γ_{n+1}`` of the whole-batch MSE."""
    x, y = linfit.synthesize(n=777, seed=6)
    model = linfit.LinearModel(3.1, 1.9)
    stream = linfit.StreamingMSE()
    for x_batch, y_batch in tf.data.Dataset.from_tensor_slices((x, y)).batch(100):
        stream.update_state(y_batch, model(x_batch))
    whole = linfit.mse(y, model(x))
    assert abs(stream.result() - whole) <= 2 * gamma(778) * whole
