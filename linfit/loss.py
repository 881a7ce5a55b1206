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

from linfit._tensorflow import tf

__all__ = ["l2_gradient", "l2_loss"]


def l2_loss(y_pred: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """Mean squared difference between predictions and targets.

    Args:
        y_pred: Predictions, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``. It must have the same shape as
            ``y_pred``: ``(N,)`` against ``(N, 1)`` would broadcast to an
            ``(N, N)`` matrix. The public training API checks this for you.

    Returns:
        A float32 scalar tensor.
    """
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
    residual = w * x + b - y
    return 2.0 * tf.reduce_mean(residual * x), 2.0 * tf.reduce_mean(residual)
