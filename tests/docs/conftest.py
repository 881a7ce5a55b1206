"""The docs tests' fixture: the built site, as a reader receives it.

``nox -s docs`` builds the site strictly into ``site/`` and then runs these tests
against it (``LINFIT_SITE=site``). Run on their own (``pytest tests/docs``), they
build the site first, exactly as ``nox -s docs`` does, into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built site: ``$LINFIT_SITE`` if set, else a strict build made now."""
    given = os.environ.get("LINFIT_SITE")
    if given:
        path = (ROOT / given).resolve()
        assert (path / "index.html").is_file(), f"LINFIT_SITE={given}: no site there"
        return path
    pytest.importorskip(
        "mkdocs", reason="the docs dependencies are installed by nox -s docs"
    )
    target = tmp_path_factory.mktemp("site")
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
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return target
