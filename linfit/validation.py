"""Checks at the edge of the public API.

A reference implementation must refuse bad input loudly, at the call the user
made, with a message that names the argument. Deep inside TensorFlow the same
mistake becomes a shape error about ``Sub_1`` or, worse, a silent NaN.

The rules, applied by :func:`as_data`:

* ``x`` and ``y`` may be Python sequences, NumPy arrays or tensors of any real
  numeric dtype (bool, integer, float16/32/64). They are converted to float32
  by rounding to nearest, because the model computes in float32.
* Each must have shape ``(N,)`` or ``(N, 1)``; ``(N, 1)`` is flattened to
  ``(N,)``. Mixing ``(N,)`` predictions with ``(N, 1)`` targets would otherwise
  broadcast into an ``(N, N)`` matrix and give a plausible-looking but wrong
  loss.
* ``N`` must be at least 1 and equal for ``x`` and ``y``.
* Every value must be finite after the conversion to float32 (so ``1e39``,
  which overflows float32, is refused as well as NaN and infinity).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from linfit.errors import InputTypeError, InputValueError

__all__ = [
    "as_data",
    "as_vector",
    "check_batch_size",
    "check_epochs",
    "check_finite_scalar",
    "check_learning_rate",
]


def as_vector(values: Any, name: str) -> np.ndarray:
    """Convert one data argument to a float32 vector, or refuse it.

    Args:
        values: Array-like of shape ``(N,)`` or ``(N, 1)`` with a real dtype.
        name: The argument's name, used in error messages.

    Returns:
        A C-contiguous float32 NumPy array of shape ``(N,)``.

    Raises:
        InputTypeError: If the values are not real numbers.
        InputValueError: If the shape is wrong, the array is empty, or a value
            is not finite in float32.
    """
    if hasattr(values, "numpy") and callable(values.numpy):
        values = values.numpy()
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as error:
        raise InputTypeError(f"{name} must be an array of real numbers: {error}") from None
    if (
        array.dtype == object
        or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_)
        or np.issubdtype(array.dtype, np.complexfloating)
    ):
        raise InputTypeError(
            f"{name} must contain real numbers, got dtype {array.dtype}; "
            "convert it with np.asarray(..., dtype=np.float32) first"
        )
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise InputValueError(
            f"{name} must have shape (N,) or (N, 1), got {array.shape}; "
            "linfit fits one input feature"
        )
    if array.shape[0] == 0:
        raise InputValueError(f"{name} is empty; at least one data point is needed")
    with np.errstate(over="ignore", invalid="ignore"):
        converted = np.ascontiguousarray(array, dtype=np.float32)
    bad = ~np.isfinite(converted)
    if bad.any():
        index = int(np.argmax(bad))
        raise InputValueError(
            f"{name}[{index}] = {array[index].item()!r} is not a finite float32 number "
            "(NaN, infinity, or beyond ±3.4e38); remove or rescale such values"
        )
    return converted


def as_data(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Convert and check a pair of data vectors.

    Args:
        x: Inputs, shape ``(N,)`` or ``(N, 1)``.
        y: Targets, shape ``(N,)`` or ``(N, 1)``.

    Returns:
        ``(x, y)`` as float32 NumPy arrays of shape ``(N,)``.

    Raises:
        InputTypeError: See :func:`as_vector`.
        InputValueError: See :func:`as_vector`; also when the lengths differ.
    """
    x_checked = as_vector(x, "x")
    y_checked = as_vector(y, "y")
    if x_checked.shape != y_checked.shape:
        raise InputValueError(
            f"x and y must have the same length, got {x_checked.shape[0]} and {y_checked.shape[0]}"
        )
    return x_checked, y_checked


def check_finite_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a Python float if it is a finite real number.

    Raises:
        InputTypeError: If ``value`` is not a real number (bools are refused).
        InputValueError: If it is NaN or infinite.
    """
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise InputTypeError(f"{name} must be a real number, got {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise InputValueError(f"{name} must be finite, got {result}")
    return result


def check_learning_rate(learning_rate: Any) -> float:
    """Return the learning rate as a float if it is finite and positive.

    Raises:
        InputTypeError: If it is not a real number.
        InputValueError: If it is not finite or not > 0.
    """
    value = check_finite_scalar(learning_rate, "learning_rate")
    if value <= 0:
        raise InputValueError(f"learning_rate must be > 0, got {value}")
    return value


def check_epochs(epochs: Any) -> int:
    """Return ``epochs`` if it is an integer ≥ 0.

    Raises:
        InputTypeError: If it is not an integer.
        InputValueError: If it is negative.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)):
        raise InputTypeError(f"epochs must be an integer, got {type(epochs).__name__}")
    if epochs < 0:
        raise InputValueError(f"epochs must be >= 0, got {epochs}")
    return int(epochs)


def check_batch_size(batch_size: Any, n: int) -> int:
    """Return the batch size to use for ``n`` points (``None`` means all of them).

    Raises:
        InputTypeError: If it is neither ``None`` nor an integer.
        InputValueError: If it is < 1 or > ``n``.
    """
    if batch_size is None:
        return n
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise InputTypeError(
            f"batch_size must be an integer or None, got {type(batch_size).__name__}"
        )
    if not 1 <= batch_size <= n:
        raise InputValueError(
            f"batch_size must be between 1 and the number of points ({n}), got {batch_size}"
        )
    return int(batch_size)
