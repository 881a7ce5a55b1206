"""Packaging facts: the public API, import-time behaviour, the missing-TensorFlow message."""

from __future__ import annotations

import subprocess
import sys

import linfit

PUBLIC = [
    "synthesize",
    "load_csv",
    "LinearModel",
    "l2_loss",
    "l2_gradient",
    "loss_and_gradients",
    "gradient_step",
    "train",
    "History",
    "mse",
    "mae",
    "r2",
    "parameter_error",
    "StreamingMSE",
    "StreamingMAE",
    "StreamingR2",
    "reference",
    "bounds",
    "least_squares",
    "stable_learning_rate",
    "LinfitError",
    "InputValueError",
    "InputTypeError",
    "DataFileError",
]


def test_public_names_are_exported() -> None:
    missing = [name for name in PUBLIC if not hasattr(linfit, name)]
    assert missing == []
    assert set(PUBLIC) <= set(linfit.__all__)


def test_errors_are_also_builtin_exceptions() -> None:
    assert issubclass(linfit.InputValueError, ValueError)
    assert issubclass(linfit.InputTypeError, TypeError)
    assert issubclass(linfit.DataFileError, linfit.LinfitError)


def test_linfit_does_not_need_matplotlib_and_import_prints_nothing() -> None:
    """linfit imports matplotlib only inside `linfit.plots`.

    TensorFlow 2.21 itself eagerly imports Keras, which loads matplotlib when it
    is installed, so "absent from sys.modules" cannot be asserted. What linfit
    controls is checked instead: with matplotlib made unimportable, importing
    linfit and training still work, and only the plots fail, with ImportError.
    """
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "import linfit\n"
        "x, y = linfit.synthesize(n=10)\n"
        "linfit.train(linfit.LinearModel(), x, y, epochs=1, learning_rate=0.1)\n"
        "try:\n"
        "    linfit.plots.plot_loss\n"
        "    linfit.plots.plot_loss(None)\n"
        "except ImportError:\n"
        "    print('plots need matplotlib')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout == "plots need matplotlib\n"
    assert result.stderr == ""


def test_import_without_tensorflow_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['tensorflow'] = None  # makes `import tensorflow` fail\n"
        "try:\n"
        "    import linfit\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "linfit[cpu]" in result.stdout and "linfit[and-cuda]" in result.stdout
