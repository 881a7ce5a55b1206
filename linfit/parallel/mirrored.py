"""Helpers for data parallelism with ``tf.distribute`` on one machine.

The ``"distributed"`` engine ([`linfit.engines.distributed`][]) does the work:
[`linfit.train`][linfit.loop.train] with ``strategy=`` splits every batch over
the strategy's replicas and sums their losses and gradients, scaled by the
global batch size. This module makes a strategy to try it with
([`mirrored_strategy`][linfit.parallel.mirrored.mirrored_strategy]), and shows
the reduction that gets unequal shards wrong
([`mean_of_replica_means`][linfit.parallel.mirrored.mean_of_replica_means]).
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.engines.distributed import shards

__all__ = ["mean_of_replica_means", "mirrored_strategy"]


def mean_of_replica_means(
    x: np.ndarray, y: np.ndarray, w: float, b: float, replicas: int
) -> Any:
    """The *wrong* reduction, for comparison: average each shard's own mean gradient.

    Equal to the full-batch gradient only when all shards have the same size.
    Returns ``(dL/dw, dL/db)`` in float64.

    Raises:
        InputTypeError, InputValueError: For arguments ``train`` would refuse, or a
            number of replicas outside ``1 .. len(x)``.
    """
    from linfit.validation import as_data, check_float32_scalar, check_integer

    x64, y64 = as_data(x, y, dtype=np.float64)
    w, b = check_float32_scalar(w, "w"), check_float32_scalar(b, "b")
    replicas = check_integer(replicas, "replicas", 1, len(x64))
    parts = []
    for piece in shards(len(x64), replicas):
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
