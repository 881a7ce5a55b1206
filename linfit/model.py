"""The model: a line ``y = w * x + b`` held in two TensorFlow variables.

Tensors are immutable values; a model needs state that changes as it learns.
``tf.Variable`` is that state, and ``tf.Module`` is the container that finds
every variable assigned to one of its attributes, so ``model.variables`` and
``model.trainable_variables`` list them without any registration code.
"""

from __future__ import annotations

from linfit._tensorflow import tf
from linfit.validation import check_float32_scalar

__all__ = ["LinearModel"]


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
