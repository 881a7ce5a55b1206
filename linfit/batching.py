"""Shuffled minibatches with ``tf.data``, in an order a port can reproduce.

The usual pipeline is ``Dataset.from_tensor_slices((x, y)).shuffle(n, seed).batch(B)``.
linfit does not use ``.shuffle`` for training, for a reason worth knowing:
its permutation depends on TensorFlow's *global* seed as well as on the seed
passed to it, and ``keras.utils.set_random_seed`` (or ``tf.random.set_seed``)
anywhere in the process changes the global seed. The same ``seed=`` then
yields a different order — the test suite caught exactly that. So each epoch's
permutation is drawn with a *stateless* op, a pure function of
``(shuffle_seed, epoch)``: sort ``n`` random 64-bit integers from
``tf.random.stateless_uniform(seed=[shuffle_seed, epoch])`` and take the
ranks. The data is then gathered in that order and batched with ``tf.data``,
each element carrying its index.

Because the permutation comes from TensorFlow's Philox generator, which other
frameworks do not reimplement, linfit *exports* it: [`epoch_order`][linfit.batching.epoch_order]
returns every epoch's order, and a port (or the NumPy reference, via
``order=``) replays the same batches. A run resumed at epoch ``e`` sees the
batches an uninterrupted run would have seen.
"""

from __future__ import annotations

import numpy as np

from linfit._tensorflow import tf
from linfit.data import MAX_POINTS
from linfit.validation import _check_integer, check_epochs, check_seed

__all__ = ["epoch_batches", "epoch_order", "permutation"]


def permutation(n: int, shuffle_seed: int, epoch: int) -> tf.Tensor:
    """The visiting order of ``epoch``: an int64 permutation of ``range(n)``."""
    keys = tf.random.stateless_uniform(
        [n],
        seed=[int(shuffle_seed), int(epoch)],
        minval=None,
        maxval=None,
        dtype=tf.int64,
    )
    return tf.argsort(keys, stable=True)


def _dataset(
    x: tf.Tensor, y: tf.Tensor, batch_size: int, shuffle_seed: int, epoch: int
) -> tf.data.Dataset:
    order = tf.cast(permutation(int(x.shape[0]), shuffle_seed, epoch), tf.int64)
    return tf.data.Dataset.from_tensor_slices(
        (tf.gather(x, order), tf.gather(y, order), order)
    ).batch(batch_size)


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

    Raises:
        InputTypeError: If an argument is not an integer.
        InputValueError: If ``n`` is below 1, or ``shuffle_seed`` or ``epochs``
            is out of the range [`train`][linfit.loop.train] accepts.
    """
    n = _check_integer(n, "n", 1, MAX_POINTS)
    shuffle_seed = check_seed(shuffle_seed, "shuffle_seed")
    epochs = check_epochs(epochs)
    rows = [permutation(n, shuffle_seed, epoch).numpy() for epoch in range(epochs)]
    return np.stack(rows).astype(np.int64) if rows else np.zeros((0, n), dtype=np.int64)
