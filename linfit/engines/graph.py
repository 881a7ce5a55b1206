"""The ``"graph"`` engine: many epochs inside one TensorFlow graph.

Eager training pays Python and dispatch overhead for every operation of every
step. Here the epoch loop itself runs inside a ``tf.function`` (a
``tf.while_loop``, collecting the rows in ``tf.TensorArray`` objects), so Python
runs once per chunk of epochs (see [`linfit.engines.chunks`][]), not once
per step. The step is built from the same operations as the eager one (the
forward pass on a ``GradientTape``, then ``p − lr·g``), so on CPU the History
is bit-identical to the eager engine's. Full batch only.
"""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from linfit._tensorflow import tf
from linfit.engines.chunks import chunk_loop, run_in_chunks
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.loss import l2_loss

__all__ = ["run", "tape_gradient"]

NAME = "graph"
MINIBATCHES = False
SHUFFLING = False
STRATEGY = False


def tape_gradient(
    w: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor
) -> tuple[tf.Tensor, tuple[tf.Tensor, tf.Tensor]]:
    """Loss and gradient exactly as the eager step computes them."""
    with tf.GradientTape() as tape:
        tape.watch([w, b])
        loss = l2_loss(w * x + b, y)
    grad_w, grad_b = tape.gradient(loss, [w, b])
    return loss, (grad_w, grad_b)


def _loss(w: tf.Tensor, b: tf.Tensor, x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    return l2_loss(w * x + b, y)


@cache
def _compiled() -> tuple[Any, Any]:
    options = {"reduce_retracing": True}
    return (
        tf.function(partial(chunk_loop, tape_gradient), **options),
        tf.function(_loss, **options),
    )


def run(problem: Problem, recorder: Recorder) -> None:
    """Train full-batch in chunks of epochs, each chunk one graph call."""
    advance, final_loss = _compiled()
    run_in_chunks(problem, recorder, advance, final_loss)
