"""What every engine is given: the model, the checked data and the settings.

[`linfit.train`][linfit.loop.train] checks its arguments once, with the checks of
[`linfit.validation`][], and packs them into a [`Problem`][linfit.engines.problem.Problem];
an engine never sees raw user input. The TensorFlow copies of the data are made on
first use, so an engine that works on NumPy arrays (the moments engine) does not pay
for them.

Reading the starting point and writing the final state go through
[`read_scalar`][linfit.engines.problem.read_scalar] and
[`write_scalar`][linfit.engines.problem.write_scalar]: ``float(variable)`` and
``variable.assign(value)`` wrap one TensorFlow operation each in Python machinery
(tape recording, conversion, strategy dispatch) that costs more than the operation,
some 0.3 ms per run, most of a short run on the moments engine. A plain
``tf.Variable`` is read and written with the two raw operations; any other variable
(a ``MirroredVariable`` made in a strategy's scope, say) through its public methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.data import shuffled_batches
from linfit.errors import InputTypeError
from linfit.model import LinearModel, check_model
from linfit.moments import Moments, moments
from linfit.reference import batch_slices
from linfit.validation import (
    as_data,
    check_all_finite,
    check_batch_size,
    check_epochs,
    check_learning_rate,
    check_shuffle_seed,
)

__all__ = [
    "Problem",
    "check_strategy",
    "check_training_data",
    "read_scalar",
    "write_scalar",
]


@dataclass
class Problem:
    """One training run, already checked.

    Attributes:
        model: The model to train, or ``None`` for a trainer that keeps its
            parameters elsewhere (the Keras and functional variants).
        start: ``(w, b)`` before training: where training starts.
        x: Inputs, float32, shape ``(N,)``, finite; empty (shape ``(0,)``) for
            data streamed from a file ([`linfit.files.streaming`][]), which only
            the moments stand for.
        y: Targets, float32, shape ``(N,)``, finite; empty likewise.
        moments: The data's [`Moments`][linfit.moments.Moments].
        epochs: Number of epochs, ``>= 0``.
        learning_rate: Step size, ``> 0`` (engines use its float32 rounding).
        batch_size: Points per step, ``1 <= batch_size <= N``.
        shuffle_seed: ``None`` for batches in data order, else the seed of
            each epoch's permutation (see [`linfit.data.epoch_order`][]).
        first_epoch: Number of this run's first epoch in a longer run (picks
            the shuffle order when a run is resumed).
        strategy: A ``tf.distribute`` strategy, or ``None`` for one device.
    """

    model: LinearModel | None
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

    @classmethod
    def checked(
        cls,
        model: object,
        x: object,
        y: object,
        *,
        epochs: object,
        learning_rate: object,
        batch_size: object = None,
        shuffle_seed: object = None,
        first_epoch: object = 0,
        strategy: object = None,
    ) -> Problem:
        """Check [`train`][linfit.loop.train]'s arguments and pack them.

        Raises:
            InputTypeError: If an argument has the wrong type.
            InputValueError: If an argument has a value that cannot be used.
        """
        trained = check_model(model)
        x_data, y_data, data_moments = check_training_data(x, y)
        return cls(
            model=trained,
            start=(read_scalar(trained.w), read_scalar(trained.b)),
            x=x_data,
            y=y_data,
            moments=data_moments,
            epochs=check_epochs(epochs),
            learning_rate=check_learning_rate(learning_rate),
            batch_size=check_batch_size(batch_size, len(x_data)),
            shuffle_seed=check_shuffle_seed(shuffle_seed),
            first_epoch=check_epochs(first_epoch, "first_epoch"),
            strategy=check_strategy(strategy),
        )

    @property
    def n(self) -> int:
        """Number of data points (``x`` and ``y`` are empty when they were streamed)."""
        return self.moments.n

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
        """The ``(x_batch, y_batch)`` tensors of ``epoch`` (0-based within this run)."""
        if self.shuffle_seed is None:
            return self._data_order_batches
        x, y = self.tensors
        shuffled = shuffled_batches(
            x, y, self.batch_size, self.shuffle_seed, self.first_epoch + epoch
        )
        return [(x_batch, y_batch) for x_batch, y_batch, _ in shuffled]


@cache
def _plain() -> Any:
    """The class of a plain ``tf.Variable``.

    It is found on first use: making a variable initializes TensorFlow's devices,
    which importing linfit must not do.
    """
    return type(tf.Variable(0.0))


def read_scalar(variable: Any) -> float:
    """The value of a float32 scalar variable, as a Python float."""
    if type(variable) is _plain():
        return float(
            tf.raw_ops.ReadVariableOp(resource=variable.handle, dtype=tf.float32)
        )
    return float(variable.read_value().numpy())


def write_scalar(variable: Any, value: float) -> None:
    """``variable.assign(value)`` for a float32 scalar variable."""
    if type(variable) is _plain():
        tf.raw_ops.AssignVariableOp(
            resource=variable.handle, value=tf.constant(value, dtype=tf.float32)
        )
    else:
        variable.assign(value, read_value=False)


def check_strategy(strategy: Any) -> tf.distribute.Strategy | None:
    """Return ``strategy`` if it is ``None`` or a ``tf.distribute.Strategy``.

    Raises:
        InputTypeError: Otherwise.
    """
    if strategy is None:
        return None
    if not isinstance(strategy, tf.distribute.Strategy):
        raise InputTypeError(
            "strategy must be a tf.distribute.Strategy or None, got "
            f"{type(strategy).__name__}"
        )
    return strategy


def check_training_data(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray, Moments]:
    """Convert and check ``x`` and ``y`` for training, and compute their moments.

    The moments ([`linfit.moments`][]) are finite exactly when every value is,
    so one pass over the data both computes them and proves it finite; only when
    it is not does a second pass find the first bad value to name.

    Returns:
        ``(x, y, moments)``: float32 ``(N,)`` arrays and their moments.
    """
    x_data, y_data = as_data(x, y, check_finite=False)
    result = moments(x_data, y_data)
    if not result.finite:
        check_all_finite(x_data, "x", x)
        check_all_finite(y_data, "y", y)
    return x_data, y_data, result
