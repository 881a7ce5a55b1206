"""Bad input is refused at the public API with one clear, catchable error.

Each refusal is a ``LinfitError`` *and* the matching built-in exception
(``ValueError`` or ``TypeError``), and its message names the argument.
"""

from __future__ import annotations

import numpy as np
import pytest

import linfit
from linfit import LinfitError
from linfit._tensorflow import tf

X = np.linspace(-1, 1, 8, dtype=np.float32)
Y = 2 * X + 1


def train(**overrides):
    arguments = {"x": X, "y": Y, "epochs": 2, "learning_rate": 0.1}
    arguments.update(overrides)
    model = arguments.pop("model", linfit.LinearModel())
    return linfit.train(model, **arguments)


@pytest.mark.parametrize(
    ("overrides", "builtin", "fragment"),
    [
        ({"y": Y[:5]}, ValueError, "x and y must have the same length, got 8 and 5"),
        ({"x": [], "y": []}, ValueError, "x is empty"),
        ({"x": np.where(X > 0, np.nan, X)}, ValueError, "x[4] = "),
        ({"y": np.where(X > 0, np.inf, Y)}, ValueError, "y[4] = inf"),
        ({"y": np.full(8, 1e39)}, ValueError, "beyond ±3.4e38"),
        ({"x": np.ones((8, 2))}, ValueError, "x must have shape (N,) or (N, 1)"),
        ({"x": np.ones((2, 2, 2))}, ValueError, "x must have shape"),
        ({"x": ["a"] * 8}, TypeError, "x must contain real numbers"),
        ({"x": X.astype(np.complex64)}, TypeError, "x must contain real numbers"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be > 0"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate must be > 0"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate must be finite"),
        ({"learning_rate": float("inf")}, ValueError, "learning_rate must be finite"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a real number"),
        ({"epochs": -1}, ValueError, "epochs must be >= 0"),
        ({"epochs": 2.5}, TypeError, "epochs must be an integer"),
        ({"batch_size": 0}, ValueError, "batch_size must be between 1 and the number"),
        (
            {"batch_size": 9},
            ValueError,
            "batch_size must be between 1 and the number of points (8)",
        ),
        ({"mode": "fast"}, ValueError, "mode must be"),
        ({"on_divergence": "ignore"}, ValueError, "on_divergence must be"),
        ({"model": object()}, TypeError, "model must be a linfit.LinearModel"),
    ],
)
def test_bad_training_input_is_refused_by_name(overrides, builtin, fragment) -> None:
    with pytest.raises(LinfitError) as info:
        train(**overrides)
    assert isinstance(info.value, builtin)
    assert fragment in str(info.value)


def test_model_without_trainable_variables_is_refused() -> None:
    frozen = linfit.LinearModel()
    frozen.w = tf.Variable(5.0, trainable=False)
    frozen.b = tf.Variable(0.0, trainable=False)
    with pytest.raises(linfit.InputValueError, match=r"model\.w is not trainable"):
        train(model=frozen)


@pytest.mark.parametrize(
    "dtype", [np.int32, np.int64, np.float16, np.float64, np.bool_]
)
def test_real_dtypes_are_cast_to_float32_by_rounding(dtype) -> None:
    """The documented rule: any real dtype is converted to float32, round to nearest."""
    x = np.array([0, 1, 2, 3], dtype=dtype)
    y = (
        np.array([1, 3, 5, 7], dtype=dtype)
        if dtype != np.bool_
        else np.array([1, 0, 1, 0])
    )
    converted = train(x=x, y=y, epochs=3)
    expected = train(x=x.astype(np.float32), y=y.astype(np.float32), epochs=3)
    assert converted.equals(expected)


def test_column_vectors_are_accepted_and_never_broadcast() -> None:
    """(N, 1) and (N,) give the same History: no (N, N) loss hides anywhere.

    The trap avoided: in a hand-written loop, predictions of shape (N,) minus
    targets of shape (N, 1) broadcast to an (N, N) matrix whose mean is a
    different, plausible-looking number.
    """
    flat = train()
    for x, y in [(X[:, None], Y), (X, Y[:, None]), (X[:, None], Y[:, None])]:
        assert train(x=x, y=y).equals(flat)
    broadcast = float(tf.reduce_mean(tf.square(5.0 * X - Y[:, None])))
    assert broadcast != pytest.approx(float(flat.loss[0]))


def test_model_refuses_non_finite_start() -> None:
    with pytest.raises(linfit.InputValueError, match="w must be finite"):
        linfit.LinearModel(w=float("nan"))


def test_metrics_refuse_length_mismatch() -> None:
    with pytest.raises(linfit.InputValueError, match="same length"):
        linfit.mse([1.0, 2.0], [1.0])
