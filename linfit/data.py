"""Training data: synthesized from a known line, or read from a CSV file.

The original tutorials' experiment draws ``x`` from a standard normal distribution and sets
``y = true_w * x + true_b + noise``. Knowing the true line lets us say how far
training got. Randomness comes from TensorFlow's *stateless* random ops: the
numbers are a pure function of ``(shape, seed)``, so a fixed seed gives
bit-identical data in every process, with no global state to reset.
"""

from __future__ import annotations

import os
from typing import Literal

import numpy as np

from linfit._tensorflow import tf
from linfit.csvfile import read_csv
from linfit.errors import InputValueError
from linfit.validation import check_finite_scalar, check_seed

__all__ = ["load_csv", "synthesize"]

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
    if (
        isinstance(n, bool)
        or not isinstance(n, (int, np.integer))
        or not 1 <= n <= MAX_POINTS
    ):
        raise InputValueError(
            f"n must be an integer from 1 to {MAX_POINTS:,}, got {n!r}"
        )
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


def load_csv(path: str | os.PathLike[str]) -> tuple[tf.Tensor, tf.Tensor]:
    """Read a two-column ``x,y`` CSV file into two float32 tensors.

    The format and every check are those of [`linfit.csvfile.read_csv`][].

    Args:
        path: Path of the file (a pipe works too).

    Returns:
        ``(x, y)``: two float32 tensors of shape ``(N,)``, ``N >= 2``.

    Raises:
        DataFileError: If the file cannot be used; the message names the file
            and the line.
    """
    x, y = read_csv(path)
    return tf.constant(x), tf.constant(y)
