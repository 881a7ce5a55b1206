"""Property 2: below the stable learning rate the loss never rises; above it, it blows up.

Full-batch gradient descent on a quadratic loss with Hessian ``H`` moves the
parameters by the linear map ``I − lr·H``. For ``lr < 2/L`` (``L`` the
largest eigenvalue of ``H``) the exact loss never increases; for ``lr > 2/L``
the component along the top eigenvector is multiplied by
``|1 − lr·L| > 1`` each step and the loss grows without bound.

In float32 "never increases" holds up to rounding. The allowance per step is
:func:`linfit.bounds.descent_allowance` (rounding of the two loss values plus
what the step's own rounding can add to the exact loss). The same analysis
gives the strict statement: whenever the exact decrease exceeds the allowance,
the computed loss must strictly fall. So the test checks both directions and
cannot pass by allowing everything.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import Problem, examples, problems
from test_gradient import CANONICAL

import linfit
from linfit import bounds, reference

EPOCHS = 30


def run(problem: Problem, learning_rate: float, epochs: int) -> linfit.History:
    model = linfit.LinearModel(w=problem.w, b=problem.b)
    return linfit.train(
        model,
        problem.x,
        problem.y,
        epochs=epochs,
        learning_rate=learning_rate,
        mode="function",
        on_divergence="continue",  # the divergence test wants to watch the blow-up
    )


@settings(max_examples=examples(30))
@given(problems(), st.floats(0.01, 0.9))
@example(CANONICAL, 0.1 / reference.stable_learning_rate(CANONICAL.x))
def test_loss_never_increases_beyond_rounding_below_stable_rate(
    problem: Problem, fraction: float
) -> None:
    """lr ≤ 0.9·2/L: loss[k+1] ≤ loss[k] + allowance_k; strictly less if the exact drop is more."""
    learning_rate = fraction * reference.stable_learning_rate(problem.x)
    history = run(problem, learning_rate, EPOCHS)
    x64, y64 = problem.x.astype(np.float64), problem.y.astype(np.float64)
    for k in range(EPOCHS):
        before = (float(history.w[k]), float(history.b[k]))
        after = (float(history.w[k + 1]), float(history.b[k + 1]))
        allowance = bounds.descent_allowance(problem.x, problem.y, learning_rate, before, after)
        rise = float(history.loss[k + 1]) - float(history.loss[k])
        assert rise <= allowance, f"epoch {k}: loss rose by {rise} > allowance {allowance}"
        exact_next = reference.step(*before, x64, y64, learning_rate)
        exact_drop = reference.loss(*before, x64, y64) - reference.loss(*exact_next, x64, y64)
        if exact_drop > allowance:
            assert rise < 0, f"epoch {k}: exact drop {exact_drop} > {allowance} but loss rose"


def test_canonical_experiment_decreases_strictly_for_all_ten_epochs() -> None:
    """The seeds' run (lr 0.1, 10 epochs) is far from rounding level throughout."""
    history = run(CANONICAL, 0.1, 10)
    assert np.all(np.diff(history.loss) < 0)


def top_eigenvector_start(problem: Problem) -> tuple[float, float]:
    """The optimum plus a unit step along each eigenvector of H.

    Starting there guarantees a non-zero component along the top eigenvector,
    the one that must blow up above 2/L.
    """
    w_opt, b_opt = reference.least_squares(problem.x, problem.y)
    _, vectors = np.linalg.eigh(reference.hessian(problem.x))
    scale = max(1.0, abs(w_opt), abs(b_opt))
    start = np.array([w_opt, b_opt]) + scale * (vectors[:, 0] + vectors[:, 1])
    return float(np.float32(start[0])), float(np.float32(start[1]))


@settings(max_examples=examples(20))
@given(problems(), st.floats(1.01, 1.5))
@example(CANONICAL, 1.01)
def test_loss_grows_without_bound_above_stable_rate(problem: Problem, factor: float) -> None:
    """For lr = factor·2/L with factor ≥ 1.01, the loss grows by ≥ 10^6 and keeps growing.

    The top mode's share of the excess loss grows like (lr·L − 1)^{2k}; we run
    k = ⌈ln(10^8) / (2 ln(lr·L − 1))⌉ epochs so that, starting from a unit
    component on each eigenvector, it has grown by 10^8 — well past the 10^6
    we assert, whatever the other mode does (it cannot grow faster).
    """
    learning_rate = factor * reference.stable_learning_rate(problem.x)
    growth = 2.0 * factor - 1.0  # lr·L − 1
    epochs = math.ceil(math.log(1e8) / (2.0 * math.log(growth)))
    w0, b0 = top_eigenvector_start(problem)
    history = run(Problem(problem.x, problem.y, w0, b0), learning_rate, epochs)
    excess = history.loss - reference.loss(
        *reference.least_squares(problem.x, problem.y),
        problem.x.astype(np.float64),
        problem.y.astype(np.float64),
    )
    assert excess[-1] >= 1e6 * excess[0]
    tail = history.loss[-5:]
    assert np.all(np.diff(tail) > 0)
