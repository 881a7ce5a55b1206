"""Property 5: the same training on different devices agrees.

Two logical CPU devices (configured in conftest) run the same kernels, so
they agree bit for bit. A GPU uses other kernels and summation orders; it must
agree with the CPU within the propagated rounding bound, and that test skips
with a reason on machines without a GPU (the CPU half of the property above
still runs there).
"""

from __future__ import annotations

import numpy as np
import pytest

import linfit
from linfit import bounds
from linfit._tensorflow import tf


def train_on(device: str, batch_size: int | None = None) -> linfit.History:
    x, y = linfit.synthesize(n=2000, seed=21)
    with tf.device(device):
        model = linfit.LinearModel()
        return linfit.train(
            model,
            x,
            y,
            epochs=10,
            learning_rate=0.1,
            batch_size=batch_size,
            mode="function",
        )


def test_two_logical_cpus_are_configured() -> None:
    assert len(tf.config.list_logical_devices("CPU")) == 2


@pytest.mark.parametrize("batch_size", [None, 500])
def test_two_cpu_devices_agree_bit_for_bit(batch_size: int | None) -> None:
    assert train_on("/CPU:0", batch_size).equals(train_on("/CPU:1", batch_size))


@pytest.mark.gpu
@pytest.mark.skipif(
    not tf.config.list_physical_devices("GPU"),
    reason="no GPU visible to TensorFlow; the CPU-device agreement tests cover this machine",
)
def test_gpu_agrees_with_cpu_within_trajectory_bound() -> None:
    cpu, gpu = train_on("/CPU:0"), train_on("/GPU:0")
    x, y = (t.numpy() for t in linfit.synthesize(n=2000, seed=21))
    # Each run is within the bound of the exact trajectory, so within twice it of each other.
    allowed = 2 * bounds.trajectory_error_bound(x, y, epochs=10, learning_rate=0.1)
    assert np.all(np.hypot(cpu.w - gpu.w, cpu.b - gpu.b) <= allowed)
