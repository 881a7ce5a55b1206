"""The ``"function"`` engine: the loop of [`linfit.loop`][] with each step a ``tf.function``.

``tf.function`` traces [`gradient_step`][linfit.step.gradient_step] into a graph on
its first call and runs the graph afterwards, which removes most of the
per-operation Python overhead of a step. The operations are the same, so on
CPU the History is bit-identical to the eager engine's.

The traced functions take the model's two *variables* as arguments rather
than the model object: ``tf.function`` keys its traces on the type, shape and
dtype of variable arguments but on the identity of other Python objects, so
this way one trace serves every model (a new model would otherwise mean a new
trace, and TensorFlow's warning about excessive retracing).

Python still runs once per step, which is why this engine suits minibatches,
and the moments engine is faster for everything else.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from linfit._tensorflow import tf
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.loop import full_data_loss, training_loop
from linfit.model import LinearModel
from linfit.step import gradient_step

__all__ = ["run"]

NAME = "function"
MINIBATCHES = True
SHUFFLING = True
STRATEGY = False


class _Line(tf.Module):
    """A model's variables seen as a model (what ``gradient_step`` needs of one)."""

    def __init__(self, w: tf.Variable, b: tf.Variable) -> None:
        super().__init__(name="line")
        self.w, self.b = w, b

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        return LinearModel.__call__(self, x)


@cache
def _compiled() -> tuple[Any, Any]:
    def step(w: Any, b: Any, x: Any, y: Any, rate: Any) -> Any:
        return gradient_step(_Line(w, b), x, y, rate)

    def measure(w: Any, b: Any, x: Any, y: Any) -> Any:
        return full_data_loss(_Line(w, b), x, y)

    return tf.function(step, reduce_retracing=True), tf.function(
        measure, reduce_retracing=True
    )


def run(problem: Problem, recorder: Recorder) -> None:
    """Train with a traced step (one graph call per step)."""
    step, measure = _compiled()
    training_loop(
        problem,
        recorder,
        lambda model, x, y, rate: step(model.w, model.b, x, y, rate),
        lambda model, x, y: measure(model.w, model.b, x, y),
    )
