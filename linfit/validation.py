"""Checks at the edge of the public API: bad input is refused by name, at once.

A reference implementation must refuse bad input loudly, at the call the user
made, with a message that names the argument. Deep inside TensorFlow the same
mistake becomes a shape error about ``Sub_1`` or, worse, a silent NaN. Every
public function of linfit checks its arguments with these functions, so the same
mistake gets the same message wherever it is made.

The rules for data, applied by [`as_data`][linfit.validation.as_data]:

* ``x`` and ``y`` may be Python sequences, NumPy arrays or tensors of any real
  numeric dtype (bool, integer, float16/32/64; not dates or durations). They are
  converted to float32 by rounding to nearest, because the model computes in
  float32 (the float64 oracle asks for float64).
* Each must have shape ``(N,)`` or ``(N, 1)``; ``(N, 1)`` is flattened to
  ``(N,)``. Mixing ``(N,)`` predictions with ``(N, 1)`` targets would otherwise
  broadcast into an ``(N, N)`` matrix and give a plausible-looking but wrong loss.
* ``N`` must be at least 1 and equal for ``x`` and ``y``.
* Every value must be finite after the conversion (so ``1e39``, which overflows
  float32, is refused as well as NaN and infinity).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Literal

import numpy as np

from linfit.errors import InputTypeError, InputValueError

__all__ = [
    "MAX_EPOCHS",
    "MAX_SEED",
    "OnDivergence",
    "as_data",
    "as_float_data",
    "as_vector",
    "check_all_finite",
    "check_batch_size",
    "check_callable",
    "check_epochs",
    "check_finite_scalar",
    "check_float32_scalar",
    "check_integer",
    "check_learning_rate",
    "check_on_divergence",
    "check_pair",
    "check_real",
    "check_seed",
    "check_shuffle_seed",
]

OnDivergence = Literal["raise", "continue"]
"""What training does when the loss blows up: stop with an error, or carry on."""

MAX_EPOCHS = 10**8
"""The most epochs one call trains. Each epoch adds a History row (12 bytes in
float32), so a longer run would hold gigabytes of rows; train in several calls
(see [`linfit.history.History.extended`][]) if you really need more."""

MAX_SEED = 2**63 - 1
"""Seeds are 64-bit signed integers in TensorFlow's random ops: ``0 .. 2**63 − 1``."""

FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def as_vector(
    values: Any, name: str, *, check_finite: bool = True, dtype: Any = np.float32
) -> np.ndarray:
    """Convert one data argument to a vector of ``dtype``, or refuse it.

    Args:
        values: Array-like of shape ``(N,)`` or ``(N, 1)`` with a real dtype.
        name: The argument's name, used in error messages.
        check_finite: Check that every value is finite in ``dtype``. A caller
            that reads the data anyway (``train`` computes its moments) may skip
            this pass and call [`check_all_finite`][linfit.validation.check_all_finite].
        dtype: ``np.float32`` (what training computes in) or ``np.float64``.

    Returns:
        A C-contiguous NumPy array of shape ``(N,)`` and dtype ``dtype``.

    Raises:
        InputTypeError: If the values are not real numbers.
        InputValueError: If the shape is wrong, the array is empty, or a value
            is not finite.
    """
    if (
        type(values) is np.ndarray
        and values.dtype == dtype
        and values.ndim == 1
        and values.size
        and values.flags.c_contiguous
    ):  # already in the form training uses: only the values remain to check
        if check_finite:
            check_all_finite(values, name)
        return values
    if hasattr(values, "numpy") and callable(values.numpy):
        values = values.numpy()
    if isinstance(values, np.ma.MaskedArray):
        if np.ma.getmaskarray(values).any():
            raise InputTypeError(
                f"{name} is a masked array with masked values; linfit does not drop "
                "points silently: select the points to fit yourself, e.g. keep = "
                "~(np.ma.getmaskarray(x) | np.ma.getmaskarray(y)), then pass "
                "x.data[keep] and y.data[keep]"
            )
        values = values.data
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as error:
        raise InputTypeError(
            f"{name} must be an array of real numbers: {error}"
        ) from None
    kind = array.dtype.kind
    if kind not in "biuf":  # bool, integers, floats: not objects, strings, dates
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
        converted = np.ascontiguousarray(array, dtype=dtype)
    if check_finite:
        check_all_finite(converted, name, original=array)
    return converted


