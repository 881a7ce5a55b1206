"""Property 4: same seed, same bits — across runs and between eager and ``tf.function``."""

from __future__ import annotations

import numpy as np
import pytest

import linfit


def test_same_seed_gives_bit_identical_data() -> None:
    first = [t.numpy() for t in linfit.synthesize(n=500, seed=7)]
    second = [t.numpy() for t in linfit.synthesize(n=500, seed=7)]
    assert all(a.tobytes() == b.tobytes() for a, b in zip(first, second, strict=False))


def test_different_seeds_give_different_data() -> None:
    x0, _ = linfit.synthesize(n=50, seed=0)
    x1, _ = linfit.synthesize(n=50, seed=1)
    assert not np.array_equal(x0.numpy(), x1.numpy())


@pytest.mark.parametrize("batch_size", [None, 128])
def test_same_seed_gives_bit_identical_history(batch_size: int | None) -> None:
    def run() -> linfit.History:
        x, y = linfit.synthesize(n=1000, seed=11)
        return linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=8,
            learning_rate=0.1,
            batch_size=batch_size,
        )

    assert run().equals(run())


@pytest.mark.parametrize("batch_size", [None, 300])
@pytest.mark.parametrize("inputs", ["normal", "linspace"])
def test_eager_and_tf_function_agree_bit_for_bit(
    inputs: str, batch_size: int | None
) -> None:
    x, y = linfit.synthesize(n=1000, inputs=inputs, seed=5)
    eager = linfit.train(
        linfit.LinearModel(), x, y, epochs=10, learning_rate=0.1, batch_size=batch_size
    )
    compiled = linfit.train(
        linfit.LinearModel(),
        x,
        y,
        epochs=10,
        learning_rate=0.1,
        batch_size=batch_size,
        mode="function",
    )
    assert eager.equals(compiled), np.stack(
        [eager.w - compiled.w, eager.loss - compiled.loss]
    )


def test_history_equality_is_bitwise() -> None:
    """`History.equals` sees a one-ulp change (so the tests above can fail)."""
    x, y = linfit.synthesize(n=100, seed=1)
    history = linfit.train(linfit.LinearModel(), x, y, epochs=2, learning_rate=0.1)
    nudged_w = history.w.copy()
    nudged_w[-1] = np.nextafter(nudged_w[-1], np.float32(np.inf))
    nudged = linfit.History(history.epoch, nudged_w, history.b, history.loss)
    assert history.equals(history)
    assert not history.equals(nudged)
