"""Checks at the edge of the public API.

A reference implementation must refuse bad input loudly, at the call the user
made, with a message that names the argument. Deep inside TensorFlow the same
mistake becomes a shape error about ``Sub_1`` or, worse, a silent NaN.

The rules, applied by [`as_data`][linfit.validation.as_data]:

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
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from linfit.errors import InputTypeError, InputValueError
from linfit.moments import Moments, moments

if TYPE_CHECKING:
    from linfit._tensorflow import tf
    from linfit.model import LinearModel

__all__ = [
    "MAX_EPOCHS",
    "MAX_SEED",
    "as_data",
    "as_vector",
    "check_all_finite",
    "check_batch_size",
    "check_callable",
    "check_epochs",
    "check_finite_scalar",
    "check_float32_scalar",
    "check_integer",
    "check_learning_rate",
    "check_model",
    "check_on_divergence",
    "check_seed",
    "check_shuffle_seed",
    "check_strategy",
    "check_training_data",
]

OnDivergence = Literal["raise", "continue"]
"""What training does when the loss blows up: stop with an error, or carry on."""

MAX_EPOCHS = 10**8
"""The most epochs one call trains. Each epoch adds a History row (12 bytes in
float32), so a longer run would hold gigabytes of rows; train in several calls
(see [`linfit.history.History.extended`][]) if you really need more."""

MAX_SEED = 2**63 - 1
"""Seeds are 64-bit signed integers in TensorFlow's random ops; linfit takes ``0 .. 2**63 − 1``."""

FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def as_vector(
    values: Any, name: str, *, check_finite: bool = True, dtype: Any = np.float32
) -> np.ndarray:
    """Convert one data argument to a float32 (or ``dtype``) vector, or refuse it.

    Args:
        values: Array-like of shape ``(N,)`` or ``(N, 1)`` with a real dtype.
        name: The argument's name, used in error messages.
        dtype: ``np.float32`` (what training computes in) or ``np.float64``.
        check_finite: Check that every value is finite in ``dtype``. A caller
            that reads the data anyway (``train`` computes its moments) may
            skip this pass and call [`check_all_finite`][linfit.validation.check_all_finite] if
            needed.

    Returns:
        A C-contiguous NumPy array of shape ``(N,)`` and dtype ``dtype``.

    Raises:
        InputTypeError: If the values are not real numbers.
        InputValueError: If the shape is wrong, the array is empty, or a value
            is not finite in float32.
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
                f"{name} is a masked array with masked values; linfit does not drop points "
                "silently: select the points to fit yourself, e.g. keep = ~(np.ma.getmaskarray(x)"
                " | np.ma.getmaskarray(y)), then pass x.data[keep] and y.data[keep]"
            )
        values = values.data
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as error:
        raise InputTypeError(
            f"{name} must be an array of real numbers: {error}"
        ) from None
    if (
        array.dtype == object
        or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_)
        or np.issubdtype(array.dtype, np.complexfloating)
        or array.dtype.kind in "mM"  # timedelta64 and datetime64 count as integers
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
        converted = np.ascontiguousarray(array, dtype=dtype)
    if check_finite:
        check_all_finite(converted, name, original=array)
    return converted


def check_all_finite(converted: np.ndarray, name: str, original: Any = None) -> None:
    """Refuse the first value of ``converted`` (float32 or float64) that is not finite.

    Args:
        converted: The converted data.
        name: The argument's name.
        original: The values before conversion, to quote in the message
            (default: ``converted``).

    Raises:
        InputValueError: Naming the index and the value.
    """
    bad = ~np.isfinite(converted)
    if bad.any():
        index = int(np.argmax(bad))
        value = (converted if original is None else np.asarray(original).reshape(-1))[
            index
        ]
        what = (
            "a finite float32 number (NaN, infinity, or beyond ±3.4e38)"
            if converted.dtype == np.float32
            else "a finite number (NaN or infinity)"
        )
        raise InputValueError(
            f"{name}[{index}] = {value.item()!r} is not {what}; "
            "remove or rescale such values"
        )


def as_data(
    x: Any, y: Any, *, check_finite: bool = True, dtype: Any = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Convert and check a pair of data vectors.

    Args:
        x: Inputs, shape ``(N,)`` or ``(N, 1)``.
        y: Targets, shape ``(N,)`` or ``(N, 1)``.
        check_finite: See [`as_vector`][linfit.validation.as_vector].
        dtype: See [`as_vector`][linfit.validation.as_vector].

    Returns:
        ``(x, y)`` as NumPy arrays of shape ``(N,)`` and dtype ``dtype``.

    Raises:
        InputTypeError: See [`as_vector`][linfit.validation.as_vector].
        InputValueError: See [`as_vector`][linfit.validation.as_vector]; also when the
            lengths differ.
    """
    x_checked = as_vector(x, "x", check_finite=check_finite, dtype=dtype)
    y_checked = as_vector(y, "y", check_finite=check_finite, dtype=dtype)
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
    if isinstance(value, bool) or not isinstance(
        value, (Real, np.floating, np.integer)
    ):
        raise InputTypeError(
            f"{name} must be a real number, got {type(value).__name__}"
        )
    try:
        result = float(value)
    except OverflowError:  # an integer beyond float64's range
        raise InputValueError(
            f"{name} is too large to be a floating-point number"
        ) from None
    if not math.isfinite(result):
        raise InputValueError(f"{name} must be finite, got {result}")
    return result


