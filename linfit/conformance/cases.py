"""The conformance cases: what each golden-vector case trains, and why it is there.

Each case is defined once here; [`linfit.conformance.generate`][] turns the
definitions into files, and the files — not these functions — are the
published truth: the inputs are stored exactly, because random generators
differ between frameworks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["CASES", "CaseDefinition"]


@dataclass(frozen=True)
class CaseDefinition:
    """How to build one case.

    Attributes:
        name: Identifier, also the file-name stem.
        purpose: One sentence: what a port gets wrong if it fails this case.
        make_data: Returns ``(x, y)`` as float32 arrays.
        epochs: Number of epochs.
        learning_rate: Step size, or ``None`` to use ``fraction_of_stable · 2/λ_max``.
        fraction_of_stable: Used when ``learning_rate`` is ``None``.
        w0: Initial slope.
        b0: Initial intercept.
        batch_size: ``None`` for full batch.
        shuffle_seed: ``None`` for data order, else the visiting order of each
            epoch is taken from [`linfit.data.epoch_order`][] and written out.
    """

    name: str
    purpose: str
    make_data: Any
    epochs: int
    learning_rate: float | None = None
    fraction_of_stable: float | None = None
    w0: float = 5.0
    b0: float = 0.0
    batch_size: int | None = None
    shuffle_seed: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _synthesized(**kwargs: Any) -> Any:
    def make() -> tuple[np.ndarray, np.ndarray]:
        import linfit

        x, y = linfit.synthesize(**kwargs)
        return x.numpy(), y.numpy()

    return make


def _fixed(x: list[float], y: list[float]) -> Any:
    return lambda: (np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32))


def _large_magnitudes() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20261124)
    x = (500.0 + 1000.0 * rng.standard_normal(200)).astype(np.float32)
    y = (0.002 * x.astype(np.float64) - 3.0 + rng.standard_normal(200)).astype(
        np.float32
    )
    return x, y


CASES = [
    CaseDefinition(
        "canonical",
        "The seeds' experiment: 1000 normal points around y = 3x + 2, 10 epochs at 0.1.",
        _synthesized(n=1000, seed=0),
        epochs=10,
        learning_rate=0.1,
    ),
    CaseDefinition(
        "linspace",
        "Evenly spaced inputs on [-2, 2] (seed 001's data), 20 epochs.",
        _synthesized(n=100, inputs="linspace", seed=0),
        epochs=20,
        learning_rate=0.1,
    ),
    CaseDefinition(
        "one_point",
        "n = 1: the Hessian is singular and the minimum is a line, not a point.",
        _fixed([1.5], [-2.0]),
        epochs=10,
        learning_rate=0.1,
    ),
    CaseDefinition(
        "two_points",
        "n = 2: the line through two points is fitted exactly in the limit.",
        _fixed([-1.0, 2.0], [0.5, 3.0]),
        epochs=10,
        learning_rate=0.1,
    ),
    CaseDefinition(
        "large_magnitudes",
        "|x| ~ 1e3 with an offset: a badly conditioned Hessian and large sums.",
        _large_magnitudes,
        epochs=10,
        fraction_of_stable=0.5,
        w0=0.0,
        b0=0.0,
    ),
    CaseDefinition(
        "near_stable_bound",
        "lr = 0.99 · 2/L: slow, sign-flipping convergence; the allowance grows with 1/(1 − ρ).",
        _synthesized(n=1000, seed=0),
        epochs=50,
        fraction_of_stable=0.99,
    ),
    CaseDefinition(
        "minibatch_shuffled",
        "Batches of 100 in a shuffled order that is written out (10 steps per epoch).",
        _synthesized(n=1000, seed=0),
        epochs=3,
        learning_rate=0.1,
        batch_size=100,
        shuffle_seed=0,
    ),
    CaseDefinition(
        "minibatch_uneven",
        "Consecutive batches of 64 with a short last batch of 40 (data order).",
        _synthesized(n=1000, seed=1),
        epochs=3,
        learning_rate=0.1,
        batch_size=64,
    ),
]
