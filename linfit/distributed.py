"""The same training loop, data-parallel across devices with ``tf.distribute``.

Each step, the batch is split into one shard per replica (shards may differ in
size: 1001 points over two replicas give 501 and 500). Every replica computes,
on its shard, the loss *scaled by the global batch size*,

    L_r = (1/N) Σ_{i ∈ shard r} (w·x_i + b − y_i)²,

with ``tf.nn.compute_average_loss(per_example, global_batch_size=N)``, and
its gradient. Summing ``L_r`` and the gradients over replicas (a SUM
all-reduce) gives exactly the full-batch loss and gradient, whatever the shard
sizes. Averaging the replicas' *means* instead — the tempting shortcut —
weights a point in a small shard more than one in a large shard and is wrong
whenever shards are unequal (see
[`mean_of_replica_means`][linfit.distributed.mean_of_replica_means]).

The parameters live in mirrored variables created in ``strategy.scope()``
and each row is handed to the recorder as it is known (see
[`linfit.engines.distributed`][]), so [`linfit.train`][linfit.loop.train] keeps its History
semantics.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.reference import batch_slices

__all__ = [
    "distributed_rows",
    "mean_of_replica_means",
    "mirrored_strategy",
    "shards",
    "train_distributed",
]


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


def train_distributed(
    strategy: tf.distribute.Strategy,
    w: float,
    b: float,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int,
) -> tuple[list[float], list[float], list[float]]:
    """[`distributed_rows`][linfit.distributed.distributed_rows], collected into three lists.

    Returns:
        ``(ws, bs, losses)``, each of length ``epochs + 1``.
    """
    rows = distributed_rows(
        strategy,
        w,
        b,
        x,
        y,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
    )
    ws, bs, losses = zip(*rows, strict=True)
    return list(ws), list(bs), list(losses)


def mean_of_replica_means(
    x: np.ndarray, y: np.ndarray, w: float, b: float, replicas: int
) -> Any:
    """The *wrong* reduction, for comparison: average each shard's own mean gradient.

    Equal to the full-batch gradient only when all shards have the same size.
    Returns ``(dL/dw, dL/db)`` in float64.
    """
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    parts = []
    for piece in shards(len(x), replicas):
        residual = w * x64[piece] + b - y64[piece]
        parts.append((2 * np.mean(residual * x64[piece]), 2 * np.mean(residual)))
    return tuple(np.mean(parts, axis=0))


def mirrored_strategy(cpu_replicas: int = 2) -> tf.distribute.MirroredStrategy:
    """A MirroredStrategy over the GPUs, or else over ``cpu_replicas`` logical CPUs.

    Splitting the CPU into logical devices only works before TensorFlow has
    initialized its devices (before the first operation); if that has already
    happened, the strategy uses the devices that exist.
    """
    gpus = tf.config.list_logical_devices("GPU")
    if gpus:
        return tf.distribute.MirroredStrategy([device.name for device in gpus])
    cpu = tf.config.list_physical_devices("CPU")[0]
    with contextlib.suppress(
        RuntimeError
    ):  # devices already initialized: use what is there
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_replicas
        )
    return tf.distribute.MirroredStrategy(
        [d.name for d in tf.config.list_logical_devices("CPU")]
    )
