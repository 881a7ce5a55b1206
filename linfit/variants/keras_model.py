"""The same line as a Keras 3 model, trained with ``compile`` and ``fit``.

Keras wraps the loop of [`linfit.loop`][] (forward pass, loss, tape,
update) behind ``fit``. Two Keras 3 rules matter for this tiny model:

* Weights must be created with ``add_weight``. A raw ``tf.Variable`` assigned
  to an attribute of a ``keras.Model`` is *not* tracked in Keras 3: it is
  missing from ``trainable_weights``, so ``fit`` computes no gradient for it
  and silently trains nothing.
* ``save_weights`` only accepts file names ending in ``.weights.h5``.

With the full batch, ``SGD(learning_rate)``, ``loss="mse"`` and XLA off,
``fit`` performs the same arithmetic as [`linfit.train`][linfit.loop.train]; the tests
check how closely (see ``tests/test_keras.py``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import linfit._tensorflow  # noqa: F401  first: it imports Keras quietly

# isort: split
import keras
import numpy as np

from linfit.engines.problem import Problem, check_training_data
from linfit.engines.recorder import Recorder
from linfit.errors import InputTypeError, InputValueError
from linfit.files.atomic import mode_for
from linfit.validation import (
    check_batch_size,
    check_epochs,
    check_float32_scalar,
    check_learning_rate,
)

__all__ = ["KerasLinearModel", "fit_keras", "save_weights_atomically"]


@keras.saving.register_keras_serializable(package="linfit")
class KerasLinearModel(keras.Model):
    """``y = w * x + b`` as a ``keras.Model`` with weights from ``add_weight``.

    Args:
        w: Initial slope.
        b: Initial intercept.
        **kwargs: Passed to ``keras.Model`` (e.g. ``name``).

    Examples:
        >>> model = KerasLinearModel()
        >>> float(model(np.array([3.0], dtype="float32"))[0])
        15.0
        >>> sorted(v.name for v in model.trainable_weights)
        ['b', 'w']
    """

    def __init__(self, w: float = 5.0, b: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.initial_w = check_float32_scalar(w, "w")
        self.initial_b = check_float32_scalar(b, "b")
        self.w = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.initial_w), name="w"
        )
        self.b = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.initial_b), name="b"
        )
        # Every weight exists now (none depends on the input shape), so the
        # model is built: load_weights works before the first call.
        self.built = True

    def call(self, x: Any) -> Any:
        """Predict ``w * x + b`` for inputs of any shape (float32)."""
        return self.w * x + self.b

    def get_config(self) -> dict[str, Any]:  # noqa: D102
        return {**super().get_config(), "w": self.initial_w, "b": self.initial_b}


def fit_keras(
    model: KerasLinearModel,
    x: Any,
    y: Any,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int | None = None,
) -> keras.callbacks.History:
    """Compile ``model`` with SGD and ``"mse"`` and ``fit`` it, deterministically.

    ``jit_compile=False`` is pinned: Keras 3's default ``"auto"`` turns XLA on
    when a GPU is visible, which changes the summation order. ``shuffle=False``
    keeps the batch order fixed.

    Args:
        model: The model to train in place.
        x: Inputs, shape ``(N,)`` or ``(N, 1)``.
        y: Targets, same length.
        epochs: Number of epochs.
        learning_rate: SGD step size.
        batch_size: Points per step; ``None`` means all ``N`` (full batch).

    Returns:
        The Keras ``History``; ``history.history["loss"][k]`` is the loss
            Keras measured during epoch ``k``, i.e. *before* that epoch's update
            in the full-batch case.

    Raises:
        InputTypeError: If ``model`` is not a ``KerasLinearModel``, or an
            argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If the loss becomes non-finite or exceeds 10^4 times
            its first value (checked after every epoch, as in [`linfit.train`][linfit.loop.train]).
    """
    if not isinstance(model, KerasLinearModel):
        raise InputTypeError(
            f"model must be a KerasLinearModel, got {type(model).__name__}"
        )
    x_data, y_data, data_moments = check_training_data(x, y)
    epochs = check_epochs(epochs)
    learning_rate = check_learning_rate(learning_rate)
    batch_size = check_batch_size(batch_size, len(x_data))
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="mse",
        jit_compile=False,
    )
    start = (float(model.w.numpy()), float(model.b.numpy()))
    problem = Problem(
        None, start, x_data, y_data, data_moments, epochs, learning_rate, batch_size
    )
    guard = _DivergenceGuard(problem)
    with guard.recorder:
        return model.fit(
            x_data,
            y_data,
            epochs=epochs,
            batch_size=batch_size,
            shuffle=False,
            verbose=0,
            callbacks=[guard],
        )


class _DivergenceGuard(keras.callbacks.Callback):
    """Hands each epoch's (w, b, loss) to a Recorder, whose guard stops a diverging fit.

    With the full batch Keras's epoch loss is the loss before the epoch's
    update, so the rows have History semantics; with minibatches it is the mean
    of the batches' losses, which still shows a blow-up.
    """

    def __init__(self, problem: Problem) -> None:
        super().__init__()
        self.recorder = Recorder(problem)
        self.state = problem.start

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        """Note the state the epoch starts from."""
        self.state = (float(self.model.w.numpy()), float(self.model.b.numpy()))

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        """Record that state with the epoch's loss; the recorder judges divergence."""
        self.recorder.record(*self.state, float((logs or {}).get("loss", float("nan"))))


def save_weights_atomically(model: keras.Model, path: str | os.PathLike[str]) -> Path:
    """``model.save_weights(path)``, but never leaving a half-written file at ``path``.

    Keras writes in place; a crash midway would corrupt an existing good
    file. Here the weights go to a temporary ``.weights.h5`` file in the same
    folder, which is then renamed over ``path`` (atomic on one filesystem).

    Raises:
        InputValueError: If ``path`` does not end in ``.weights.h5`` (the
            suffix Keras 3 requires).
    """
    path = Path(path)
    if not path.name.endswith(".weights.h5"):
        raise InputValueError(f"{path}: Keras 3 weight files must end in '.weights.h5'")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp.weights.h5"
    )
    os.close(handle)
    try:
        model.save_weights(temporary, overwrite=True)
        os.chmod(temporary, mode_for(path))  # mkstemp made it private; open() would not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def weights(model: keras.Model) -> np.ndarray:
    """``[w, b]`` of a [`KerasLinearModel`][linfit.variants.keras_model.KerasLinearModel]."""
    return np.array([model.w.numpy(), model.b.numpy()], dtype=np.float32)
