"""The training loop's reporting: printed rows, callbacks, progress bar, batch layout."""

from __future__ import annotations

import numpy as np
import pytest

import linfit
from linfit import reference


def test_verbose_prints_every_row_in_seed_format(capsys) -> None:
    x, y = linfit.synthesize(n=100, seed=1)
    history = linfit.train(
        linfit.LinearModel(), x, y, epochs=4, learning_rate=0.1, verbose=True
    )
    printed = capsys.readouterr().out.splitlines()
    assert printed == history.lines()
    w, b, loss = float(history.w[2]), float(history.b[2]), float(history.loss[2])
    assert printed[2] == f"Epoch  2: W={w:.2f} b={b:.2f}, loss={loss:.5f}"


def test_callback_sees_each_row_in_order() -> None:
    x, y = linfit.synthesize(n=100, seed=1)
    seen: list[tuple[int, float, float, float]] = []
    history = linfit.train(
        linfit.LinearModel(),
        x,
        y,
        epochs=3,
        learning_rate=0.1,
        callback=lambda *row: seen.append(row),
    )
    assert [row[0] for row in seen] == [0, 1, 2, 3]
    assert np.array_equal(np.float32([row[1] for row in seen]), history.w)
    assert np.array_equal(np.float32([row[3] for row in seen]), history.loss)


def test_progress_bar_comes_from_tqdm(capsys) -> None:
    x, y = linfit.synthesize(n=50, seed=1)
    linfit.train(linfit.LinearModel(), x, y, epochs=5, learning_rate=0.1, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "5/5" in err
    linfit.train(
        linfit.LinearModel(), x, y, epochs=5, learning_rate=0.1, progress=False
    )
    assert capsys.readouterr().err == ""


def test_zero_epochs_records_the_untrained_model() -> None:
    x, y = linfit.synthesize(n=50, seed=1)
    history = linfit.train(
        linfit.LinearModel(2.0, 1.0), x, y, epochs=0, learning_rate=0.1
    )
    assert len(history) == 1 and history.w[0] == 2.0 and history.b[0] == 1.0


@pytest.mark.parametrize(
    ("n", "batch_size", "sizes"), [(10, 3, [3, 3, 3, 1]), (4, 4, [4])]
)
def test_minibatches_are_consecutive_with_a_short_last_batch(
    n, batch_size, sizes
) -> None:
    slices = reference.batch_slices(n, batch_size)
    assert [s.stop - s.start for s in slices] == sizes
    assert slices[0].start == 0 and slices[-1].stop == n


def test_batch_size_equal_to_n_is_the_full_batch() -> None:
    x, y = linfit.synthesize(n=64, seed=2)
    full = linfit.train(linfit.LinearModel(), x, y, epochs=3, learning_rate=0.1)
    same = linfit.train(
        linfit.LinearModel(), x, y, epochs=3, learning_rate=0.1, batch_size=64
    )
    assert full.equals(same)


def test_history_equality_is_bitwise() -> None:
    """`History.equals` sees a one-ulp change (so the tests above can fail)."""
    x, y = linfit.synthesize(n=100, seed=1)
    history = linfit.train(linfit.LinearModel(), x, y, epochs=2, learning_rate=0.1)
    nudged_w = history.w.copy()
    nudged_w[-1] = np.nextafter(nudged_w[-1], np.float32(np.inf))
    nudged = linfit.History(history.epoch, nudged_w, history.b, history.loss)
    assert history.equals(history)
    assert not history.equals(nudged)
