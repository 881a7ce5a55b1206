"""The model: a line ``y = w * x + b`` held in two TensorFlow variables.

Tensors are immutable values; a model needs state that changes as it learns.
``tf.Variable`` is that state, and ``tf.Module`` is the container that finds
every variable assigned to one of its attributes, so ``model.variables`` and
``model.trainable_variables`` list them without any registration code.
"""

from __future__ import annotations

from typing import cast

from linfit._tensorflow import tf
from linfit.errors import InputTypeError, InputValueError
from linfit.validation import check_float32_scalar

__all__ = ["LinearModel", "check_model"]


class LinearModel(tf.Module):
    """A one-feature linear model, ``y = w * x + b``, in float32.

    Args:
        w: Initial slope. The original tutorials start at 5, deliberately far from the
            true value 3, so that training has somewhere to go.
        b: Initial intercept.
        name: Name of the module (TensorFlow uses it to scope names).

    Attributes:
        w: Scalar float32 ``tf.Variable``, the slope.
        b: Scalar float32 ``tf.Variable``, the intercept.

    Examples:
        >>> model = LinearModel()
        >>> float(model(3.0))
        15.0
        >>> [v.name for v in model.trainable_variables]
        ['b:0', 'w:0']
    """

    def __init__(self, w: float = 5.0, b: float = 0.0, name: str | None = None) -> None:
        super().__init__(name=name)
        self.w = tf.Variable(check_float32_scalar(w, "w"), dtype=tf.float32, name="w")
        self.b = tf.Variable(check_float32_scalar(b, "b"), dtype=tf.float32, name="b")

    def __call__(self, x: tf.Tensor | float) -> tf.Tensor:
        """Predict ``w * x + b``.

        Args:
            x: A float32 tensor of any shape, or a Python number.

        Returns:
            A float32 tensor with the shape of ``x``.
        """
        return self.w * x + self.b


def check_model(model: object) -> LinearModel:
    """Return ``model`` if linfit can train it, else refuse it by name.

    A trainable model is a ``tf.Module`` whose ``w`` and ``b`` are trainable float32
    scalar ``tf.Variable`` objects, as in [`LinearModel`][linfit.model.LinearModel].

    Raises:
        InputTypeError: If ``model`` or its ``w``/``b`` have the wrong type.
        InputValueError: If ``w``/``b`` have the wrong dtype or shape, or are not
            trainable.
    """
    if (
        not isinstance(model, tf.Module)
        or not hasattr(model, "w")
        or not hasattr(model, "b")
    ):
        raise InputTypeError(
            "model must be a linfit.LinearModel (a tf.Module with variables w and b), "
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
