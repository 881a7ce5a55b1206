"""Every public function refuses bad input by name, as ``train`` does.

Each function is called with arguments that work, then with one argument at a time
replaced by something hostile (``None``, a string, an empty list, NaN, infinity,
a date, an array of strings, a value of the wrong size). The call must either work
and return no NaN, or raise a ``LinfitError`` (which is also the matching
``ValueError`` or ``TypeError``): never another exception from deep inside NumPy
or TensorFlow, never a silent NaN.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import port_numpy
import pytest

import linfit
from linfit import bounds, moments, reference
from linfit._tensorflow import tf
from linfit.conformance import checker
from linfit.data import permutation, shuffled_batches
from linfit.history import format_row
from linfit.parallel import mirrored
from linfit.variants import classifier

X = np.float32([0.0, 1.0, 2.0, 3.0])
Y = np.float32([1.0, 3.0, 5.0, 8.0])
TX, TY = tf.constant(X), tf.constant(Y)

HOSTILE = {
    "None": None,
    "text": "abc",
    "empty": [],
    "nan": float("nan"),
    "inf": float("inf"),
    "huge": 1e300,
    "negative": -3,
    "strings": ["a", "b", "c", "d"],
    "nan-array": np.float32([0.0, np.nan, 1.0, 2.0]),
    "dates": np.array(["2020-01-01"] * 4, dtype="datetime64[D]"),
    "short": np.float32([1.0, 2.0]),
    "matrix": np.ones((4, 4), np.float32),
    "bool": True,
}


def model() -> linfit.LinearModel:
    return linfit.LinearModel(2.0, 1.0)


CALLS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "synthesize": (linfit.synthesize, {"n": 5, "true_w": 1.0, "noise": 0.5, "seed": 1}),
    "epoch_order": (linfit.epoch_order, {"n": 4, "shuffle_seed": 1, "epochs": 2}),
    "permutation": (permutation, {"n": 4, "shuffle_seed": 1, "epoch": 0}),
    "shuffled_batches": (
        shuffled_batches,
        {"x": TX, "y": TY, "batch_size": 2, "shuffle_seed": 1, "epoch": 0},
    ),
    "train": (
        linfit.train,
        {"model": None, "x": X, "y": Y, "epochs": 2, "learning_rate": 0.05},
    ),
    "train_streaming": (  # the source: pieces of (x, y); a path is test_streaming's
        linfit.train_streaming,
        {
            "model": None,
            "source": [(X[:2], Y[:2]), (X[2:], Y[2:])],
            "epochs": 2,
            "learning_rate": 0.05,
        },
    ),
    "l2_loss": (linfit.l2_loss, {"y_pred": TX, "y": TY}),
    "l2_gradient": (linfit.l2_gradient, {"w": 1.0, "b": 0.0, "x": TX, "y": TY}),
    "loss_and_gradients": (
        linfit.loss_and_gradients,
        {"model": None, "x": TX, "y": TY},
    ),
    "gradient_step": (
        linfit.gradient_step,
        {"model": None, "x": TX, "y": TY, "learning_rate": 0.05},
    ),
    "mse": (linfit.mse, {"y_true": Y, "y_pred": X}),
    "mae": (linfit.mae, {"y_true": Y, "y_pred": X}),
    "r2": (linfit.r2, {"y_true": Y, "y_pred": X}),
    "parameter_error": (
        linfit.parameter_error,
        {"w": 1.0, "b": 2.0, "true_w": 1.5, "true_b": 2.5},
    ),
    "least_squares": (linfit.least_squares, {"x": X, "y": Y}),
    "stable_learning_rate": (linfit.stable_learning_rate, {"x": X}),
    "hessian": (reference.hessian, {"x": X}),
    "reference.loss": (reference.loss, {"w": 1.0, "b": 0.0, "x": X, "y": Y}),
    "reference.gradient": (reference.gradient, {"w": 1.0, "b": 0.0, "x": X, "y": Y}),
    "reference.step": (
        reference.step,
        {"w": 1.0, "b": 0.0, "x": X, "y": Y, "learning_rate": 0.05},
    ),
    "reference.train": (
        reference.train,
        {"x": X, "y": Y, "epochs": 2, "learning_rate": 0.05, "batch_size": 2},
    ),
    "batch_slices": (reference.batch_slices, {"n": 5, "batch_size": 2}),
    "gamma": (bounds.gamma, {"k": 10, "unit_roundoff": 2.0**-24}),
    "loss_error_bound": (bounds.loss_error_bound, {"w": 1.0, "b": 0.0, "x": X, "y": Y}),
    "gradient_error_bound": (
        bounds.gradient_error_bound,
        {"w": 1.0, "b": 0.0, "x": X, "y": Y},
    ),
    "step_error_bound": (
        bounds.step_error_bound,
        {"w": 1.0, "b": 0.0, "x": X, "y": Y, "learning_rate": 0.05},
    ),
    "descent_allowance": (
        bounds.descent_allowance,
        {
            "x": X,
            "y": Y,
            "learning_rate": 0.05,
            "before": (1.0, 0.0),
            "after": (1.1, 0.1),
        },
    ),
    "trajectory_error_bound": (
        bounds.trajectory_error_bound,
        {"x": X, "y": Y, "epochs": 2, "learning_rate": 0.05},
    ),
    "moments_error_bound": (bounds.moments_error_bound, {"x": X, "y": Y}),
    "moments": (moments.moments, {"x": X, "y": Y}),
    "batch_moments": (moments.batch_moments, {"x": X, "y": Y, "batch_size": 2}),
    "format_row": (format_row, {"epoch": 1, "w": 1.0, "b": 2.0, "loss": 0.5}),
    "History.from_rows": (
        linfit.History.from_rows,
        {"w": [1.0, 2.0], "b": [0.0, 1.0], "loss": [3.0, 2.0]},
    ),
    "conformance.check": (
        checker.check,
        {"results": port_numpy.results(checker.load_cases())},
    ),
    "conformance.load_cases": (checker.load_cases, {}),
    "mean_of_replica_means": (
        mirrored.mean_of_replica_means,
        {"x": X, "y": Y, "w": 1.0, "b": 0.0, "replicas": 2},
    ),
    "synthesize_classes": (
        classifier.synthesize_classes,
        {"n_train": 20, "n_validation": 10, "classes": 3, "features": 2},
    ),
    "train_functional": (
        linfit.train_functional,
        {"x": X, "y": Y, "steps": 2, "learning_rate": 0.05},
    ),
}
NEEDS_MODEL = {"train", "train_streaming", "loss_and_gradients", "gradient_step"}
ALLOWS_NAN = {"History.from_rows", "format_row"}
"""A History records a diverged run too (``on_divergence="continue"``): NaN and
infinity are values it must hold and print."""
NOT_DATA = {"conformance.check", "conformance.load_cases"}


def call(name: str, arguments: dict[str, Any]) -> Any:
    function, _ = CALLS[name]
    arguments = dict(arguments)
    if name in NEEDS_MODEL and arguments.get("model") is None:
        arguments["model"] = model()
    return function(**arguments)


def no_nan(value: Any) -> bool:
    """Whether nothing in ``value`` (a number, array, tensor, tuple, dict) is NaN."""
    if isinstance(value, dict):
        return all(no_nan(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return all(no_nan(v) for v in value)
    if tf.is_tensor(value):
        value = value.numpy()
    if isinstance(value, (float, np.floating, np.ndarray)):
        return not np.isnan(np.asarray(value, dtype=np.float64)).any()
    if isinstance(value, linfit.History):
        return no_nan([value.w, value.b, value.loss])
    return True


def hostile_arguments(name: str) -> list[str]:
    """The arguments of ``name`` to replace, one at a time."""
    function, good = CALLS[name]
    if name in NOT_DATA:
        return list(good)  # every argument, whatever its name
    names = inspect.signature(function).parameters
    return [p for p in names if p in good or (p == "model" and name in NEEDS_MODEL)]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_function_works_with_good_arguments(name) -> None:
    assert no_nan(call(name, CALLS[name][1]))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_hostile_argument_is_refused_by_name_or_harmless(name) -> None:
    """One call per argument and hostile value; every outcome must be clean."""
    unclean = []
    for parameter in hostile_arguments(name):
        for label, value in HOSTILE.items():
            arguments = dict(CALLS[name][1]) | {parameter: value}
            try:
                result = call(name, arguments)
            except linfit.LinfitError as error:
                text = str(error)
                if (
                    not isinstance(error, (ValueError, TypeError))
                    or "\n" in text.strip()
                ):
                    unclean.append(f"{parameter}={label}: {text!r}")
            except Exception as error:
                unclean.append(f"{parameter}={label}: {type(error).__name__}: {error}")
            else:
                if name not in ALLOWS_NAN and not no_nan(result):
                    unclean.append(f"{parameter}={label}: returned NaN")
    assert unclean == []


def test_the_sweep_covers_the_public_functions() -> None:
    """Each function of linfit.__all__ is swept here or in test_hostile / test_csv."""
    elsewhere = {
        "load_csv",
        "fit_keras",
        "train_with_optimizer",
    }  # test_hostile, test_csv
    functions = {
        name for name in linfit.__all__ if inspect.isfunction(getattr(linfit, name))
    }
    assert functions - set(CALLS) - elsewhere == set()
    assert sum(len(hostile_arguments(name)) for name in CALLS) * len(HOSTILE) > 1000
