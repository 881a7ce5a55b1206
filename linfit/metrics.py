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
from linfit.validation import as_data, check_finite_scalar

__all__ = [
    "StreamingMAE",
    "StreamingMSE",
    "StreamingR2",
    "mae",
    "mse",
    "parameter_error",
    "r2",
]


def _pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Targets and predictions as float64 vectors, checked as training checks data."""
    return as_data(y_true, y_pred, dtype=np.float64, names=("y_true", "y_pred"))


def _empty(y_true: Any, y_pred: Any) -> bool:
    """Whether a streaming batch is empty on both sides (then it adds nothing)."""
    try:
        return bool(np.size(y_true) == 0 and np.size(y_pred) == 0)
    except (TypeError, ValueError):
        return False  # not array-like: _pair says what is wrong


def mse(y_true: Any, y_pred: Any) -> float:
    """Mean squared error ``mean((y_pred − y_true)²)``, computed in float64.

    Args:
        y_true: Targets, shape ``(N,)`` or ``(N, 1)``, any real dtype (or tensor).
        y_pred: Predictions, same length.

    Raises:
        InputTypeError, InputValueError: For data that ``train`` would refuse
            (not real numbers, empty, unequal lengths, not finite).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.square(y_pred - y_true)))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error ``mean(|y_pred − y_true|)``, computed in float64.

    The arguments are checked as [`mse`][linfit.metrics.mse] checks them.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_pred - y_true)))


def r2(y_true: Any, y_pred: Any) -> float:
    """Coefficient of determination ``1 − SS_res / SS_tot``, computed in float64.

    1 is a perfect fit, 0 is no better than predicting the mean of ``y_true``.
    ``SS_tot`` is summed around a corrected mean (the mean, plus the mean of the
    deviations from it), so that the rounding of a huge mean does not leak into a
    small spread.

    Raises:
        InputTypeError, InputValueError: As [`mse`][linfit.metrics.mse]; also
            when every target is the same, where R² is undefined (``SS_tot = 0``).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    residual = float(np.sum(np.square(y_true - y_pred)))
    rough = np.mean(y_true)
    mean = rough + np.mean(y_true - rough)
    return 1.0 - residual / _total_sum_of_squares(
        float(np.sum(np.square(y_true - mean)))
    )


def _total_sum_of_squares(total: float) -> float:
    if not total > 0:
        raise InputValueError(
            "R² is undefined when every target has the same value (SS_tot = 0)"
        )
    return total


def parameter_error(
    w: float, b: float, true_w: float, true_b: float
) -> dict[str, float]:
    """How far learned parameters are from known true ones.

    Returns:
        ``{"w": |w − true_w|, "b": |b − true_b|, "norm": sqrt of the sum of squares}``.

    Raises:
        InputTypeError, InputValueError: If a value is not a finite real number.
    """
    values = {"w": w, "b": b, "true_w": true_w, "true_b": true_b}
    w, b, true_w, true_b = (check_finite_scalar(v, n) for n, v in values.items())
    error_w, error_b = abs(w - true_w), abs(b - true_b)
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
            y_true: Targets of the batch, shape ``(B,)`` or ``(B, 1)``; an empty
                batch (both empty) adds nothing.
            y_pred: Predictions of the batch, same length.

        Raises:
            InputTypeError, InputValueError: As [`mse`][linfit.metrics.mse].
        """
        if _empty(y_true, y_pred):
            return
        y_true, y_pred = _pair(y_true, y_pred)
        for name, value in self._terms(y_true, y_pred).items():
            self._totals[name].assign_add(tf.reduce_sum(value))
        self._count.assign_add(float(y_true.size))

    def _terms(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> dict[str, tf.Tensor]:
        raise NotImplementedError

    def _total(self, name: str) -> float:
        return float(self._totals[name].numpy())

    @property
    def count(self) -> int:
        """Number of points seen since the last reset."""
        return int(self._count.numpy())

    def result(self) -> float:
        """The metric over every point seen since the last reset.

        Raises:
            InputValueError: If no point has been seen (no silent NaN).
        """
        raise NotImplementedError

    def _seen(self) -> int:
        if not self.count:
            raise InputValueError(
                f"{type(self).__name__} has no data: call update_state before result"
            )
        return self.count


class StreamingMSE(_StreamingMetric):
    """Mean squared error over batches; equals [`mse`][linfit.metrics.mse] of all of them."""

    _sums = ("squared_error",)

    def _terms(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"squared_error": tf.square(y_pred - y_true)}

    def result(self) -> float:  # noqa: D102
        return self._total("squared_error") / self._seen()


class StreamingMAE(_StreamingMetric):
    """Mean absolute error over batches; equals [`mae`][linfit.metrics.mae] of all of them."""

    _sums = ("absolute_error",)

    def _terms(self, y_true: tf.Tensor, y_pred: tf.Tensor) -> dict[str, tf.Tensor]:
        return {"absolute_error": tf.abs(y_pred - y_true)}

    def result(self) -> float:  # noqa: D102
        return self._total("absolute_error") / self._seen()


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
        if _empty(y_true, y_pred):
            return
        y_true, y_pred = _pair(y_true, y_pred)
        n_b = tf.constant(float(y_true.size), tf.float64)
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
        self._seen()
        total = _total_sum_of_squares(float(self._m2.numpy()))
        return 1.0 - self._total("squared_error") / total
