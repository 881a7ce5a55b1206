"""Shared test set-up: Hypothesis profiles and two logical CPU devices.

Hypothesis profiles, chosen with the ``HYPOTHESIS_PROFILE`` environment variable:

* ``ci`` (the nox default when ``CI`` is set): derandomized, so a CI run is
  reproducible; no deadline, because TensorFlow's first call of a function
  traces a graph and takes far longer than the next.
* ``dev`` (default): random examples, the example database on.
* ``thorough``: ten times the examples, for an occasional long run.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    """Split the CPU into two logical devices before TensorFlow initializes its devices."""
    from linfit._tensorflow import tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu,
        [
            tf.config.LogicalDeviceConfiguration(),
            tf.config.LogicalDeviceConfiguration(),
        ],
    )


SITE_MODULES = ("tests/test_docs.py", "tests/test_playground.py")

if importlib.util.find_spec("xdist") is not None:

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
        """Under ``--dist loadfile`` the modules that read the built site share a worker.

        ``nox -s tests`` runs with it; otherwise one worker would sit idle while
        another builds the site.
        (``--dist loadgroup`` would do this with markers, but pytest-xdist 3.8
        cannot rename test ids under pytest 9.2, so its groups are ignored.)
        """
        if config.getvalue("dist") != "loadfile":
            return None
        from xdist.scheduler import LoadFileScheduling

        class SiteModulesTogether(LoadFileScheduling):
            def _split_scope(self, nodeid: str) -> str:
                scope = super()._split_scope(nodeid)
                return "the built site" if scope in SITE_MODULES else scope

        return SiteModulesTogether(config, log)


@pytest.fixture
def canonical_data():
    """The original tutorials' data (``strategies.CANONICAL``): float32 ``(x, y)``."""
    from strategies import CANONICAL

    return CANONICAL.x, CANONICAL.y


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The docs site, built once per test run exactly as ``nox -s docs`` builds it.

    Under pytest-xdist every worker has this fixture, so the first to need it
    builds the site, under a lock in the folder the workers of one run share,
    and the others wait for it and reuse it (or its failure).
    """
    pytest.importorskip(
        "mkdocs", reason="docs dependencies are installed by the tests session"
    )
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # .../pytest-N/popen-gwK -> .../pytest-N
    target, outcome = shared / "site", shared / "site-build.json"
    with open(shared / "site-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome.exists():
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "build",
                    "--strict",
                    "--site-dir",
                    str(target),
                ],
                cwd=Path(__file__).resolve().parents[1],
                capture_output=True,
                text=True,
                timeout=900,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                check=False,
            )
            outcome.write_text(
                json.dumps(
                    {"status": result.returncode, "stderr": result.stderr[-4000:]}
                )
            )
    built = json.loads(outcome.read_text())
    assert built["status"] == 0, built["stderr"]
    return target
