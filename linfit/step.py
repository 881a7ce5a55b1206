"""One step of gradient descent.

A step has two halves. First, record the forward computation on a
``tf.GradientTape`` and ask the tape for the gradient of the loss with respect
to the model's variables. Second, move each variable against its gradient:
``v ← v − learning_rate · ∂L/∂v``, written in place with ``assign_sub``.

The loss that the step returns is the one computed in the first half, at the
parameters *before* the update. Keeping that straight is what makes the
training history in [`linfit.loop`][] line up.
"""

from __future__ import annotations

from linfit._tensorflow import tf
from linfit.loss import as_tensors, l2_loss
from linfit.model import LinearModel, check_model
from linfit.validation import check_learning_rate

__all__ = ["gradient_step", "loss_and_gradients"]


def loss_and_gradients(
    model: LinearModel, x: tf.Tensor, y: tf.Tensor
) -> tuple[tf.Tensor, tuple[tf.Tensor, tf.Tensor]]:
    """Loss of ``model`` on ``(x, y)`` and its gradient, by automatic differentiation.

    Args:
        model: The model; its variables are watched automatically because
            they are trainable.
        x: Inputs, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``.

    Returns:
        ``(loss, (dL/dw, dL/db))``, float32 scalars.

    Raises:
        InputTypeError, InputValueError: For a model or data ``train`` would refuse.
    """
    check_model(model)
    x, y = as_tensors(x, y)
    with tf.GradientTape() as tape:
        loss = l2_loss(model(x), y)
    grad_w, grad_b = tape.gradient(loss, [model.w, model.b])
    return loss, (grad_w, grad_b)


def gradient_step(
    model: LinearModel, x: tf.Tensor, y: tf.Tensor, learning_rate: float | tf.Tensor
) -> tf.Tensor:
    """Take one gradient-descent step on ``(x, y)``, updating ``model`` in place.

    The update is ``w.assign_sub(learning_rate * dL/dw)`` and likewise for
    ``b``: the product is rounded to float32 first, then subtracted.

    Args:
        model: The model to update.
        x: Inputs, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``.
        learning_rate: Step size, a positive float32 scalar (a Python number
            is checked as [`train`][linfit.loop.train] checks it).

    Returns:
        The loss at the parameters *before* the update, a float32 scalar.

    Raises:
        InputTypeError, InputValueError: For arguments ``train`` would refuse.
    """
    if not tf.is_tensor(learning_rate):  # a tensor is the caller's to check
        learning_rate = check_learning_rate(learning_rate)
    loss, (grad_w, grad_b) = loss_and_gradients(model, x, y)
    learning_rate = tf.cast(learning_rate, tf.float32)
    model.w.assign_sub(learning_rate * grad_w)
    model.b.assign_sub(learning_rate * grad_b)
    return loss