def check_all_finite(converted: np.ndarray, name: str, original: Any = None) -> None:
    """Refuse the first value of the converted data that is not finite.

    Args:
        converted: The data, float32 or float64.
        name: The argument's name.
        original: The values before conversion, to quote (default: ``converted``).

    Raises:
        InputValueError: Naming the index and the value.
    """
    bad = ~np.isfinite(converted)
    if bad.any():
        index = int(np.argmax(bad))
        source = converted if original is None else np.asarray(original).reshape(-1)
        what = (
            "a finite float32 number (NaN, infinity, or beyond ±3.4e38)"
            if converted.dtype == np.float32
            else "a finite number (NaN or infinity)"
        )
        raise InputValueError(
            f"{name}[{index}] = {source[index].item()!r} is not {what}; "
            "remove or rescale such values"
        )


def as_data(
    x: Any,
    y: Any,
    *,
    check_finite: bool = True,
    dtype: Any = np.float32,
    names: tuple[str, str] = ("x", "y"),
) -> tuple[np.ndarray, np.ndarray]:
    """Convert and check a pair of data vectors of equal length.

    Args:
        x: Inputs, shape ``(N,)`` or ``(N, 1)``.
        y: Targets, shape ``(N,)`` or ``(N, 1)``.
        check_finite: See [`as_vector`][linfit.validation.as_vector].
        dtype: See [`as_vector`][linfit.validation.as_vector].
        names: The two arguments' names, for the messages.

    Returns:
        ``(x, y)`` as NumPy arrays of shape ``(N,)`` and dtype ``dtype``.

    Raises:
        InputTypeError: See [`as_vector`][linfit.validation.as_vector].
        InputValueError: See [`as_vector`][linfit.validation.as_vector]; also when
            the lengths differ.
    """
    first = as_vector(x, names[0], check_finite=check_finite, dtype=dtype)
    second = as_vector(y, names[1], check_finite=check_finite, dtype=dtype)
    if first.shape != second.shape:
        raise InputValueError(
            f"{names[0]} and {names[1]} must have the same length, got "
            f"{first.shape[0]} and {second.shape[0]}"
        )
    return first, second


