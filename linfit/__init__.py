"""linfit: training ``y = W·x + b`` with TensorFlow 2, as a readable, tested reference.

The modules read in pipeline order: `linfit.data` makes points, `linfit.model`
holds the line, `linfit.loss` scores it, `linfit.step` improves it once,
`linfit.loop` repeats that into a `linfit.history.History` (the engines in
`linfit.engines` do the repeating), and `linfit.metrics` judges the result.
`linfit.reference` is the NumPy float64 oracle everything is checked against,
`linfit.bounds` says how close "agrees" must be, and `linfit.conformance`
holds ports in other languages to the same standard.

Importing `linfit` loads nothing: each name is imported on first use. So the
parts that need only NumPy (`reference`, `bounds`, `moments`, `history`,
`errors`, `conformance`) work without TensorFlow installed, and the command
line answers ``--help`` at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

DISTRIBUTION = "linfit-reference"
"""The name to install linfit under (``pip install linfit-reference``); the import
name is ``linfit``. (The distribution ``linfit`` on PyPI is an unrelated project.)"""

if TYPE_CHECKING:  # what the names below are, for type checkers and editors
    from linfit import (
        batching,
        bounds,
        checkpoint,
        classifier,
        conformance,
        engines,
        keras_model,
        moments,
        optimizers,
        plots,
        reference,
    )
    from linfit.batching import epoch_order
    from linfit.data import load_csv, synthesize
    from linfit.errors import (
        DataFileError,
        DivergenceError,
        InputTypeError,
        InputValueError,
        LinfitError,
        TrainingInterrupted,
    )
    from linfit.history import History
    from linfit.keras_model import KerasLinearModel, fit_keras
    from linfit.loop import train
    from linfit.loss import l2_gradient, l2_loss
    from linfit.metrics import (
        StreamingMAE,
        StreamingMSE,
        StreamingR2,
        mae,
        mse,
        parameter_error,
        r2,
    )
    from linfit.model import LinearModel
    from linfit.optimizers import train_functional, train_with_optimizer
    from linfit.reference import least_squares, stable_learning_rate
    from linfit.step import gradient_step, loss_and_gradients

__all__ = [
    "DISTRIBUTION",
    "DataFileError",
    "DivergenceError",
    "History",
    "InputTypeError",
    "InputValueError",
    "KerasLinearModel",
    "LinearModel",
    "LinfitError",
    "StreamingMAE",
    "StreamingMSE",
    "StreamingR2",
    "TrainingInterrupted",
    "__version__",
    "batching",
    "bounds",
    "checkpoint",
    "classifier",
    "conformance",
    "engines",
    "epoch_order",
    "fit_keras",
    "gradient_step",
    "keras_model",
    "l2_gradient",
    "l2_loss",
    "least_squares",
    "load_csv",
    "loss_and_gradients",
    "mae",
    "moments",
    "mse",
    "optimizers",
    "parameter_error",
    "plots",
    "r2",
    "reference",
    "stable_learning_rate",
    "synthesize",
    "train",
    "train_functional",
    "train_with_optimizer",
]

_MODULES = {
    "batching",
    "bench",
    "bounds",
    "checkpoint",
    "classifier",
    "cli",
    "conformance",
    "csvfile",
    "data",
    "distributed",
    "engines",
    "errors",
    "history",
    "keras_model",
    "loop",
    "loss",
    "metrics",
    "model",
    "moments",
    "multiworker",
    "optimizers",
    "plots",
    "recorder",
    "reference",
    "step",
    "validation",
}
_NAMES = {
    "DataFileError": "errors",
    "DivergenceError": "errors",
    "InputTypeError": "errors",
    "InputValueError": "errors",
    "LinfitError": "errors",
    "TrainingInterrupted": "errors",
    "History": "history",
    "epoch_order": "batching",
    "load_csv": "data",
    "synthesize": "data",
    "KerasLinearModel": "keras_model",
    "fit_keras": "keras_model",
    "train": "loop",
    "l2_gradient": "loss",
    "l2_loss": "loss",
    "StreamingMAE": "metrics",
    "StreamingMSE": "metrics",
    "StreamingR2": "metrics",
    "mae": "metrics",
    "mse": "metrics",
    "parameter_error": "metrics",
    "r2": "metrics",
    "LinearModel": "model",
    "train_functional": "optimizers",
    "train_with_optimizer": "optimizers",
    "least_squares": "reference",
    "stable_learning_rate": "reference",
    "gradient_step": "step",
    "loss_and_gradients": "step",
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"linfit.{name}")
    if name in _NAMES:
        value = getattr(importlib.import_module(f"linfit.{_NAMES[name]}"), name)
        globals()[name] = value  # later lookups skip this function
        return value
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'linfit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"
