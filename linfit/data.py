"""Training data: points around a known line, and the order an epoch visits them in.

The original tutorials' experiment draws ``x`` from a standard normal distribution and sets
``y = true_w * x + true_b + noise``. Knowing the true line lets us say how far
training got. Randomness comes from TensorFlow's *stateless* random ops: the
numbers are a pure function of ``(shape, seed)``, so a fixed seed gives
bit-identical data in every process, with no global state to reset.

**Shuffled minibatches.** The usual ``tf.data`` pipeline is
``Dataset.from_tensor_slices((x, y)).shuffle(n, seed).batch(B)``. linfit does
not use ``.shuffle`` for training, for a reason worth knowing: its permutation
depends on TensorFlow's *global* seed as well as on the seed passed to it, and
``keras.utils.set_random_seed`` (or ``tf.random.set_seed``) anywhere in the
process changes the global seed, so the same ``seed=`` yields a different
order. Each epoch's permutation is instead drawn with a stateless op, a pure
function of ``(shuffle_seed, epoch)``: sort ``n`` random 64-bit integers from
``tf.random.stateless_uniform(seed=[shuffle_seed, epoch])`` and take the ranks.
The data is then gathered in that order and batched with ``tf.data``, each
element carrying its index.

Because the permutation comes from TensorFlow's Philox generator, which other
frameworks do not reimplement, linfit *exports* it:
[`epoch_order`][linfit.data.epoch_order] returns every epoch's order, and a port
(or the NumPy reference, via ``order=``) replays the same batches. A run resumed
at epoch ``e`` sees the batches an uninterrupted run would have seen.

Reading points from a file is [`linfit.files.csvfile`][]'s job.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from linfit._tensorflow import tf
from linfit.errors import InputValueError
from linfit.loss import as_tensors
from linfit.validation import (
    check_batch_size,
    check_epochs,
    check_finite_scalar,
    check_integer,
    check_seed,
)

__all__ = ["MAX_POINTS", "epoch_order", "permutation", "shuffled_batches", "synthesize"]

Inputs = Literal["normal", "linspace"]

MAX_POINTS = 2**31 - 1
"""The most points [`synthesize`][linfit.data.synthesize] draws (random ops index with int32)."""


def synthesize(
    n: int = 1000,
    true_w: float = 3.0,
    true_b: float = 2.0,
    noise: float = 1.0,
    inputs: Inputs = "normal",
    seed: int = 0,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Draw ``n`` points around the line ``y = true_w * x + true_b``.

    Args:
        n: Number of points, at least 1.
        true_w: Slope of the line the data scatter around.
        true_b: Intercept of that line.
        noise: Standard deviation of the Gaussian noise added to ``y``
            (``0`` gives points exactly on the line, up to float32 rounding).
        inputs: ``"normal"`` draws ``x`` from N(0, 1); ``"linspace"`` takes
            ``n`` evenly spaced points from -2 to 2 inclusive.
        seed: Seed of the stateless random ops; the same seed gives the same
            bits on every run.

    Returns:
        ``(x, y)``: two float32 tensors of shape ``(n,)``.

    Raises:
        InputValueError: For ``n < 1``, a negative or non-finite ``noise``, or
            an unknown ``inputs``.

    Examples:
        >>> x, y = synthesize(n=4, noise=0.0, inputs="linspace")
        >>> x.numpy().tolist()
        [-2.0, -0.6666666269302368, 0.6666667461395264, 2.0]
    """
    n = check_integer(n, "n", 1, MAX_POINTS)
    seed = check_seed(seed)
    true_w = check_finite_scalar(true_w, "true_w")
    true_b = check_finite_scalar(true_b, "true_b")
    noise = check_finite_scalar(noise, "noise")
    if noise < 0:
        raise InputValueError(
            f"noise is a standard deviation and must be >= 0, got {noise}"
        )
    # Two independent streams: one for x, one for the noise.
    x_seed = tf.constant([seed, 0], dtype=tf.int64)
    noise_seed = tf.constant([seed, 1], dtype=tf.int64)
    if inputs == "normal":
        x = tf.random.stateless_normal([n], seed=x_seed, dtype=tf.float32)
    elif inputs == "linspace":
        x = tf.cast(tf.linspace(-2.0, 2.0, n), tf.float32)
    else:
        raise InputValueError(f"inputs must be 'normal' or 'linspace', got {inputs!r}")
    epsilon = tf.random.stateless_normal([n], seed=noise_seed, dtype=tf.float32)
    y = x * true_w + true_b + noise * epsilon
    if not bool(tf.reduce_all(tf.math.is_finite(y))):
        raise InputValueError(
            f"y = {true_w:g}·x + {true_b:g} + {noise:g}·noise overflows float32 "
            "(±3.4e38); choose a smaller slope, intercept or noise"
        )
    return x, y


def permutation(n: int, shuffle_seed: int, epoch: int) -> tf.Tensor:
    """The visiting order of ``epoch``: an int64 permutation of ``range(n)``.

    Raises:
        InputTypeError, InputValueError: For arguments ``train`` would refuse.
    """
    n = check_integer(n, "n", 1, MAX_POINTS)
    shuffle_seed = check_seed(shuffle_seed, "shuffle_seed")
    epoch = check_epochs(epoch, "epoch")
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


def shuffled_batches(
    x: tf.Tensor, y: tf.Tensor, batch_size: int, shuffle_seed: int, epoch: int
) -> list[tuple[tf.Tensor, tf.Tensor, np.ndarray]]:
    """The batches of one epoch: ``[(x_batch, y_batch, indices), ...]``.

    Args:
        x: Inputs, float32, shape ``(N,)``.
        y: Targets, float32, shape ``(N,)``.
        batch_size: Points per batch (the last batch may be shorter).
        shuffle_seed: The run's shuffle seed.
        epoch: 0-based epoch number.

    Raises:
        InputTypeError, InputValueError: For arguments ``train`` would refuse.
    """
    x, y = as_tensors(x, y)
    batch_size = check_batch_size(batch_size, int(x.shape[0]))
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
    n = check_integer(n, "n", 1, MAX_POINTS)
    shuffle_seed = check_seed(shuffle_seed, "shuffle_seed")
    epochs = check_epochs(epochs)
    rows = [permutation(n, shuffle_seed, epoch).numpy() for epoch in range(epochs)]
    return np.stack(rows).astype(np.int64) if rows else np.zeros((0, n), dtype=np.int64)
