"""What every engine is given: the model, the checked data and the settings.

[`linfit.train`][linfit.loop.train] checks its arguments once and packs them into a
[`Problem`][linfit.engines.problem.Problem]; an engine never sees raw user input. The TensorFlow
copies of the data are made on first use, so an engine that works on NumPy arrays (the moments
engine) does not pay for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.batching import epoch_batches
from linfit.model import LinearModel
from linfit.moments import Moments
from linfit.reference import batch_slices

__all__ = ["Problem"]


@dataclass
class Problem:
    """One training run, already validated.

    Attributes:
        model: The model to train.
        start: Its ``(w, b)`` before training: where training starts.
        x: Inputs, float32, shape ``(N,)``, finite.
        y: Targets, float32, shape ``(N,)``, finite.
        moments: The data's [`Moments`][linfit.moments.Moments] (computed while
            checking the data).
        epochs: Number of epochs, ``>= 0``.
        learning_rate: Step size, ``> 0`` (engines use its float32 rounding).
        batch_size: Points per step, ``1 <= batch_size <= N``.
        shuffle_seed: ``None`` for batches in data order, else the seed of
            each epoch's permutation (see [`linfit.batching`][]).
        first_epoch: Number of this run's first epoch in a longer run (picks
            the shuffle order when a run is resumed).
        strategy: A ``tf.distribute`` strategy, or ``None`` for one device.
    """

    model: LinearModel
    start: tuple[float, float]
    x: np.ndarray
    y: np.ndarray
    moments: Moments
    epochs: int
    learning_rate: float
    batch_size: int
    shuffle_seed: int | None = None
    first_epoch: int = 0
    strategy: Any = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of data points."""
        return len(self.x)

    @property
    def full_batch(self) -> bool:
        """Whether one epoch is one step on all the data."""
        return self.batch_size == self.n and self.shuffle_seed is None

    @cached_property
    def tensors(self) -> tuple[tf.Tensor, tf.Tensor]:
        """``(x, y)`` as float32 tensors (made on first use)."""
        return tf.constant(self.x), tf.constant(self.y)

    @cached_property
    def rate(self) -> tf.Tensor:
        """The learning rate as a float32 scalar tensor."""
        return tf.constant(self.learning_rate, dtype=tf.float32)

    @cached_property
    def _data_order_batches(self) -> list[tuple[tf.Tensor, tf.Tensor]]:
        x, y = self.tensors
        return [(x[piece], y[piece]) for piece in batch_slices(self.n, self.batch_size)]

    def batches(self, epoch: int) -> list[tuple[tf.Tensor, tf.Tensor]]:
        """The ``(x_batch, y_batch)`` tensors of ``epoch`` (0-based within this run), in order."""
        if self.shuffle_seed is None:
            return self._data_order_batches
        x, y = self.tensors
        shuffled = epoch_batches(
            x, y, self.batch_size, self.shuffle_seed, self.first_epoch + epoch
        )
        return [(x_batch, y_batch) for x_batch, y_batch, _ in shuffled]
