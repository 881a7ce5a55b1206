"""The eager engine: the original tutorials' loop, one Python iteration per epoch.

This is the loop the "training loop" chapter narrates. Each epoch it notes
the current state, takes the step (or one step per minibatch) and hands the
row to the recorder. With the full batch the loss that
[`gradient_step`][linfit.step.gradient_step] computes *before* its update is exactly
the loss of the noted state, so recording it costs nothing; with minibatches
one forward pass on all the data measures it. After the last epoch one more
forward pass measures the final state.

The same loop, with the step compiled by ``tf.function``, is the
``"function"`` engine ([`linfit.engines.function`][]).
"""

from __future__ import annotations

from collections.abc import Callable

from linfit._tensorflow import tf
from linfit.engines.problem import Problem
from linfit.loss import l2_loss
from linfit.model import LinearModel
from linfit.recorder import Recorder
from linfit.step import gradient_step

__all__ = ["full_data_loss", "loop", "run"]

Step = Callable[[LinearModel, tf.Tensor, tf.Tensor, tf.Tensor], tf.Tensor]
Measure = Callable[[LinearModel, tf.Tensor, tf.Tensor], tf.Tensor]


def full_data_loss(model: LinearModel, x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """The L2 loss of ``model`` on all the data (a float32 scalar)."""
    return l2_loss(model(x), y)


def loop(problem: Problem, recorder: Recorder, step: Step, measure: Measure) -> None:
    """Train with ``step`` (one gradient step) and ``measure`` (the full-data loss)."""
    model, rate = problem.model, problem.rate
    x, y = problem.tensors
    for epoch in range(problem.epochs):
        w, b = model.w.numpy(), model.b.numpy()  # the state this epoch starts from
        if problem.full_batch:
            loss = step(model, x, y, rate)  # the loss at (w, b), before the update
        else:
            loss = measure(model, x, y)
            for x_batch, y_batch in problem.batches(epoch):
                step(model, x_batch, y_batch, rate)
        recorder.record(w, b, loss)
    recorder.record(model.w.numpy(), model.b.numpy(), measure(model, x, y))


def run(problem: Problem, recorder: Recorder) -> None:
    """Train op by op in Python (TensorFlow's eager mode)."""
    loop(problem, recorder, gradient_step, full_data_loss)
