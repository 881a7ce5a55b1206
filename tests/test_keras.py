"""The Keras model and the Keras 3 traps the seeds walk into.

For each trap: linfit's way works, and the seeds' way fails in the way the
docs describe.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import linfit
from linfit import bounds
from linfit._tensorflow import tf
from linfit.variants.keras_model import (
    KerasLinearModel,
    fit_keras,
    save_weights_atomically,
    weights,
)


def test_fit_losses_equal_train_history_rows(canonical_data) -> None:
    """history["loss"][k] is the loss *before* epoch k's update: History rows 0..epochs−1.

    With the same float32 arithmetic (full batch, SGD, "mse", XLA off) the
    numbers are bit-identical on CPU; the final weights are held to the
    rounding bound, which they meet with room to spare.
    """
    x, y = canonical_data
    model = KerasLinearModel()
    fitted = fit_keras(model, x, y, epochs=10, learning_rate=0.1)
    history = linfit.train(linfit.LinearModel(), x, y, epochs=10, learning_rate=0.1)
    keras_losses = np.asarray(fitted.history["loss"], dtype=np.float32)
    assert keras_losses.tobytes() == history.loss[:10].tobytes()
    allowed = 2 * bounds.trajectory_error_bound(x, y, epochs=10, learning_rate=0.1)[-1]
    assert np.hypot(*(weights(model) - [history.w[-1], history.b[-1]])) <= allowed


def test_save_and_load_weights_round_trip(tmp_path, canonical_data) -> None:
    x, y = canonical_data
    trained = KerasLinearModel()
    fit_keras(trained, x, y, epochs=3, learning_rate=0.1)
    path = save_weights_atomically(trained, tmp_path / "line.weights.h5")
    fresh = KerasLinearModel()
    assert not np.array_equal(weights(fresh), weights(trained))
    fresh.load_weights(path)
    assert weights(fresh).tobytes() == weights(trained).tobytes()
    assert [p.name for p in tmp_path.iterdir()] == ["line.weights.h5"]  # no temporaries


def test_trap_raw_variable_on_keras_model_is_not_trained(canonical_data) -> None:
    """Seed style (self.W = tf.Variable(...)): Keras 3 does not track it; fit changes nothing."""

    class SeedStyle(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.W = tf.Variable(5.0)
            self.B = tf.Variable(0.0)

        def call(self, x):
            return x * self.W + self.B

    x, y = canonical_data
    model = SeedStyle()
    assert model.trainable_weights == []
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=False)
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        fitted = model.fit(x, y, epochs=3, batch_size=len(x), verbose=0)
    assert (
        float(model.W.numpy()) == 5.0 and float(model.B.numpy()) == 0.0
    )  # nothing trained
    losses = fitted.history["loss"]
    # The loss is reported but does not move: the same batch at the same weights,
    # each evaluation of the mean of n squares within γ_{n+3}·loss of the exact one
    # (Keras may sum in another order from epoch to epoch). A step would cut it by a third.
    assert abs(losses[-1] - losses[0]) <= 2 * bounds.gamma(len(x) + 3) * losses[0]
    # linfit's way: add_weight, tracked and trained.
    assert len(KerasLinearModel().trainable_weights) == 2


def test_trap_save_weights_needs_weights_h5_suffix(tmp_path) -> None:
    model = KerasLinearModel()
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "line.h5")  # the seeds' file name
    with pytest.raises(linfit.InputValueError, match=r"\.weights\.h5"):
        save_weights_atomically(model, tmp_path / "line.h5")


def test_trap_metrics_use_reset_state() -> None:
    metric = keras.metrics.CategoricalAccuracy()
    metric.update_state([[0.0, 1.0]], [[0.2, 0.8]])
    assert float(metric.result()) == 1.0
    assert not hasattr(metric, "reset_states")  # the seeds' spelling is gone
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_trap_mean_squared_error_function_is_gone(canonical_data) -> None:
    assert not hasattr(tf.keras.losses, "mean_squared_error")
    x, y = canonical_data
    model = KerasLinearModel()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=False)
    by_name = model.evaluate(x, y, batch_size=len(x), verbose=0)
    by_class = keras.losses.MeanSquaredError()(y, model(x))
    assert np.float32(by_name) == np.float32(by_class)


def test_trap_column_targets_broadcast_in_a_hand_loop_but_not_in_fit(
    canonical_data,
) -> None:
    """(N,) predictions minus (N, 1) targets is an (N, N) matrix in a hand loop; fit aligns them."""
    x, y = canonical_data
    x, y = x[:50], y[:50]
    model = KerasLinearModel()
    wrong = tf.reduce_mean(tf.square(model(x) - y[:, None]))
    right = tf.reduce_mean(tf.square(model(x) - y))
    assert tf.square(model(x) - y[:, None]).shape == (50, 50)
    assert float(wrong) != pytest.approx(float(right), rel=1e-3)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=False)
    column = model.evaluate(x, y[:, None], batch_size=50, verbose=0)
    # Both sum the same 50 float32 squares (each rounded once): within 2·γ_51 of
    # each other, all terms being positive.
    assert abs(float(column) - float(right)) <= 2 * bounds.gamma(51) * float(right)
    # linfit's hand loop refuses nothing and broadcasts nothing: (N, 1) is flattened.
    flat = linfit.train(linfit.LinearModel(), x, y, epochs=2, learning_rate=0.1)
    assert linfit.train(
        linfit.LinearModel(), x, y[:, None], epochs=2, learning_rate=0.1
    ).equals(flat)


def test_interrupted_weights_save_keeps_the_good_file(tmp_path, monkeypatch) -> None:
    good = KerasLinearModel(w=1.0, b=2.0)
    path = save_weights_atomically(good, tmp_path / "line.weights.h5")

    def crash(self, filepath, overwrite=True, **kwargs):
        with open(filepath, "wb") as stream:
            stream.write(b"\x89HDF partial")  # half a file reaches the disk...
        raise KeyboardInterrupt("simulated crash during save_weights")

    monkeypatch.setattr(KerasLinearModel, "save_weights", crash)
    with pytest.raises(KeyboardInterrupt):
        save_weights_atomically(KerasLinearModel(w=9.0, b=9.0), path)
    monkeypatch.undo()
    restored = KerasLinearModel()
    restored.load_weights(path)
    assert weights(restored).tolist() == [1.0, 2.0]
    assert [p.name for p in tmp_path.iterdir()] == ["line.weights.h5"]
