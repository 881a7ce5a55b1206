"""The oracle: the same training in plain NumPy, in float64 by default.

Everything here is written for clarity, not speed, and uses nothing but
NumPy, so it can be read without knowing TensorFlow. The tests compare the
TensorFlow code against these functions, and a port to another framework
should reproduce [`train`][linfit.reference.train] exactly (in the same precision) or within the
bounds of [`linfit.bounds`][] (in another precision or summation order).

The algorithm, for data ``x, y`` of length ``n`` and learning rate ``lr``:

1. ``r = w * x + b - y`` (elementwise residuals)
2. ``loss = mean(r ** 2)``; ``grad_w = 2 * mean(r * x)``; ``grad_b = 2 * mean(r)``
3. ``w = w - lr * grad_w``; ``b = b - lr * grad_b``
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linfit.errors import InputValueError
from linfit.history import History
from linfit.validation import (
    as_data,
    as_float_data,
    as_vector,
    check_batch_size,
    check_epochs,
    check_finite_scalar,
    check_float32_scalar,
    check_integer,
    check_learning_rate,
)

__all__ = [
    "batch_indices",
    "batch_slices",
    "check_order",
    "gradient",
    "hessian",
    "least_squares",
    "loss",
    "stable_learning_rate",
    "step",
    "train",
]


def loss(w: Any, b: Any, x: Any, y: Any) -> Any:
    """L2 loss ``mean((w * x + b - y) ** 2)``, a scalar in the precision of the inputs.

    Args:
        w: Slope.
        b: Intercept.
        x: Inputs, shape ``(n,)`` (float32 or float64 arrays are used as they are,
            anything else is converted to float64).
        y: Targets, shape ``(n,)``.

    Raises:
        InputTypeError, InputValueError: As [`linfit.train`][linfit.loop.train]
            refuses such data or parameters.
    """
    x, y = _checked(w, b, x, y)
    return _loss(w, b, x, y)


def gradient(w: Any, b: Any, x: Any, y: Any) -> tuple[Any, Any]:
    """The gradient of [`loss`][linfit.reference.loss] (the arguments are checked alike).

    ``(2 mean(r x), 2 mean(r))`` with the residual ``r = w x + b - y``.
    """
    x, y = _checked(w, b, x, y)
    return _gradient(w, b, x, y)


def step(w: Any, b: Any, x: Any, y: Any, learning_rate: Any) -> tuple[Any, Any]:
    """One gradient-descent step; returns the new ``(w, b)`` (arguments checked alike)."""
    x, y = _checked(w, b, x, y)
    _scalars(x.dtype, learning_rate=learning_rate)
    return _step(w, b, x, y, learning_rate)


def _checked(w: Any, b: Any, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = as_float_data(x, y)
    _scalars(x.dtype, w=w, b=b)
    return x, y


def _scalars(dtype: np.dtype[Any], **values: Any) -> None:
    """Each value finite in ``dtype`` (the data's precision), or refused by name."""
    for name, value in values.items():
        if dtype == np.float32:
            check_float32_scalar(value, name)
        else:
            check_finite_scalar(value, name)


# The formulas themselves, for data already checked (the loops below call them).


def _loss(w: Any, b: Any, x: np.ndarray, y: np.ndarray) -> Any:
    residual = w * x + b - y
    return np.mean(residual * residual)


def _gradient(w: Any, b: Any, x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
    residual = w * x + b - y
    return 2 * np.mean(residual * x), 2 * np.mean(residual)


def _step(
    w: Any, b: Any, x: np.ndarray, y: np.ndarray, learning_rate: Any
) -> tuple[Any, Any]:
    grad_w, grad_b = _gradient(w, b, x, y)
    return w - learning_rate * grad_w, b - learning_rate * grad_b


def batch_slices(n: int, batch_size: int | None) -> list[slice]:
    """The consecutive, unshuffled batches of one epoch, as slices of ``range(n)``.

    Raises:
        InputTypeError, InputValueError: For ``n < 1`` or a batch size outside
            ``1 .. n`` (``None`` means ``n``).
    """
    n = check_integer(n, "n", 1, 2**63 - 1)
    size = check_batch_size(batch_size, n)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def batch_indices(
    n: int, batch_size: int | None, order: np.ndarray | None, epoch: int
) -> list[Any]:
    """Index sets of the batches of ``epoch``: slices, or pieces of ``order[epoch]``.

    Args:
        n: Number of points.
        batch_size: Points per batch, ``None`` for all.
        order: ``None`` for data order, else an ``(epochs, n)`` integer array
            giving each epoch's visiting order (see [`linfit.data`][]).
        epoch: 0-based epoch number.
    """
    slices = batch_slices(n, batch_size)
    if order is None:
        return slices
    visit = np.asarray(order)[epoch]
    return [visit[piece] for piece in slices]


def check_order(order: Any, epochs: int, n: int) -> np.ndarray | None:
    """``None``, or an ``(epochs, n)`` integer array whose rows are permutations of ``range(n)``.

    Raises:
        InputValueError: Otherwise.
    """
    if order is None:
        return None
    array = np.asarray(order)
    if array.dtype.kind not in "iu" or array.shape != (epochs, n):
        raise InputValueError(
            f"order must be an integer array of shape (epochs, n) = ({epochs}, {n}), "
            f"got {array.dtype} {array.shape}"
        )
    if any(not np.array_equal(np.sort(row), np.arange(n)) for row in array):
        raise InputValueError("each row of order must be a permutation of range(n)")
    return array


def train(
    x: Any,
    y: Any,
    *,
    epochs: int,
    learning_rate: float,
    w: float = 5.0,
    b: float = 0.0,
    batch_size: int | None = None,
    order: np.ndarray | None = None,
    dtype: Any = np.float64,
) -> History:
    """Gradient descent exactly as [`linfit.train`][linfit.loop.train] does it, in NumPy.

    Args:
        x: Inputs, shape ``(n,)``; converted to ``dtype``.
        y: Targets, shape ``(n,)``.
        epochs: Number of epochs.
        learning_rate: Step size.
        w: Initial slope.
        b: Initial intercept.
        batch_size: ``None`` for full batch, else batches of this size.
        order: ``None`` to take batches in data order, else an ``(epochs, n)``
            array of indices: epoch ``e`` cuts ``order[e]`` into consecutive
            batches (this is how a shuffled [`linfit.train`][linfit.loop.train] run with
            ``shuffle_seed`` is replayed, using
            [`linfit.data.epoch_order`][]).
        dtype: Precision of the whole computation (float64 for the oracle,
            float32 to imitate a single-precision port).

    Returns:
        A [`History`][linfit.history.History] in ``dtype`` with the same row
            semantics as [`linfit.train`][linfit.loop.train].
    """
    if dtype not in (np.float32, np.float64, "float32", "float64"):
        raise InputValueError(f"dtype must be float32 or float64, got {dtype!r}")
    dtype = np.dtype(dtype)
    x, y = (v.astype(dtype) for v in as_data(x, y, dtype=np.float64))
    epochs = check_epochs(epochs)
    rate = dtype.type(check_learning_rate(learning_rate))
    w = dtype.type(check_finite_scalar(w, "w"))
    b = dtype.type(check_finite_scalar(b, "b"))
    check_batch_size(batch_size, len(x))
    order = check_order(order, epochs, len(x))
    ws, bs, losses = [w], [b], [_loss(w, b, x, y)]
    with np.errstate(over="ignore", invalid="ignore"):  # a divergent run may overflow
        for epoch in range(epochs):
            for batch in batch_indices(len(x), batch_size, order, epoch):
                w, b = _step(w, b, x[batch], y[batch], rate)
            ws.append(w)
            bs.append(b)
            losses.append(_loss(w, b, x, y))
    return History.from_rows(ws, bs, losses, dtype=dtype)


def least_squares(x: Any, y: Any) -> tuple[float, float]:
    """The exact minimizer ``(w, b)`` of the L2 loss, in float64.

    The closed form on centered data: with ``m_x, m_y`` the means,
    ``w = Σ(x − m_x)(y − m_y) / Σ(x − m_x)²`` and ``b = m_y − w·m_x``. Centering
    first keeps the sums at the scale of the spread, however far the data lies
    from 0. When the minimizer is not unique (one point, or all ``x`` equal) this
    is the one with the smallest ``w² + b²``, as ``numpy.linalg.lstsq`` returns:
    ``(w, b) = m_y·(x₀, 1) / (x₀² + 1)``.

    Raises:
        InputTypeError: If ``x`` or ``y`` is not an array of real numbers.
        InputValueError: If they are empty, of different lengths, or not finite.
    """
    x, y = as_data(x, y, dtype=np.float64)
    mean_x, mean_y = np.mean(x), np.mean(y)
    dx, dy = x - mean_x, y - mean_y
    spread = float(dx @ dx)
    if spread == 0.0:
        x0 = float(x[0])
        return float(mean_y * x0 / (x0 * x0 + 1)), float(mean_y / (x0 * x0 + 1))
    w = float(dx @ dy) / spread
    return w, float(mean_y - w * mean_x)


def hessian(x: Any) -> np.ndarray:
    """Hessian of the L2 loss in ``(w, b)``: ``2 [[mean x², mean x], [mean x, 1]]``.

    The loss is quadratic, so the Hessian does not depend on ``w``, ``b`` or ``y``.
    """
    x = as_vector(x, "x", dtype=np.float64)
    mean_x = np.mean(x)
    return 2.0 * np.array([[np.mean(x * x), mean_x], [mean_x, 1.0]])


def stable_learning_rate(x: Any) -> float:
    """The largest stable full-batch learning rate, ``2 / λ_max``.

    ``λ_max`` is the largest eigenvalue of
    [`hessian`][linfit.reference.hessian]. Below ``2 / λ_max`` every
    full-batch step lowers the exact loss (until rounding takes over); above
    it the component of the error along the top eigenvector grows by
    ``|1 - learning_rate * λ_max| > 1`` per step and training diverges.
    """
    return float(2.0 / np.linalg.eigvalsh(hessian(x))[-1])
