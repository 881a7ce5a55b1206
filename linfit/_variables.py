"""Reading and writing a model's two scalar variables, cheaply.

``float(variable)`` and ``variable.assign(value)`` wrap one TensorFlow
operation each in Python machinery (recording on gradient tapes, converting the
value, consulting distribution strategies) that costs more than the operation
itself: together some 0.3 ms per training run, which is most of a short run on
the moments engine. Training reads the starting point once and writes the final
state once, outside any tape, so it calls the two operations directly. Any
variable that is not a plain ``tf.Variable`` (a distributed one, say) goes
through the public methods.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from linfit._tensorflow import tf

__all__ = ["read_scalar", "write_scalar"]


@cache
def _plain() -> Any:
    """The class of a plain ``tf.Variable``.

    It is found on first use: making a variable initializes TensorFlow's
    devices, which importing linfit must not do.
    """
    return type(tf.Variable(0.0))


def read_scalar(variable: Any) -> float:
    """``float(variable)`` for a float32 scalar variable."""
    if type(variable) is _plain():
        return float(
            tf.raw_ops.ReadVariableOp(resource=variable.handle, dtype=tf.float32)
        )
    return float(variable)


def write_scalar(variable: Any, value: float) -> None:
    """``variable.assign(value)`` for a float32 scalar variable."""
    if type(variable) is _plain():
        tf.raw_ops.AssignVariableOp(
            resource=variable.handle, value=tf.constant(value, dtype=tf.float32)
        )
    else:
        variable.assign(value, read_value=False)
