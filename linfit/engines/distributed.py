"""The ``"distributed"`` engine: data parallelism with a ``tf.distribute`` strategy.

Each step, the batch is split into one shard per replica (shards may differ in
size: 1001 points over two replicas give 501 and 500). Every replica computes,
on its shard, the loss *scaled by the global batch size*,

    L_r = (1/N) Σ_{i ∈ shard r} (w·x_i + b − y_i)²,

with ``tf.nn.compute_average_loss(per_example, global_batch_size=N)``, and
its gradient. Summing ``L_r`` and the gradients over replicas (a SUM
all-reduce) gives exactly the full-batch loss and gradient, whatever the shard
sizes. Averaging the replicas' *means* instead, the tempting shortcut, weights
a point in a small shard more than one in a large shard and is wrong whenever
shards are unequal (see [`linfit.parallel.mirrored.mean_of_replica_means`][]).

The parameters live in mirrored variables created in ``strategy.scope()``, and
each row reaches the recorder as soon as it is known, so the divergence guard
and Ctrl-C act between steps. Batches are taken in data order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.reference import batch_slices

__all__ = ["distributed_rows", "run", "shards"]

NAME = "distributed"
MINIBATCHES = True
SHUFFLING = False
STRATEGY = True


def run(problem: Problem, recorder: Recorder) -> None:
    """Train under ``problem.strategy``, batches in data order."""
    w, b = problem.start
    rows = distributed_rows(
        problem.strategy,
        w,
        b,
        problem.x,
        problem.y,
        epochs=problem.epochs,
        learning_rate=problem.learning_rate,
        batch_size=problem.batch_size,
    )
    for row in rows:
        recorder.record(*row)


def shards(n: int, replicas: int) -> list[slice]:
    """Split ``range(n)`` into ``replicas`` consecutive shards, sizes differing by at most 1."""
    bounds = np.linspace(0, n, replicas + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds)]


def _distributed_batch(
    strategy: tf.distribute.Strategy, x: np.ndarray, y: np.ndarray
) -> Any:
    """One global batch as per-replica values: replica ``r`` gets shard ``r``.

    ``experimental_distribute_values_from_function`` calls the function on every
    replica (locally, or on each worker) with its global replica id, so unequal
    shards are expressed directly. (``distribute_datasets_from_function`` would
    give one ``tf.data`` pipeline per *worker* and deal consecutive elements out
    to its local replicas, which cannot hand replicas shards of different sizes
    from one global batch.)
    """
    pieces = shards(len(x), strategy.num_replicas_in_sync)

    def value_for(context: tf.distribute.ValueContext) -> tuple[tf.Tensor, tf.Tensor]:
        piece = pieces[context.replica_id_in_sync_group]
        return tf.constant(x[piece]), tf.constant(y[piece])

    return strategy.experimental_distribute_values_from_function(value_for)


def distributed_rows(
    strategy: tf.distribute.Strategy,
    w: float,
    b: float,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int,
) -> Iterator[tuple[float, float, float]]:
    """Run gradient descent under ``strategy``, yielding each History row as it is known.

    Args:
        strategy: A ``MirroredStrategy`` or ``MultiWorkerMirroredStrategy``
            whose replicas each get one input pipeline.
        w: Initial slope.
        b: Initial intercept.
        x: float32 inputs, shape ``(N,)``.
        y: float32 targets, shape ``(N,)``.
        epochs: Number of epochs.
        learning_rate: Step size.
        batch_size: Global batch size (``N`` for full batch); batches are consecutive.

    Yields:
        ``(w, b, loss)`` for rows ``0 .. epochs`` (History semantics): row ``k``
        as soon as epoch ``k`` has started, the last row after the final
        forward pass.
    """
    with strategy.scope():
        weight = tf.Variable(w, dtype=tf.float32)
        bias = tf.Variable(b, dtype=tf.float32)
    rate = tf.constant(learning_rate, tf.float32)

    def replica_step(
        x_shard: tf.Tensor, y_shard: tf.Tensor, global_size: tf.Tensor
    ) -> Any:
        with tf.GradientTape() as tape:
            residual = weight * x_shard + bias - y_shard
            loss = tf.nn.compute_average_loss(
                tf.square(residual), global_batch_size=global_size
            )
        return loss, tape.gradient(loss, [weight, bias])

    def step_body(batch: Any, global_size: tf.Tensor, update: tf.Tensor) -> tf.Tensor:
        per_loss, per_gradients = strategy.run(
            replica_step, args=(batch[0], batch[1], global_size)
        )
        loss = strategy.reduce(tf.distribute.ReduceOp.SUM, per_loss, axis=None)
        gradients = [
            strategy.reduce(tf.distribute.ReduceOp.SUM, gradient, axis=None)
            for gradient in per_gradients
        ]
        if update:
            weight.assign_sub(rate * gradients[0])
            bias.assign_sub(rate * gradients[1])
        return loss

    step = tf.function(step_body)
    n = len(x)
    full = _distributed_batch(strategy, x, y)
    pieces = batch_slices(n, batch_size)
    batches = [_distributed_batch(strategy, x[piece], y[piece]) for piece in pieces]
    for _ in range(epochs):
        w_now, b_now = float(weight.numpy()), float(bias.numpy())
        if len(batches) == 1:
            loss = float(step(full, tf.constant(n), tf.constant(True)))
        else:
            loss = float(step(full, tf.constant(n), tf.constant(False)))
            for piece, batch in zip(pieces, batches, strict=True):
                step(batch, tf.constant(piece.stop - piece.start), tf.constant(True))
        yield w_now, b_now, loss
    yield (
        float(weight.numpy()),
        float(bias.numpy()),
        float(step(full, tf.constant(n), tf.constant(False))),
    )