def as_float_data(
    x: Any, y: Any, names: tuple[str, str] = ("x", "y")
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` for a NumPy computation, checked as [`as_data`][linfit.validation.as_data].

    Float32 and float64 vectors pass unchanged (the oracle computes in their precision,
    so a float32 port can be imitated); anything else is converted to float64.
    """
    if (
        isinstance(x, np.ndarray)
        and isinstance(y, np.ndarray)
        and x.dtype == y.dtype
        and x.dtype.kind == "f"
        and x.dtype.itemsize in (4, 8)
        and x.ndim == y.ndim == 1
        and x.size == y.size > 0
    ):
        check_all_finite(x, names[0])
        check_all_finite(y, names[1])
        return x, y
    return as_data(x, y, dtype=np.float64, names=names)


def check_real(value: Any, name: str) -> None:
    """Refuse ``value`` unless it is a real number (NaN and infinity are; bools are not).

    Raises:
        InputTypeError: If ``value`` is not a real number.
    """
    if isinstance(value, bool) or not isinstance(
        value, (Real, np.floating, np.integer)
    ):
        raise InputTypeError(
            f"{name} must be a real number, got {type(value).__name__}"
        )


def check_finite_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a Python float if it is a finite real number (not a bool).

    Raises:
        InputTypeError: If ``value`` is not a real number.
        InputValueError: If it is NaN, infinite, or an integer beyond float64.
    """
    check_real(value, name)
    try:
        result = float(value)
    except OverflowError:
        raise InputValueError(
            f"{name} is too large to be a floating-point number"
        ) from None
    if not math.isfinite(result):
        raise InputValueError(f"{name} must be finite, got {result}")
    return result


def check_pair(value: Any, name: str) -> tuple[float, float]:
    """Return ``value`` as ``(w, b)`` if it is a pair of finite real numbers.

    Raises:
        InputTypeError, InputValueError: Otherwise, naming ``name``.
    """
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise InputTypeError(
            f"{name} must be a pair (w, b), got {type(value).__name__}"
        )
    return check_finite_scalar(value[0], f"{name}[0]"), check_finite_scalar(
        value[1], f"{name}[1]"
    )


def check_float32_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a float if it is finite in float32 (``|value| <= 3.4e38``).

    Raises:
        InputTypeError: If ``value`` is not a real number.
        InputValueError: If it is NaN, infinite, or too large for float32.
    """
    result = check_finite_scalar(value, name)
    if abs(result) > FLOAT32_MAX:
        raise InputValueError(
            f"{name} = {result:g} is beyond the float32 range (±3.4e38) the model "
            "computes in"
        )
    return result


def check_learning_rate(learning_rate: Any) -> float:
    """Return the learning rate if it is finite, positive, and so in float32.

    Training runs in float32: a rate that rounds to 0 there (``1e-50``), or to a
    subnormal number, which TensorFlow's CPU kernels flush to zero, would train
    nothing; one beyond ±3.4e38 would be infinite.

    Raises:
        InputTypeError: If it is not a real number.
        InputValueError: If it is not > 0 or not a normal float32 number.
    """
    value = check_finite_scalar(learning_rate, "learning_rate")
    if value <= 0:
        raise InputValueError(f"learning_rate must be > 0, got {value}")
    if value < FLOAT32_TINY:
        raise InputValueError(
            f"learning_rate {value:g} is below float32's smallest normal number "
            f"({FLOAT32_TINY:.3g}): training runs in float32, where it becomes 0 and "
            "nothing would be learned"
        )
    if value > FLOAT32_MAX:
        raise InputValueError(
            f"learning_rate {value:g} is beyond the float32 range (±3.4e38)"
        )
    return value


def check_integer(value: Any, name: str, low: int, high: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer from ``low`` to ``high``.

    Raises:
        InputTypeError: If it is not an integer (bools and floats are refused).
        InputValueError: If it is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise InputValueError(
            f"{name} must be between {low} and {high:,}, got {value:,}"
        )
    return int(value)


def check_epochs(epochs: Any, name: str = "epochs") -> int:
    """An integer from 0 to [`MAX_EPOCHS`][linfit.validation.MAX_EPOCHS] (see `check_integer`)."""
    if (
        isinstance(epochs, (int, np.integer))
        and not isinstance(epochs, bool)
        and epochs < 0
    ):
        raise InputValueError(f"{name} must be >= 0, got {epochs}")
    return check_integer(epochs, name, 0, MAX_EPOCHS)


def check_seed(seed: Any, name: str = "seed") -> int:
    """An integer from 0 to [`MAX_SEED`][linfit.validation.MAX_SEED] (``1.5`` is refused)."""
    return check_integer(seed, name, 0, MAX_SEED)


def check_shuffle_seed(shuffle_seed: object) -> int | None:
    """``None`` (batches in data order), or a seed (see `check_seed`)."""
    return None if shuffle_seed is None else check_seed(shuffle_seed, "shuffle_seed")


def check_batch_size(batch_size: Any, n: int) -> int:
    """The batch size to use for ``n`` points: ``None`` means all of them.

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


def check_callable(value: Any, name: str) -> Any:
    """Return ``value`` if it is ``None`` or callable, before any work is done.

    Raises:
        InputTypeError: Otherwise (not at the first call, minutes into a run).
    """
    if value is not None and not callable(value):
        raise InputTypeError(
            f"{name} must be callable or None, got {type(value).__name__}"
        )
    return value


def check_on_divergence(on_divergence: object) -> OnDivergence:
    """Return ``on_divergence`` if it is ``"raise"`` or ``"continue"``.

    Raises:
        InputValueError: Otherwise.
    """
    if on_divergence not in ("raise", "continue"):
        raise InputValueError(
            f"on_divergence must be 'raise' or 'continue', got {on_divergence!r}"
        )
    return on_divergence
