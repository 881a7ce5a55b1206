"""Shuffled minibatches with ``tf.data``, in an order a port can reproduce.

``tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n, seed).batch(B)`` is
the idiomatic input pipeline, but its permutation comes from TensorFlow's
internal random generator, which no other framework reimplements. linfit
therefore *exports* the order: each element carries its index through the
pipeline, so the indices of every batch are known, and
:func:`epoch_order` returns them without training. A port (or the NumPy
reference, via ``order=``) replays the same batches from that list.

The order of epoch ``e`` depends only on ``(n, shuffle_seed, e)``: the
shuffle is seeded with ``shuffle_seed * 1_000_003 + e`` and a buffer as large
as the data (a uniform permutation), not reshuffled between iterations. So a
run that stops after epoch 4 and resumes at epoch 5 sees the same batches as
an uninterrupted one.
"""

from __future__ import annotations

import numpy as np

from linfit._tensorflow import tf

__all__ = ["epoch_batches", "epoch_order", "epoch_seed"]

SEED_STRIDE = 1_000_003


def epoch_seed(shuffle_seed: int, epoch: int) -> int:
    """The ``tf.data`` shuffle seed used for ``epoch``."""
    return int(shuffle_seed) * SEED_STRIDE + int(epoch)


def _dataset(
    x: tf.Tensor, y: tf.Tensor, batch_size: int, shuffle_seed: int, epoch: int
) -> tf.data.Dataset:
    n = int(x.shape[0])
    index = tf.range(n, dtype=tf.int64)
    return (
        tf.data.Dataset.from_tensor_slices((x, y, index))
        .shuffle(n, seed=epoch_seed(shuffle_seed, epoch), reshuffle_each_iteration=False)
        .batch(batch_size)
    )


def epoch_batches(
    x: tf.Tensor, y: tf.Tensor, batch_size: int, shuffle_seed: int, epoch: int
) -> list[tuple[tf.Tensor, tf.Tensor, np.ndarray]]:
    """The batches of one epoch: ``[(x_batch, y_batch, indices), ...]``.

    Args:
        x: Inputs, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``.
        batch_size: Points per batch (the last batch may be shorter).
        shuffle_seed: The run's shuffle seed.
        epoch: 0-based epoch number.
    """
    return [
        (x_batch, y_batch, index.numpy())
        for x_batch, y_batch, index in _dataset(x, y, batch_size, shuffle_seed, epoch)
    ]


def epoch_order(n: int, shuffle_seed: int, epochs: int) -> np.ndarray:
    """The visiting order of every epoch, as an ``int64`` array of shape ``(epochs, n)``.

    Batch ``j`` of epoch ``e`` is ``order[e, j*B:(j+1)*B]`` for any batch size
    ``B``: batching cuts the shuffled sequence into consecutive pieces.
    """
    zeros = tf.zeros([n], dtype=tf.float32)
    return (
        np.stack(
            [
                np.concatenate(
                    [index for _, _, index in epoch_batches(zeros, zeros, n, shuffle_seed, e)]
                )
                for e in range(epochs)
            ]
        )
        if epochs
        else np.zeros((0, n), dtype=np.int64)
    )
