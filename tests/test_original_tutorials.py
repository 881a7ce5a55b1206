"""Property 6: the facts the seed tutorials teach, checked on TensorFlow 2.21."""

from __future__ import annotations

import math

import numpy as np
import pytest

import linfit
from linfit import bounds, reference
from linfit._tensorflow import tf


def test_tensors_are_immutable_and_arithmetic_makes_new_ones() -> None:
    x = tf.zeros([3, 3])
    original = x
    x += 2  # rebinds the name to a new tensor
    assert x is not original
    assert np.all(original.numpy() == 0.0)
    assert np.all(x.numpy() == 2.0)
    assert not hasattr(original, "assign")
    with pytest.raises(TypeError):
        original[0, 0] = 1.0  # type: ignore[index]


def test_variables_change_in_place_with_assign_family() -> None:
    v = tf.Variable(1.0)
    handle = v
    v.assign(3.0)
    assert v.numpy() == 3.0
    v.assign(tf.square(v))
    assert v.numpy() == 9.0
    v.assign_add(1.0)
    assert v.numpy() == 10.0
    v.assign_sub(4.0)
    assert v.numpy() == 6.0
    assert handle is v  # the same object throughout


def test_untrained_model_predicts_15_at_3() -> None:
    assert float(linfit.LinearModel()(3.0)) == 15.0


def test_module_tracks_its_variables() -> None:
    model = linfit.LinearModel(w=1.5, b=-2.0)
    names = sorted(v.name for v in model.trainable_variables)
    assert names == ["b:0", "w:0"]
    assert {id(v) for v in model.variables} == {id(model.w), id(model.b)}


def test_canonical_demo_ends_near_true_line(canonical_data) -> None:
    """After 10 epochs at lr 0.1 the model is near W=3, b=2, by a margin we can derive.

    Distance to the least-squares optimum p*: at most ρ^10·‖p₀ − p*‖ plus the
    float32 trajectory bound, with ρ = max|1 − lr·λ_i|. Distance from p* to
    the true (3, 2): least squares with unit noise on 1000 standard-normal
    inputs has standard errors ≈ 1/√1000 ≈ 0.032 for each of w and b, so 5σ
    (0.16) is a generous statistical margin.
    """
    x, y = canonical_data
    history = linfit.train(linfit.LinearModel(), x, y, epochs=10, learning_rate=0.1)
    optimum = np.array(reference.least_squares(x, y))
    rho = np.max(np.abs(1 - 0.1 * np.linalg.eigvalsh(reference.hessian(x))))
    to_optimum = rho**10 * math.hypot(5.0 - optimum[0], 0.0 - optimum[1])
    to_optimum += bounds.trajectory_error_bound(x, y, epochs=10, learning_rate=0.1)[-1]
    final = np.array([history.w[-1], history.b[-1]], dtype=np.float64)
    assert np.hypot(*(final - optimum)) <= to_optimum
    assert np.hypot(*(optimum - [3.0, 2.0])) <= 5 / math.sqrt(1000)
    assert np.hypot(*(final - [3.0, 2.0])) < np.hypot(5.0 - 3.0, 0.0 - 2.0) / 2


def test_history_row_pairs_loss_with_its_own_parameters(canonical_data) -> None:
    """The seeds' off-by-one is gone: loss[k] is the loss at (w[k], b[k])."""
    x, y = canonical_data
    history = linfit.train(linfit.LinearModel(), x, y, epochs=5, learning_rate=0.1)
    for k in range(6):
        model = linfit.LinearModel(w=float(history.w[k]), b=float(history.b[k]))
        assert float(linfit.l2_loss(model(x), y)) == history.loss[k]
    assert history.w[0] == 5.0 and history.b[0] == 0.0