def check_float32_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a Python float if it is finite in float32 (``|value| <= 3.4e38``).

    Raises:
        InputTypeError: If ``value`` is not a real number.
        InputValueError: If it is NaN, infinite, or too large for float32.
    """
    result = check_finite_scalar(value, name)
    if abs(result) > FLOAT32_MAX:
        raise InputValueError(
            f"{name} = {result:g} is beyond the float32 range (±3.4e38) the model computes in"
        )
    return result


def check_learning_rate(learning_rate: Any) -> float:
    """Return the learning rate as a float if it is finite, positive, and so in float32.

    Training runs in float32: a rate that rounds to 0 there (``1e-50``), or to a
    subnormal number, which TensorFlow's CPU kernels flush to zero, would train
    nothing; one beyond ±3.4e38 would be infinite.

    Raises:
        InputTypeError: If it is not a real number.
        InputValueError: If it is not finite, not > 0, or not a normal float32 number.
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
    """Return ``epochs`` if it is an integer from 0 to [`MAX_EPOCHS`][linfit.validation.MAX_EPOCHS].

    Raises:
        InputTypeError: If it is not an integer.
        InputValueError: If it is negative or above [`MAX_EPOCHS`][linfit.validation.MAX_EPOCHS].
    """
    if (
        isinstance(epochs, (int, np.integer))
        and not isinstance(epochs, bool)
        and epochs < 0
    ):
        raise InputValueError(f"{name} must be >= 0, got {epochs}")
    return check_integer(epochs, name, 0, MAX_EPOCHS)


def check_seed(seed: Any, name: str = "seed") -> int:
    """Return ``seed`` if it is an integer from 0 to [`MAX_SEED`][linfit.validation.MAX_SEED].

    Raises:
        InputTypeError: If it is not an integer (``1.5`` is refused, not truncated).
        InputValueError: If it is out of range.
    """
    return check_integer(seed, name, 0, MAX_SEED)


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


def check_callable(value: Any, name: str) -> Any:
    """Return ``value`` if it is ``None`` or can be called (a callback, a reporter).

    Raises:
        InputTypeError: Otherwise, before any work is done (not at the first call).
    """
    if value is not None and not callable(value):
        raise InputTypeError(
            f"{name} must be callable or None, got {type(value).__name__}"
        )
    return value


def check_training_data(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray, Moments]:
    """Convert and check ``x`` and ``y`` for training, and compute their moments.

    The moments ([`linfit.moments`][]) are finite exactly when every value is,
    so one pass over the data both computes them and proves it finite; only when
    it is not does a second pass find the first bad value to name.

    Returns:
        ``(x, y, moments)``: float32 ``(N,)`` arrays and their
        [`Moments`][linfit.moments.Moments].

    Raises:
        InputTypeError: See [`as_vector`][linfit.validation.as_vector].
        InputValueError: See [`as_data`][linfit.validation.as_data].
    """
    x_data, y_data = as_data(x, y, check_finite=False)
    result = moments(x_data, y_data)
    if not result.finite:
        check_all_finite(x_data, "x", x)
        check_all_finite(y_data, "y", y)
    return x_data, y_data, result


def check_model(model: object) -> LinearModel:
    """Return ``model`` if linfit can train it, else refuse it.

    A trainable model is a ``tf.Module`` whose ``w`` and ``b`` are trainable
    float32 scalar ``tf.Variable`` objects, as in
    [`LinearModel`][linfit.model.LinearModel].

    Raises:
        InputTypeError: If ``model`` or its ``w``/``b`` have the wrong type.
        InputValueError: If ``w``/``b`` have the wrong dtype or shape, or are not
            trainable.
    """
    from linfit._tensorflow import tf

    if (
        not isinstance(model, tf.Module)
        or not hasattr(model, "w")
        or not hasattr(model, "b")
    ):
        raise InputTypeError(
            f"model must be a linfit.LinearModel (a tf.Module with variables w and b), "
            f"got {type(model).__name__}"
        )
    for name in ("w", "b"):
        variable = getattr(model, name)
        if not isinstance(variable, tf.Variable):
            raise InputTypeError(
                f"model.{name} must be a tf.Variable, got {type(variable).__name__}; "
                "create the model with linfit.LinearModel(w, b)"
            )
        if variable.dtype != tf.float32 or variable.shape.rank != 0:
            raise InputValueError(
                f"model.{name} must be a float32 scalar variable, got "
                f"{variable.dtype.name} with shape {tuple(variable.shape)}"
            )
        if not variable.trainable:
            raise InputValueError(
                f"model.{name} is not trainable, so training would change nothing; "
                "create it with trainable=True"
            )
    return cast("LinearModel", model)


def check_strategy(strategy: Any) -> tf.distribute.Strategy | None:
    """Return ``strategy`` if it is ``None`` or a ``tf.distribute.Strategy``.

    Raises:
        InputTypeError: Otherwise.
    """
    if strategy is None:
        return None
    from linfit._tensorflow import tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise InputTypeError(
            "strategy must be a tf.distribute.Strategy or None, got "
            f"{type(strategy).__name__}"
        )
    return strategy


def check_shuffle_seed(shuffle_seed: object) -> int | None:
    """``None``, or an integer seed from 0 to [`MAX_SEED`][linfit.validation.MAX_SEED].

    Raises:
        InputTypeError: If it is not ``None`` or an integer.
        InputValueError: If it is out of range.
    """
    if shuffle_seed is None:
        return None
    return check_seed(shuffle_seed, "shuffle_seed")


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
