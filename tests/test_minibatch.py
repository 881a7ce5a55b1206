"""Shuffled tf.data minibatches: a reproducible, exported order the reference can replay."""

from __future__ import annotations

import numpy as np
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


def test_the_shuffle_order_changes_the_trajectory(canonical_data) -> None:
    """Replaying the batches in data order lands far from the shuffled run.

    So the shuffled trajectory tests in ``test_engines.py``, which replay the
    exported order, could not pass with the order ignored.
    """
    x, y = canonical_data
    epochs, rate, batch_size, seed = 5, 0.1, 100, 0
    order = batching.epoch_order(len(x), seed, epochs)
    settings_ = {"epochs": epochs, "learning_rate": rate, "batch_size": batch_size}
    shuffled = reference.train(x, y, order=order, **settings_)
    in_order = reference.train(x, y, **settings_)
    allowed = bounds.trajectory_error_bound(x, y, order=order, **settings_)
    gap = np.hypot(in_order.w[-1] - shuffled.w[-1], in_order.b[-1] - shuffled.b[-1])
    assert gap > 10 * allowed[-1]


def test_a_different_shuffle_seed_gives_a_different_run() -> None:
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

    assert not run(4).equals(run(5))
