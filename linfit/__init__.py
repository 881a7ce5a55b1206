"""linfit: training ``y = W·x + b`` with TensorFlow 2, as a readable, tested reference.

The modules read in pipeline order: :mod:`~linfit.data` makes points,
:mod:`~linfit.model` holds the line, :mod:`~linfit.loss` scores it,
:mod:`~linfit.step` improves it once, :mod:`~linfit.loop` repeats that into a
:class:`~linfit.history.History`, and :mod:`~linfit.metrics` judges the result.
:mod:`~linfit.reference` is the NumPy float64 oracle everything is checked
against and :mod:`~linfit.bounds` says how close "agrees" must be.
:mod:`~linfit.plots` draws the figures (it imports matplotlib on first use).
"""

from __future__ import annotations

from importlib import metadata as _metadata
from typing import Any

from linfit import bounds, checkpoint, moments, reference
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
from linfit.reference import least_squares, stable_learning_rate
from linfit.step import gradient_step, loss_and_gradients

try:
    __version__ = _metadata.version("linfit")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
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


_LAZY_MODULES = {"plots", "keras_model", "optimizers", "classifier", "batching", "engines"}
_LAZY_NAMES = {
    "KerasLinearModel": "linfit.keras_model",
    "fit_keras": "linfit.keras_model",
    "train_functional": "linfit.optimizers",
    "train_with_optimizer": "linfit.optimizers",
    "epoch_order": "linfit.batching",
}


def __getattr__(name: str) -> Any:
    # Modules that need matplotlib or Keras are loaded on first use, so that
    # `import linfit` stays light and builds nothing it does not need.
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"linfit.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    raise AttributeError(f"module 'linfit' has no attribute {name!r}")
