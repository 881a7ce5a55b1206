"""GradientTape facts from the seeds, as executable checks."""

from __future__ import annotations

import pytest

from linfit._tensorflow import tf


def test_derivative_of_square_at_three_is_six() -> None:
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0


def test_constants_need_watch() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None  # not watched: no gradient
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0


def test_persistent_tape_answers_several_questions() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(z, x)) == 108.0  # d(x⁴)/dx = 4x³
    assert float(tape.gradient(y, x)) == 6.0
    del tape
    with tf.GradientTape() as once:
        once.watch(x)
        y = x * x
    once.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent"):
        once.gradient(y, x)


def test_watch_accessed_variables_false_watches_only_what_you_ask() -> None:
    a, b = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * a + b * b
    grad_a, grad_b = tape.gradient(y, [a, b])
    assert float(grad_a) == 4.0 and grad_b is None


def test_gradients_follow_nested_structures() -> None:
    params = {
        "layer": {"w": tf.Variable(2.0), "b": tf.Variable(1.0)},
        "scale": [tf.Variable(3.0)],
    }
    x = tf.constant(4.0)
    with tf.GradientTape() as tape:
        y = params["scale"][0] * (params["layer"]["w"] * x + params["layer"]["b"])
    grads = tape.gradient(y, params)
    assert float(grads["layer"]["w"]) == 12.0  # scale · x
    assert float(grads["layer"]["b"]) == 3.0  # scale
    assert float(grads["scale"][0]) == 9.0  # w·x + b


def test_higher_order_gradient_with_nested_tapes() -> None:
    x = tf.Variable(3.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    assert float(dy) == 27.0 and float(outer.gradient(dy, x)) == 18.0
