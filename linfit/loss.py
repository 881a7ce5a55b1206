"""The L2 (mean squared error) loss and its gradient, derived by hand.

For ``n`` points the loss of the line ``(w, b)`` is

    L(w, b) = (1/n) Σ (w·x_i + b − y_i)²

and, differentiating term by term with r_i = w·x_i + b − y_i,

    ∂L/∂w = (2/n) Σ r_i · x_i        ∂L/∂b = (2/n) Σ r_i

[`l2_gradient`][linfit.loss.l2_gradient] computes exactly these sums in TensorFlow; the tests check
that ``tf.GradientTape`` finds the same numbers (up to float32 rounding) and
that both agree with the float64 oracle in [`linfit.reference`][].
"""

from __future__ import annotations

from typing import Any

from linfit._tensorflow import tf
from linfit.errors import InputTypeError, InputValueError
from linfit.validation import as_data, check_float32_scalar

__all__ = ["as_tensors", "l2_gradient", "l2_loss"]


def l2_loss(y_pred: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """Mean squared difference between predictions and targets.

    Args:
        y_pred: Predictions, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``. It must have the same shape as
            ``y_pred``: ``(N,)`` against ``(N, 1)`` would broadcast to an
            ``(N, N)`` matrix, so that is refused ([`as_tensors`][linfit.loss.as_tensors]).

    Returns:
        A float32 scalar tensor.
    """
    y_pred, y = as_tensors(y_pred, y, ("y_pred", "y"))
    return tf.reduce_mean(tf.square(y_pred - y))


def l2_gradient(
    w: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor
) -> tuple[tf.Tensor, tf.Tensor]:
    """The analytic gradient of [`l2_loss`][linfit.loss.l2_loss] for the model ``w * x + b``.

    Args:
        w: Slope, float32 scalar (tensor or variable).
        b: Intercept, float32 scalar.
        x: Inputs, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``.

    Returns:
        ``(dL/dw, dL/db)`` as float32 scalar tensors.
    """
    x, y = as_tensors(x, y)
    w, b = (_scalar(value, name) for name, value in (("w", w), ("b", b)))
    residual = w * x + b - y
    return 2.0 * tf.reduce_mean(residual * x), 2.0 * tf.reduce_mean(residual)


def as_tensors(
    first: Any, second: Any, names: tuple[str, str] = ("x", "y")
) -> tuple[tf.Tensor, tf.Tensor]:
    """Two float32 vectors of the same shape, as tensors; refuse anything else by name.

    Tensors (also the symbolic ones inside a ``tf.function``) must be float32; when
    both shapes are known they must be equal, which catches ``(N,)`` against
    ``(N, 1)``. Anything else is converted and checked as
    [`linfit.validation.as_data`][] converts and checks training data.

    Raises:
        InputTypeError: For a tensor that is not float32, or values that are not
            real numbers.
        InputValueError: For shapes that differ, or data ``train`` would refuse.
    """
    if not (tf.is_tensor(first) and tf.is_tensor(second)):
        arrays = as_data(first, second, names=names)
        return tf.constant(arrays[0]), tf.constant(arrays[1])
    for name, tensor in zip(names, (first, second), strict=True):
        if tensor.dtype != tf.float32:
            raise InputTypeError(
                f"{name} must be a float32 tensor, got {tensor.dtype.name}"
            )
    known = first.shape.is_fully_defined() and second.shape.is_fully_defined()
    if known and first.shape != second.shape:
        raise InputValueError(
            f"{names[0]} and {names[1]} must have the same shape, got "
            f"{tuple(first.shape)} and {tuple(second.shape)}; (N,) against (N, 1) "
            "would broadcast to an (N, N) matrix"
        )
    return first, second


def _scalar(value: Any, name: str) -> Any:
    """A float32 scalar tensor or variable as it is; a number checked and converted."""
    if tf.is_tensor(value) or isinstance(value, tf.Variable):
        if value.dtype != tf.float32 or value.shape.rank != 0:
            raise InputTypeError(f"{name} must be a float32 scalar, got {value!r}")
        return value
    return tf.constant(check_float32_scalar(value, name), tf.float32)
