"""Shuffled tf.data minibatches: a reproducible, exported order the reference can replay."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples

import linfit
from linfit import bounds, reference
from linfit import data as batching
from linfit._tensorflow import tf


def test_order_is_a_permutation_per_epoch_and_changes_between_epochs() -> None:
    order = batching.epoch_order(50, shuffle_seed=3, epochs=4)
    assert order.shape == (4, 50)
    for row in order:
        assert sorted(row.tolist()) == list(range(50))
    assert len({tuple(row) for row in order}) == 4


def test_order_depends_only_on_seed_and_epoch() -> None:
    first = batching.epoch_order(30, shuffle_seed=1, epochs=3)
    again = batching.epoch_order(30, shuffle_seed=1, epochs=3)
    other = batching.epoch_order(30, shuffle_seed=2, epochs=3)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert np.array_equal(batching.epoch_order(30, 1, 2), first[:2])  # restartable


@settings(max_examples=examples(10))
@given(st.integers(1, 40), st.integers(1, 12), st.integers(0, 1000))
def test_training_batches_follow_the_exported_order(
    n: int, batch_size: int, seed: int
) -> None:
    """The pipeline that trains carries indices; they are exactly the exported order."""
    batch_size = min(batch_size, n)
    x = tf.range(n, dtype=tf.float32) * 0.5
    y = x + 1.0
    order = batching.epoch_order(n, seed, epochs=2)
    for epoch in range(2):
        batches = batching.shuffled_batches(x, y, batch_size, seed, epoch)
        visited = np.concatenate([index for _, _, index in batches])
        assert np.array_equal(visited, order[epoch])
        assert [len(index) for _, _, index in batches] == [
            s.stop - s.start for s in reference.batch_slices(n, batch_size)
        ]
        for x_batch, _, index in batches:  # the data travelled with its index
            assert np.array_equal(x_batch.numpy(), x.numpy()[index])


@pytest.mark.parametrize(("batch_size", "seed"), [(100, 0), (64, 7), (1000, 3)])
def test_shuffled_training_matches_reference_replaying_the_order(
    batch_size, seed
) -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=1000, seed=2))
    epochs, rate = 5, 0.1
    history = linfit.train(
        linfit.LinearModel(),
        x,
        y,
        epochs=epochs,
        learning_rate=rate,
        batch_size=batch_size,
        shuffle_seed=seed,
    )
    order = batching.epoch_order(len(x), seed, epochs)
    oracle = reference.train(
        x, y, epochs=epochs, learning_rate=rate, batch_size=batch_size, order=order
    )
    allowed = bounds.trajectory_error_bound(
        x, y, epochs=epochs, learning_rate=rate, batch_size=batch_size, order=order
    )
    assert np.all(np.hypot(history.w - oracle.w, history.b - oracle.b) <= allowed)
    # The order matters: replaying the unshuffled order would land elsewhere.
    unshuffled = reference.train(
        x, y, epochs=epochs, learning_rate=rate, batch_size=batch_size
    )
    if batch_size < len(x):
        assert np.hypot(
            unshuffled.w[-1] - oracle.w[-1], unshuffled.b[-1] - oracle.b[-1]
        ) > (10 * allowed[-1])


def test_shuffled_runs_are_reproducible_and_seed_dependent() -> None:
    x, y = linfit.synthesize(n=500, seed=1)

    def run(seed: int) -> linfit.History:
        return linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=3,
            learning_rate=0.1,
            batch_size=50,
            shuffle_seed=seed,
        )

    assert run(4).equals(run(4))
    assert not run(4).equals(run(5))


def test_streaming_metric_over_batches_equals_whole_data() -> None:
    """Validation-style metric accumulation over tf.data batches (seed 004's pattern)."""
    x, y = linfit.synthesize(n=777, seed=6)
    model = linfit.LinearModel(3.1, 1.9)
    stream = linfit.StreamingMSE()
    for x_batch, y_batch in tf.data.Dataset.from_tensor_slices((x, y)).batch(100):
        stream.update_state(y_batch, model(x_batch))
    whole = linfit.mse(y, model(x))
    assert stream.result() == pytest.approx(whole, rel=4 * 777 * 2.0**-53)


def test_order_ignores_the_global_seed() -> None:
    """Keras' set_random_seed changes TensorFlow's global seed; linfit's order must not move.

    (tf.data's own `.shuffle(seed=s)` would: its permutation mixes in the
    global seed. That is why linfit draws the permutation with a stateless op.)
    """
    import keras

    before = batching.epoch_order(100, shuffle_seed=5, epochs=2)
    keras.utils.set_random_seed(1234)
    assert np.array_equal(batching.epoch_order(100, shuffle_seed=5, epochs=2), before)
    shuffled = tf.data.Dataset.range(100).shuffle(100, seed=5)
    first = [int(i) for i in shuffled]
    keras.utils.set_random_seed(4321)
    second = [int(i) for i in tf.data.Dataset.range(100).shuffle(100, seed=5)]
    assert first != second  # the trap linfit avoids
