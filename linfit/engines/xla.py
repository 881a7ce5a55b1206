"""The ``"xla"`` engine: the graph engine's loop compiled by XLA.

``jit_compile=True`` hands the chunk loop to XLA, which fuses operations and
removes the graph executor's per-operation cost; for small data a step then
costs a few microseconds. The gradient comes from one residual,
``(2·mean(r·x), 2·mean(r))`` with ``r = w·x + b − y``
([`linfit.loss.l2_gradient`][]), which XLA evaluates in fewer passes over
the data than the tape's backward graph. XLA also sums in its own order, so
the History agrees with the eager engine's within the rounding bound
([`linfit.bounds.trajectory_error_bound`][]), not bit for bit.

XLA compiles one program per data size (array shapes are static for it), once
per process; thanks to the chunks ([`linfit.engines.chunks`][]) that program
serves every number of epochs. Full batch only.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from linfit._tensorflow import tf
from linfit.engines.chunks import chunk_loop, run_in_chunks
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder

__all__ = ["analytic_gradient", "run"]

NAME = "xla"
MINIBATCHES = False
SHUFFLING = False
STRATEGY = False


def analytic_gradient(
    w: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor
) -> tuple[tf.Tensor, tuple[tf.Tensor, tf.Tensor]]:
    """Loss and the hand-derived gradient from one residual."""
    residual = w * x + b - y
    loss = tf.reduce_mean(residual * residual)
    return loss, (2.0 * tf.reduce_mean(residual * x), 2.0 * tf.reduce_mean(residual))


def _loss(w: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    return analytic_gradient(w, b, x, y)[0]


@cache
def _compiled() -> tuple[Any, Any]:
    options = {"jit_compile": True, "reduce_retracing": True}
    return (
        tf.function(partial(chunk_loop, analytic_gradient), **options),
        tf.function(_loss, **options),
    )


def run(problem: Problem, recorder: Recorder) -> None:
    """Train full-batch in chunks of epochs, each chunk one XLA program call."""
    advance, final_loss = _compiled()
    run_in_chunks(problem, recorder, advance, final_loss)
