"""MkDocs hooks: make docs/ importable for build-time code, and show the version.

The version comes from pyproject.toml, the single source of truth, so the
footer cannot disagree with the package.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).parent
ROOT = DOCS.parent


def on_config(config, **kwargs):  # noqa: ANN001, ANN003, ANN201, D103
    for path in (str(DOCS), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE).group(1)
    config["copyright"] = f"linfit {version} · Apache-2.0"
    config["extra"]["linfit_version"] = version
    return config
