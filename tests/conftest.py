"""Shared test set-up: Hypothesis profiles and two logical CPU devices.

Hypothesis profiles, chosen with the ``HYPOTHESIS_PROFILE`` environment variable:

* ``ci`` (the nox default when ``CI`` is set): derandomized, so a CI run is
  reproducible; no deadline, because TensorFlow's first call of a function
  traces a graph and takes far longer than the next.
* ``dev`` (default): random examples, the example database on.
* ``thorough``: ten times the examples, for an occasional long run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config: pytest.Config) -> None:
    """Split the CPU into two logical devices before TensorFlow initializes its devices.

    Not in pytest-xdist's controller, which runs no test: importing TensorFlow
    there would only delay starting the workers by seconds.
    """
    if getattr(config.option, "numprocesses", None) and not hasattr(
        config, "workerinput"
    ):
        return
    from linfit._tensorflow import tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu,
        [
            tf.config.LogicalDeviceConfiguration(),
            tf.config.LogicalDeviceConfiguration(),
        ],
    )


@pytest.fixture
def canonical_data():
    """The original tutorials' data (``strategies.CANONICAL``): float32 ``(x, y)``."""
    from strategies import CANONICAL

    return CANONICAL.x, CANONICAL.y
