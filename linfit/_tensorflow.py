"""Import TensorFlow once, with an error message that says how to get it.

Every module of linfit that needs TensorFlow imports it from here, so a
missing installation fails in one place with one clear message instead of a
``ModuleNotFoundError`` deep inside some other module.

TensorFlow's C++ core also prints INFO lines on import (oneDNN, CPU features,
a note about absl logging) straight to file descriptor 2, before its own
``TF_CPP_MIN_LOG_LEVEL`` setting takes effect. For a tutorial and for a
command-line tool whose stderr is reserved for one-line error messages they
are noise, so unless you set ``TF_CPP_MIN_LOG_LEVEL`` yourself to 0, linfit
captures stderr during the import and passes on every line except those INFO
lines. Warnings and errors still get through.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_NOISE = re.compile(r"^(I\d{4} |WARNING: All log messages before absl::InitializeLog)")


def _import_quietly() -> None:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", "replace").splitlines(keepends=True)
            kept = "".join(line for line in lines if not _NOISE.match(line))
            # Continuation lines of a filtered INFO message start with "To enable".
            kept = "".join(
                line
                for line in kept.splitlines(keepends=True)
                if not line.startswith("To enable")
            )
            if kept:
                sys.stderr.write(kept)


from linfit._imports import quiet_matplotlib_config  # noqa: E402

quiet_matplotlib_config()  # TensorFlow imports Keras, which imports matplotlib

try:
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") != "0":
        _import_quietly()
    import tensorflow as tf
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "this part of linfit needs TensorFlow, which is installed through an extra: "
        "`pip install 'linfit-reference[cpu]'` for the CPU build, or "
        "`pip install 'linfit-reference[and-cuda]'` for NVIDIA GPUs"
    ) from error

__all__ = ["tf"]
