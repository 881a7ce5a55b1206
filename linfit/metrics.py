"""How good is a fit? Error metrics, whole-batch and streaming.

The whole-batch functions take all predictions at once. The streaming classes
accumulate over minibatches with ``update_state`` and report with ``result``,
the same protocol as ``keras.metrics`` (including ``reset_state``, which
Keras 3 uses in place of the older ``reset_states``). They accumulate in
float64 so that a long stream of float32 batches does not lose precision, and
their result equals the whole-batch value up to float32 rounding of the inputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.errors import InputValueError

__all__ = [
    "StreamingMAE",
    "StreamingMSE",
    "StreamingR2",
    "mae",
    "mse",
    "parameter_error",
    "r2",
]


def _pair(y_true: Any, y_pred: Any) -> tuple[tf.Tensor, tf.Tensor]:
    y_true = tf.reshape(tf.cast(y_true, tf.float64), [-1])
    y_pred = tf.reshape(tf.cast(y_pred, tf.float64), [-1])
    if y_true.shape != y_pred.shape:
        raise InputValueError(
            f"y_true and y_pred must have the same length, got {y_true.shape[0]} and "
            f"{y_pred.shape[0]}"
        )
    return y_true, y_pred


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error ``mean((y_pred − y_true)²)``, computed in float64.

    Args:
        y_true: Targets, shape ``(N,)`` or ``(N, 1)``.
        y_pred: Predictions, same length.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(tf.reduce_mean(tf.square(y_pred - y_true)))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error ``mean(|y_pred − y_true|)``, computed in float64."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(tf.reduce_mean(tf.abs(y_pred - y_true)))


def r2(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination ``1 − SS_res / SS_tot``, computed in float64.

    1 is a perfect fit, 0 is no better than predicting the mean of ``y_true``.
    Undefined (NaN) when all targets are equal. ``SS_tot`` is summed around a
    corrected mean (the mean, plus the mean of the deviations from it), so that
    the rounding of a huge mean does not leak into a small spread.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    residual = tf.reduce_sum(tf.square(y_true - y_pred))
    rough = tf.reduce_mean(y_true)
    mean = rough + tf.reduce_mean(y_true - rough)
    total = tf.reduce_sum(tf.square(y_true - mean))
    return float(1.0 - residual / total) if float(total) > 0 else float("nan")


def parameter_error(
    w: float, b: float, true_w: float, true_b: float
) -> dict[str, float]:
    """How far learned parameters are from known true ones.

    Returns:
        ``{"w": |w − true_w|, "b": |b − true_b|, "norm": sqrt of the sum of squares}``.
    """
    error_w, error_b = abs(float(w) - float(true_w)), abs(float(b) - float(true_b))
    return {"w": error_w, "b": error_b, "norm": float(np.hypot(error_w, error_b))}


class _StreamingMetric:
    """Running float64 sums over batches; subclasses say which sums and how to combine them."""

    _sums: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._totals = {name: tf.Variable(0.0, dtype=tf.float64) for name in self._sums}
        self._count = tf.Variable(0.0, dtype=tf.float64)

    def reset_state(self) -> None:
        """Forget every batch seen so far."""
        for total in self._totals.values():
            total.assign(0.0)
        self._count.assign(0.0)

    def update_state(self, y_true: Any, y_pred: Any) -> None:
        """Add one batch.

        Args:
            y_true: Targets of the batch, shape ``(B,)`` or ``(B, 1)``.
            y_pred: Predictions of the batch, same length.
        """
        y_true, y_pred = _pair(y_true, y_pred)
        for name, value in self._terms(y_true, y_pred).items():
            self._totals[name].assign_add(tf.reduce_sum(value))
        self._count.assign_add(tf.cast(tf.size(y_true), tf.float64))

    def _terms(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> dict[str, tf.Tensor]:
        raise NotImplementedError

    def _total(self, name: str) -> float:
        return float(self._totals[name].numpy())

    @property
    def count(self) -> int:
        """Number of points seen since the last reset."""
        return int(self._count.numpy())

    def result(self) -> float:
        """The metric over every point seen since the last reset (NaN if none)."""
        raise NotImplementedError


class StreamingMSE(_StreamingMetric):
    """Mean squared error over batches; equals [`mse`][linfit.metrics.mse] of all of them."""

    _sums = ("squared_error",)

    def _terms(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"squared_error": tf.square(y_pred - y_true)}

    def result(self) -> float:  # noqa: D102
        return self._total("squared_error") / self.count if self.count else float("nan")


class StreamingMAE(_StreamingMetric):
    """Mean absolute error over batches; equals [`mae`][linfit.metrics.mae] of all of them."""

    _sums = ("absolute_error",)

    def _terms(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"absolute_error": tf.abs(y_pred - y_true)}

    def result(self) -> float:  # noqa: D102
        return (
            self._total("absolute_error") / self.count if self.count else float("nan")
        )


class StreamingR2(_StreamingMetric):
    """R² accumulated over batches; equals [`r2`][linfit.metrics.r2] of the concatenation.

    ``SS_tot = Σ(y − ȳ)²`` is never formed as ``Σy² − (Σy)²/N``, which cancels
    all but a few digits when the mean of ``y`` is large beside its spread (with
    ``y ≈ 10⁶ ± 1``, even in float64). Each batch contributes its own count, mean
    and centered sum of squares ``M₂``, and the running values merge with Chan,
    Golub and LeVeque's pairwise update: for counts ``n_a, n_b`` and
    ``δ = mean_b − mean_a``,

        mean = mean_a + δ·n_b/n,   M₂ = M₂_a + M₂_b + δ²·n_a·n_b/n,   n = n_a + n_b.

    Every term is a square of a centered value, so nothing cancels. The values
    merged are ``y − K``, with ``K`` the first batch's mean: the batch means are
    then of the size of the spread, not of ``ȳ``, so their own rounding (which
    enters ``δ``) stays at the scale of the spread too.
    """

    _sums = ("squared_error",)

    def __init__(self) -> None:
        super().__init__()
        self._shift = tf.Variable(0.0, dtype=tf.float64)
        self._mean = tf.Variable(0.0, dtype=tf.float64)
        self._m2 = tf.Variable(0.0, dtype=tf.float64)

    def reset_state(self) -> None:  # noqa: D102
        super().reset_state()
        for variable in (self._shift, self._mean, self._m2):
            variable.assign(0.0)

    def update_state(self, y_true: Any, y_pred: Any) -> None:  # noqa: D102
        y_true, y_pred = _pair(y_true, y_pred)
        n_b = tf.cast(tf.size(y_true), tf.float64)
        if not int(tf.size(y_true)):
            return
        if not self.count:
            self._shift.assign(tf.reduce_mean(y_true))
        shifted = y_true - self._shift
        mean_b = tf.reduce_mean(shifted)
        m2_b = tf.reduce_sum(tf.square(shifted - mean_b))
        n_a = tf.identity(self._count)
        n = n_a + n_b
        delta = mean_b - self._mean
        self._mean.assign_add(delta * (n_b / n))
        self._m2.assign_add(m2_b + delta * delta * (n_a * n_b / n))
        self._totals["squared_error"].assign_add(
            tf.reduce_sum(tf.square(y_true - y_pred))
        )
        self._count.assign(n)

    def result(self) -> float:  # noqa: D102
        if not self.count:
            return float("nan")
        total = float(self._m2.numpy())
        return 1.0 - self._total("squared_error") / total if total > 0 else float("nan")
