"""The original tutorials' classifier: an MLP trained by a custom loop with tf.data and metrics.

The linear model is the whole story of training in miniature; this module
shows that the very same loop (forward pass on a tape, loss, gradients,
optimizer update) trains a network, and adds what real training needs:
``tf.data`` batching and shuffling, ``from_logits`` losses, and streaming
metrics with ``update_state`` / ``result`` / ``reset_state`` (Keras 3's name;
the older ``reset_states`` is gone).

The data is synthesized, not downloaded: ``classes`` Gaussian clusters in
``features`` dimensions. Because we know the generating process, we know the
best possible accuracy (assigning each point to the nearest true centre is
Bayes-optimal for equal, spherical clusters), which gives the tests a
principled yardstick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from linfit._tensorflow import tf  # first: it imports Keras quietly

# isort: split
import keras
import numpy as np

from linfit.errors import DivergenceError, InputTypeError, InputValueError
from linfit.validation import (
    check_batch_size,
    check_epochs,
    check_float32_scalar,
    check_learning_rate,
    check_seed,
)

__all__ = [
    "MLP",
    "ClassificationData",
    "ClassifierRun",
    "nearest_centre_accuracy",
    "synthesize_classes",
    "train_classifier",
]


@dataclass(frozen=True)
class ClassificationData:
    """Labelled points drawn around known class centres.

    Attributes:
        x: float32 features, shape ``(n, features)``.
        labels: int64 class indices, shape ``(n,)``.
        one_hot: float32 one-hot labels, shape ``(n, classes)``.
        centres: float64 true class centres, shape ``(classes, features)``.
    """

    x: np.ndarray
    labels: np.ndarray
    one_hot: np.ndarray
    centres: np.ndarray


def synthesize_classes(
    n_train: int = 2000,
    n_validation: int = 500,
    *,
    classes: int = 10,
    features: int = 32,
    separation: float = 0.75,
    seed: int = 0,
) -> tuple[ClassificationData, ClassificationData]:
    """Draw a training and a validation set around the same class centres.

    Centres come from N(0, separation² I); two of them then lie about
    ``separation·√(2·features)`` apart (6 for the defaults), so neighbouring
    classes overlap only in their far tails. Each point is a uniformly chosen
    centre plus N(0, I) noise. The centres and the two sets use independent
    streams of NumPy's generator seeded with ``seed``.

    Returns:
        ``(train, validation)``.

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument is out of range.
    """
    for name, value, low in (
        ("n_train", n_train, 1),
        ("n_validation", n_validation, 1),
        ("classes", classes, 2),
        ("features", features, 1),
    ):
        _check_count(value, name, low)
    separation = check_float32_scalar(separation, "separation")
    if separation < 0:
        raise InputValueError(f"separation must be >= 0, got {separation}")
    seed = check_seed(seed)
    centres = np.random.default_rng([seed, 0]).normal(
        0.0, separation, size=(classes, features)
    )

    def draw(n: int, stream: int) -> ClassificationData:
        rng = np.random.default_rng([seed, stream])
        labels = rng.integers(0, classes, size=n)
        x = centres[labels] + rng.standard_normal((n, features))
        one_hot = np.eye(classes, dtype=np.float32)[labels]
        return ClassificationData(
            x.astype(np.float32), labels.astype(np.int64), one_hot, centres
        )

    return draw(n_train, 1), draw(n_validation, 2)


def _check_count(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    if not low <= value <= 10**8:
        raise InputValueError(
            f"{name} must be between {low} and 100,000,000, got {value}"
        )
    return int(value)


def nearest_centre_accuracy(data: ClassificationData) -> float:
    """Accuracy of the Bayes-optimal rule (nearest true centre) on ``data``."""
    distances = ((data.x[:, None, :].astype(np.float64) - data.centres[None]) ** 2).sum(
        -1
    )
    return float(np.mean(np.argmin(distances, axis=1) == data.labels))


class MLP(keras.Model):
    """Dense(hidden, relu) → Dense(classes): outputs logits, not probabilities.

    Args:
        classes: Number of classes (output logits).
        hidden: Width of the hidden layer.
    """

    def __init__(self, classes: int = 10, hidden: int = 32, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(hidden, activation="relu")
        self.logits = keras.layers.Dense(classes)

    def call(self, inputs: Any) -> Any:
        """Logits of shape ``(batch, classes)`` for inputs ``(batch, features)``."""
        return self.logits(self.hidden(inputs))


@dataclass
class ClassifierRun:
    """What [`train_classifier`][linfit.variants.classifier.train_classifier] reports.

    Attributes:
        train_accuracy: Streaming training accuracy of each epoch.
        validation_accuracy: Validation accuracy after each epoch.
        log: ``(epoch, step, batch loss)`` every ``log_every`` steps.
        model: The trained model.
    """

    train_accuracy: list[float] = field(default_factory=list)
    validation_accuracy: list[float] = field(default_factory=list)
    log: list[tuple[int, int, float]] = field(default_factory=list)
    model: MLP | None = None


def train_classifier(
    train: ClassificationData,
    validation: ClassificationData,
    *,
    epochs: int = 5,
    batch_size: int = 64,
    learning_rate: float = 1e-2,
    seed: int = 0,
    log_every: int = 20,
    log: Callable[[str], object] | None = None,
) -> ClassifierRun:
    """Train an [`MLP`][linfit.variants.classifier.MLP] with Adam; track accuracy per epoch.

    Args:
        train: Training data.
        validation: Held-out data, evaluated after every epoch.
        epochs: Passes over the training data.
        batch_size: Points per step.
        learning_rate: Adam's step size.
        seed: Seeds weight initialization (``keras.utils.set_random_seed``)
            and the ``tf.data`` shuffle, so a run is reproducible.
        log_every: Record (and pass to ``log``) the batch loss every this many steps.
        log: Optional sink for human-readable progress lines (e.g. ``print``).

    Returns:
        A [`ClassifierRun`][linfit.variants.classifier.ClassifierRun].

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If a batch loss becomes non-finite (the learning rate
            is too large; there is no ``2/λ_max`` bound to quote for a network).
    """
    epochs = check_epochs(epochs)
    learning_rate = check_learning_rate(learning_rate)
    batch_size = check_batch_size(batch_size, len(train.x))
    _check_count(log_every, "log_every", 1)
    seed = check_seed(seed)
    keras.utils.set_random_seed(seed)
    model = MLP(classes=train.one_hot.shape[1])
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)
    train_accuracy = keras.metrics.CategoricalAccuracy()
    validation_accuracy = keras.metrics.CategoricalAccuracy()
    train_set = (
        tf.data.Dataset.from_tensor_slices((train.x, train.one_hot))
        .shuffle(len(train.x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
    )
    validation_set = tf.data.Dataset.from_tensor_slices(
        (validation.x, validation.one_hot)
    ).batch(batch_size)

    def train_step(x_batch: tf.Tensor, y_batch: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            logits = model(x_batch, training=True)
            loss = loss_fn(y_batch, logits)
        if tf.math.is_finite(loss):  # a non-finite loss leaves the weights alone
            gradients = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(
                zip(gradients, model.trainable_weights, strict=True)
            )
            train_accuracy.update_state(y_batch, logits)
        return loss

    def validation_step(x_batch: tf.Tensor, y_batch: tf.Tensor) -> None:
        validation_accuracy.update_state(y_batch, model(x_batch, training=False))

    # One compiled program per step: the loop of the tutorial, faster.
    train_step = tf.function(train_step)
    validation_step = tf.function(validation_step)

    run = ClassifierRun(model=model)
    for epoch in range(epochs):
        for step, (x_batch, y_batch) in enumerate(train_set):
            loss = train_step(x_batch, y_batch)
            if not np.isfinite(float(loss)):
                raise DivergenceError(epoch, float(loss), learning_rate, None)
            if step % log_every == 0:
                run.log.append((epoch, step, float(loss)))
                if log is not None:
                    log(f"epoch {epoch} step {step:4d}: batch loss {float(loss):.4f}")
        for x_batch, y_batch in validation_set:
            validation_step(x_batch, y_batch)
        run.train_accuracy.append(float(train_accuracy.result()))
        run.validation_accuracy.append(float(validation_accuracy.result()))
        if log is not None:
            log(
                f"epoch {epoch}: train accuracy {run.train_accuracy[-1]:.3f}, "
                f"validation accuracy {run.validation_accuracy[-1]:.3f}"
            )
        train_accuracy.reset_state()  # each epoch reports its own accuracy
        validation_accuracy.reset_state()
    return run
