"""Checkpoints: a run split 5 + 5 equals an uninterrupted 10, and saves are atomic."""

from __future__ import annotations

import pytest

import linfit
from linfit._tensorflow import tf
from linfit.files import checkpoint


@pytest.fixture
def data():
    return linfit.synthesize(n=300, seed=8)


@pytest.mark.parametrize("batch_size", [None, 64])
def test_split_run_with_restore_equals_uninterrupted_run(
    tmp_path, data, batch_size
) -> None:
    x, y = data
    settings = {"learning_rate": 0.1, "batch_size": batch_size}
    whole = linfit.train(linfit.LinearModel(), x, y, epochs=10, **settings)

    model = linfit.LinearModel()
    first = linfit.train(model, x, y, epochs=5, **settings)
    checkpoint.save(tmp_path / "run", model, first)
    del model  # nothing survives but the files

    restored, history = checkpoint.restore(tmp_path / "run")
    assert history.equals(first)
    second = linfit.train(restored, x, y, epochs=5, **settings)
    assert history.extended(second).equals(whole)


def test_interrupted_save_keeps_the_previous_checkpoint(
    tmp_path, data, monkeypatch
) -> None:
    x, y = data
    model = linfit.LinearModel()
    first = linfit.train(model, x, y, epochs=3, learning_rate=0.1)
    checkpoint.save(tmp_path / "run", model, first)
    more = first.extended(linfit.train(model, x, y, epochs=2, learning_rate=0.1))

    real_write = tf.train.Checkpoint.write

    def crash_midway(self, prefix, options=None):
        real_write(self, prefix)  # files of the new version reach the disk ...
        for path in tf.io.gfile.glob(prefix + "*"):  # ... but one is cut short
            with open(path, "r+b") as stream:
                stream.truncate(3)
        raise KeyboardInterrupt("simulated crash during save")

    monkeypatch.setattr(tf.train.Checkpoint, "write", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(tmp_path / "run", model, more)
    monkeypatch.undo()

    restored, history = checkpoint.restore(tmp_path / "run")
    assert history.equals(first)
    assert float(restored.w.numpy()) == float(first.w[-1])


def test_restore_from_empty_directory_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(linfit.InputValueError, match="no checkpoint"):
        checkpoint.restore(tmp_path)


def test_save_refuses_model_and_history_out_of_step(tmp_path, data) -> None:
    x, y = data
    model = linfit.LinearModel()
    history = linfit.train(model, x, y, epochs=2, learning_rate=0.1)
    model.w.assign_add(1.0)
    with pytest.raises(linfit.InputValueError, match="differ from the History"):
        checkpoint.save(tmp_path / "run", model, history)


def test_extended_refuses_a_run_that_starts_elsewhere(data) -> None:
    x, y = data
    first = linfit.train(linfit.LinearModel(), x, y, epochs=2, learning_rate=0.1)
    other = linfit.train(linfit.LinearModel(), x, y, epochs=2, learning_rate=0.1)
    with pytest.raises(ValueError, match="does not start where"):
        first.extended(other)


def test_split_shuffled_run_equals_uninterrupted_run(tmp_path, data) -> None:
    """Shuffled minibatches: resuming with first_epoch = epochs done replays the right orders."""
    x, y = data
    settings = {"learning_rate": 0.1, "batch_size": 64, "shuffle_seed": 1}
    whole = linfit.train(linfit.LinearModel(), x, y, epochs=4, **settings)
    model = linfit.LinearModel()
    first = linfit.train(model, x, y, epochs=2, **settings)
    checkpoint.save(tmp_path / "run", model, first)
    restored, history = checkpoint.restore(tmp_path / "run")
    second = linfit.train(
        restored, x, y, epochs=2, first_epoch=history.epochs, **settings
    )
    assert history.extended(second).equals(whole)
    # Without first_epoch the second half would replay epochs 0 and 1's orders.
    again = linfit.train(
        checkpoint.restore(tmp_path / "run")[0], x, y, epochs=2, **settings
    )
    assert not history.extended(again).equals(whole)
