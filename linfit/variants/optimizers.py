"""Two more ways to write the same training: functional, and with an optimizer.

Both fit the canonical data from a start far from the truth (W=5, B=10).

* **Functional style**: no model object at all. ``W`` and ``B`` are free
  ``tf.Variable``s, the loss is a plain function of them, and each step asks a
  tape for ``∂loss/∂(W, B)`` and applies ``assign_sub`` by hand.
* **Optimizer style**: a [`KerasLinearModel`][linfit.variants.keras_model.KerasLinearModel] and a
  ``keras.optimizers.SGD`` that applies the update through
  ``apply_gradients``, reporting the loss every few steps. (The original tutorial's
  ``tf.train.GradientDescentOptimizer`` and ``global_step`` are TF1 APIs that
  no longer exist.)

Plain SGD computes ``v ← v − lr·g`` exactly like [`linfit.train`][linfit.loop.train], so
both return the same float32 [`History`][linfit.history.History] rows as
``train`` with the same settings (the tests check it bit for bit). They check
their arguments the same way and hand their rows to the same
[`Recorder`][linfit.engines.recorder.Recorder], so a learning rate above ``2/λ_max`` stops them
with the same [`DivergenceError`][linfit.errors.DivergenceError].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linfit._tensorflow import tf
from linfit.engines.problem import Problem
from linfit.engines.recorder import Recorder
from linfit.errors import InputValueError
from linfit.history import History
from linfit.loss import l2_loss
from linfit.moments import moments
from linfit.validation import (
    as_data,
    check_callable,
    check_epochs,
    check_float32_scalar,
    check_learning_rate,
)

__all__ = ["train_functional", "train_with_optimizer"]

Reporter = Callable[[int, float], object]


def train_functional(
    x: Any,
    y: Any,
    *,
    steps: int = 200,
    learning_rate: float = 0.01,
    w: float = 5.0,
    b: float = 10.0,
) -> History:
    """Gradient descent on two free variables, with a loss written as ``loss(W, B)``.

    Args:
        x: Inputs, shape ``(N,)``.
        y: Targets, shape ``(N,)``.
        steps: Number of full-batch steps (tutorial: 200).
        learning_rate: Step size (tutorial: 0.01).
        w: Initial W (tutorial: 5).
        b: Initial B (tutorial: 10).

    Returns:
        A History with ``steps + 1`` rows, same semantics as [`linfit.train`][linfit.loop.train].

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If the loss becomes non-finite or exceeds 10^4 times its start.
    """
    x_data, y_data = as_data(x, y)
    steps, learning_rate = (
        check_epochs(steps, "steps"),
        check_learning_rate(learning_rate),
    )
    w, b = check_float32_scalar(w, "w"), check_float32_scalar(b, "b")
    inputs, targets = tf.constant(x_data), tf.constant(y_data)
    weight = tf.Variable(w, dtype=tf.float32)
    bias = tf.Variable(b, dtype=tf.float32)
    rate = tf.constant(learning_rate, tf.float32)

    def loss(weight: tf.Variable, bias: tf.Variable) -> tf.Tensor:
        return l2_loss(weight * inputs + bias, targets)

    with _recorder(x_data, y_data, w, b, steps, learning_rate) as recorder:
        for _ in range(steps):
            with tf.GradientTape() as tape:
                current = loss(weight, bias)
            grad_w, grad_b = tape.gradient(current, [weight, bias])
            row = (weight.numpy(), bias.numpy(), current.numpy())
            weight.assign_sub(rate * grad_w)
            bias.assign_sub(rate * grad_b)
            recorder.record(*row)
        recorder.record(weight.numpy(), bias.numpy(), loss(weight, bias).numpy())
    return recorder.history()


def train_with_optimizer(
    x: Any,
    y: Any,
    *,
    steps: int = 300,
    learning_rate: float = 0.01,
    w: float = 5.0,
    b: float = 10.0,
    report_every: int = 20,
    report: Reporter | None = None,
) -> History:
    """Train a Keras model with ``SGD.apply_gradients`` in a hand-written loop.

    Args:
        x: Inputs, shape ``(N,)``.
        y: Targets, shape ``(N,)``.
        steps: Number of full-batch steps (tutorial: 300).
        learning_rate: SGD step size (tutorial: 0.01).
        w: Initial W (tutorial: 5).
        b: Initial B (tutorial: 10).
        report_every: Call ``report`` every this many steps (tutorial: 20).
        report: Called as ``report(step, loss)`` at steps 0, ``report_every``, ...

    Returns:
        A History with ``steps + 1`` rows, same semantics as [`linfit.train`][linfit.loop.train].

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If the loss becomes non-finite or exceeds 10^4 times its start.
    """
    import keras

    from linfit.variants.keras_model import KerasLinearModel

    x_data, y_data = as_data(x, y)
    steps, learning_rate = (
        check_epochs(steps, "steps"),
        check_learning_rate(learning_rate),
    )
    w, b = check_float32_scalar(w, "w"), check_float32_scalar(b, "b")
    if (
        isinstance(report_every, bool)
        or not isinstance(report_every, int)
        or report_every < 1
    ):
        raise InputValueError(
            f"report_every must be an integer >= 1, got {report_every!r}"
        )
    check_callable(report, "report")
    inputs, targets = tf.constant(x_data), tf.constant(y_data)
    model = KerasLinearModel(w=w, b=b)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    variables = [model.w, model.b]

    with _recorder(x_data, y_data, w, b, steps, learning_rate) as recorder:
        for step in range(steps):
            with tf.GradientTape() as tape:
                current = l2_loss(model(inputs), targets)
            gradients = tape.gradient(current, variables)
            row = (model.w.numpy(), model.b.numpy(), current.numpy())
            optimizer.apply_gradients(zip(gradients, variables, strict=True))
            recorder.record(*row)
            if report is not None and step % report_every == 0:
                report(step, float(current))
        recorder.record(
            model.w.numpy(), model.b.numpy(), l2_loss(model(inputs), targets).numpy()
        )
    return recorder.history()


def _recorder(
    x: Any, y: Any, w: float, b: float, steps: int, learning_rate: float
) -> Recorder:
    """A recorder for a trainer that keeps its own parameters (no model to put back)."""
    problem = Problem(None, (w, b), x, y, moments(x, y), steps, learning_rate, len(x))
    return Recorder(problem)
