"""One property suite, run against every engine.

Each engine must compute the run that the float64 oracle computes, within the
rounding bounds of :mod:`linfit.bounds`, and behave the same at the edges. The
laws, each checked for every engine:

1. **gradient**: one step lands within :func:`~linfit.bounds.step_error_bound`
   of the exact step (which is the gradient, scaled by the learning rate, plus
   the rounding of the new parameters);
2. **descent**: below 2/λ_max the loss never rises by more than
   :func:`~linfit.bounds.descent_allowance`, and falls strictly whenever the
   exact drop exceeds it; above 2/λ_max it grows without bound;
3. **trajectory**: every History row within
   :func:`~linfit.bounds.trajectory_error_bound` of the oracle's, every loss
   within :func:`~linfit.bounds.loss_error_bound` of the exact loss at the
   recorded parameters (full batch, and minibatches where the engine takes them);
4. **determinism**: the same call twice gives the same bits;
5. **divergence**: above 2/λ_max the run stops with a ``DivergenceError`` whose
   History ends at the first row over the threshold;
6. **interrupt**: Ctrl-C (a ``KeyboardInterrupt`` from the callback) becomes
   ``TrainingInterrupted`` carrying the rows so far; another exception from the
   callback passes through unchanged;
7. **model equals the last row** after every one of those ways out.

Hypothesis draws the data; the example counts are smaller for the engines that
compile one program per data size (graph, XLA) or run on two logical devices.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import CANONICAL, Setup, examples, problems

import linfit
from linfit import bounds, reference
from linfit.engines import ENGINES
from linfit.engines.recorder import DIVERGENCE_FACTOR

FULL_BATCH = list(ENGINES)
MINIBATCH = ["eager", "function", "moments", "distributed"]
SHUFFLED = ["eager", "function", "moments"]
CHEAP = {"eager": 1.0, "function": 1.0, "moments": 1.0, "graph": 0.4, "xla": 0.3}


def budget(engine: str, count: int) -> int:
    """Examples for ``engine``: ``count`` if it is cheap, fewer if it compiles or distributes."""
    return max(3, int(examples(count) * CHEAP.get(engine, 0.3)))


@pytest.fixture(scope="module")
def strategy():
    from linfit.parallel.mirrored import mirrored_strategy

    return mirrored_strategy()


def train(engine: str, strategy, problem: Setup, **settings_) -> linfit.History:
    model = linfit.LinearModel(w=problem.w, b=problem.b)
    history = linfit.train(
        model,
        problem.x,
        problem.y,
        mode=engine,
        strategy=strategy if engine == "distributed" else None,
        **settings_,
    )
    assert_model_is_at_last_row(model, history)
    return history


def assert_model_is_at_last_row(
    model: linfit.LinearModel, history: linfit.History
) -> None:
    assert model.w.numpy().tobytes() == history.w[-1:].tobytes()
    assert model.b.numpy().tobytes() == history.b[-1:].tobytes()


# 1. gradient ---------------------------------------------------------------


@pytest.mark.parametrize("engine", FULL_BATCH)
def test_one_step_is_the_exact_step_within_rounding(engine, strategy) -> None:
    @settings(max_examples=budget(engine, 30))
    @given(problems(), st.floats(0.01, 1.5))
    @example(CANONICAL, 0.1 / reference.stable_learning_rate(CANONICAL.x))
    def check(problem: Setup, fraction: float) -> None:
        """p₁ = p₀ − lr·∇L(p₀) up to the step bound (γ_{n+8}-scaled gradient error + rounding)."""
        rate = fraction * reference.stable_learning_rate(problem.x)
        history = train(
            engine,
            strategy,
            problem,
            epochs=1,
            learning_rate=rate,
            on_divergence="continue",
        )
        x64, y64 = problem.x.astype(np.float64), problem.y.astype(np.float64)
        exact = reference.step(problem.w, problem.b, x64, y64, rate)
        allowed = bounds.step_error_bound(
            problem.w, problem.b, problem.x, problem.y, rate
        )
        assert math.hypot(history.w[1] - exact[0], history.b[1] - exact[1]) <= allowed

    check()


# 2. descent ----------------------------------------------------------------


@pytest.mark.parametrize("engine", FULL_BATCH)
def test_loss_never_rises_beyond_rounding_below_the_stable_rate(
    engine, strategy
) -> None:
    @settings(max_examples=budget(engine, 20))
    @given(problems(), st.floats(0.01, 0.9))
    @example(CANONICAL, 0.1 / reference.stable_learning_rate(CANONICAL.x))
    def check(problem: Setup, fraction: float) -> None:
        """loss[k+1] ≤ loss[k] + allowance_k, and < loss[k] when the exact drop is larger."""
        rate = fraction * reference.stable_learning_rate(problem.x)
        history = train(engine, strategy, problem, epochs=15, learning_rate=rate)
        x64, y64 = problem.x.astype(np.float64), problem.y.astype(np.float64)
        for k in range(15):
            before = (float(history.w[k]), float(history.b[k]))
            after = (float(history.w[k + 1]), float(history.b[k + 1]))
            allowance = bounds.descent_allowance(
                problem.x, problem.y, rate, before, after
            )
            rise = float(history.loss[k + 1]) - float(history.loss[k])
            assert rise <= allowance, f"epoch {k}: rose by {rise} > {allowance}"
            exact_next = reference.step(*before, x64, y64, rate)
            drop = reference.loss(*before, x64, y64) - reference.loss(
                *exact_next, x64, y64
            )
            if drop > allowance:
                assert rise < 0, (
                    f"epoch {k}: exact drop {drop} > {allowance} but loss rose"
                )

    check()


def top_eigenvector_start(problem: Setup) -> tuple[float, float]:
    """The optimum plus a unit step along each eigenvector of H (so the top mode is excited)."""
    w_opt, b_opt = reference.least_squares(problem.x, problem.y)
    _, vectors = np.linalg.eigh(reference.hessian(problem.x))
    scale = max(1.0, abs(w_opt), abs(b_opt))
    start = np.array([w_opt, b_opt]) + scale * (vectors[:, 0] + vectors[:, 1])
    return float(np.float32(start[0])), float(np.float32(start[1]))


@pytest.mark.parametrize("engine", FULL_BATCH)
def test_loss_grows_without_bound_above_the_stable_rate(engine, strategy) -> None:
    # Fewer examples than elsewhere: near 2/λ_max a run needs hundreds of epochs to grow
    # by 10^8, and the eager engine takes them one Python step at a time.
    @settings(max_examples=budget(engine, 8))
    @given(problems(), st.floats(1.01, 1.5))
    @example(CANONICAL, 1.01)
    def check(problem: Setup, factor: float) -> None:
        """Above 2/λ_max the excess loss grows like (lr·λ_max − 1)^{2k}: ×10^6 in the run.

        Starting with a unit component on each eigenvector, after
        k = ⌈ln(10^8) / (2 ln(lr·λ_max − 1))⌉ epochs the top mode has grown by 10^8.
        """
        rate = factor * reference.stable_learning_rate(problem.x)
        epochs = math.ceil(math.log(1e8) / (2.0 * math.log(2.0 * factor - 1.0)))
        w0, b0 = top_eigenvector_start(problem)
        start = Setup(problem.x, problem.y, w0, b0)
        history = train(
            engine,
            strategy,
            start,
            epochs=epochs,
            learning_rate=rate,
            on_divergence="continue",
        )
        optimum = reference.least_squares(problem.x, problem.y)
        floor = reference.loss(
            *optimum, problem.x.astype(np.float64), problem.y.astype(np.float64)
        )
        excess = history.loss.astype(np.float64) - floor
        assert excess[-1] >= 1e6 * excess[0]
        assert np.all(np.diff(history.loss[-5:]) > 0)

    check()


# 3. trajectory -------------------------------------------------------------


def assert_follows_oracle(history: linfit.History, problem: Setup, **settings_) -> None:
    oracle = reference.train(
        problem.x, problem.y, w=problem.w, b=problem.b, **settings_
    )
    allowed = bounds.trajectory_error_bound(
        problem.x, problem.y, w=problem.w, b=problem.b, **settings_
    )
    distance = np.hypot(history.w - oracle.w, history.b - oracle.b)
    assert np.all(distance <= allowed), (
        f"rows {np.nonzero(distance > allowed)[0]} off the oracle"
    )
    x64, y64 = problem.x.astype(np.float64), problem.y.astype(np.float64)
    for w, b, loss in zip(history.w, history.b, history.loss, strict=True):
        exact = reference.loss(float(w), float(b), x64, y64)
        assert abs(float(loss) - exact) <= bounds.loss_error_bound(w, b, x64, y64)


@pytest.mark.parametrize("engine", FULL_BATCH)
def test_full_batch_trajectory_follows_the_oracle(engine, strategy) -> None:
    @settings(max_examples=budget(engine, 25))
    @given(problems(), st.floats(0.05, 0.99))
    @example(CANONICAL, 0.1 / reference.stable_learning_rate(CANONICAL.x))
    def check(problem: Setup, fraction: float) -> None:
        rate = fraction * reference.stable_learning_rate(problem.x)
        history = train(engine, strategy, problem, epochs=20, learning_rate=rate)
        assert_follows_oracle(history, problem, epochs=20, learning_rate=rate)

    check()


@pytest.mark.parametrize("engine", MINIBATCH)
def test_minibatch_trajectory_follows_the_oracle(engine, strategy) -> None:
    @settings(max_examples=budget(engine, 12))
    @given(problems(), st.floats(0.05, 0.5), st.integers(1, 4))
    def check(problem: Setup, fraction: float, batches: int) -> None:
        """Stability per step needs lr below 2/λ_max of each batch: the smallest is used."""
        n = problem.x.size
        batch_size = max(1, -(-n // batches))
        slices = reference.batch_slices(n, batch_size)
        rate = fraction * min(
            reference.stable_learning_rate(problem.x[s]) for s in slices
        )
        history = train(
            engine,
            strategy,
            problem,
            epochs=4,
            learning_rate=rate,
            batch_size=batch_size,
        )
        assert_follows_oracle(
            history, problem, epochs=4, learning_rate=rate, batch_size=batch_size
        )

    check()


@pytest.mark.parametrize("engine", SHUFFLED)
def test_shuffled_trajectory_follows_the_oracle_replaying_the_order(
    engine, strategy
) -> None:
    @settings(max_examples=budget(engine, 8))
    @given(problems(), st.integers(1, 6), st.integers(0, 2**31), st.integers(0, 5))
    def check(problem: Setup, batches: int, seed: int, first_epoch: int) -> None:
        n = problem.x.size
        batch_size = max(1, -(-n // batches))
        rate = 0.3 * min(
            reference.stable_learning_rate(problem.x[s])
            for s in reference.batch_slices(n, batch_size)
        )
        history = train(
            engine,
            strategy,
            problem,
            epochs=3,
            learning_rate=rate,
            batch_size=batch_size,
            shuffle_seed=seed,
            first_epoch=first_epoch,
        )
        order = linfit.epoch_order(n, seed, first_epoch + 3)[first_epoch:]
        assert_follows_oracle(
            history,
            problem,
            epochs=3,
            learning_rate=rate,
            batch_size=batch_size,
            order=order,
        )

    check()


# 4. determinism ------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "batch_size"),
    [(engine, None) for engine in FULL_BATCH] + [(engine, 300) for engine in MINIBATCH],
)
def test_same_call_gives_the_same_bits(engine, strategy, batch_size) -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=1000, seed=11))
    problem = Setup(x, y, 5.0, 0.0)
    first = train(
        engine, strategy, problem, epochs=8, learning_rate=0.1, batch_size=batch_size
    )
    again = train(
        engine, strategy, problem, epochs=8, learning_rate=0.1, batch_size=batch_size
    )
    assert first.equals(again)


@pytest.mark.parametrize(
    ("engine", "batch_size"), [("function", None), ("function", 300), ("graph", None)]
)
@pytest.mark.parametrize("inputs", ["normal", "linspace"])
def test_compiled_engines_equal_eager_bit_for_bit(
    engine, strategy, inputs, batch_size
) -> None:
    """The same float32 operations in the same order: eager = function = graph, bit for bit."""
    x, y = (t.numpy() for t in linfit.synthesize(n=1000, inputs=inputs, seed=5))
    problem = Setup(x, y, 5.0, 0.0)
    settings_ = {"epochs": 15, "learning_rate": 0.1, "batch_size": batch_size}
    eager = train("eager", strategy, problem, **settings_)
    assert train(engine, strategy, problem, **settings_).equals(eager)


# 5. divergence -------------------------------------------------------------


@pytest.mark.parametrize("engine", FULL_BATCH)
def test_divergence_stops_at_the_first_row_over_the_threshold(engine, strategy) -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=500, seed=4))
    bound = reference.stable_learning_rate(x)
    model = linfit.LinearModel()
    with pytest.raises(linfit.DivergenceError) as info:
        linfit.train(
            model,
            x,
            y,
            epochs=500,
            learning_rate=1.5 * bound,
            mode=engine,
            strategy=strategy if engine == "distributed" else None,
        )
    error = info.value
    history = error.history
    assert isinstance(error, ValueError) and isinstance(error, linfit.LinfitError)
    assert f"2/λ_max = {bound:.6g}" in str(error) and f"epoch {error.epoch}" in str(
        error
    )
    assert error.stable_learning_rate == bound
    assert len(history) == error.epoch + 1
    assert history.loss[-1] > DIVERGENCE_FACTOR * history.loss[0]
    assert np.all(history.loss[:-1] <= DIVERGENCE_FACTOR * history.loss[0] * 1.001)
    # Growth is geometric at rate (lr·λ_max − 1)² = 4: 10^4 is crossed within ~10 epochs.
    assert error.epoch <= math.ceil(math.log(DIVERGENCE_FACTOR) / math.log(4)) + 3
    assert_model_is_at_last_row(model, history)


# 6. interrupt --------------------------------------------------------------


def raise_at(row: int, error: BaseException):
    def callback(epoch: int, w: float, b: float, loss: float) -> None:
        if epoch == row:
            raise error

    return callback


@pytest.mark.parametrize("engine", FULL_BATCH)
@pytest.mark.parametrize("row", [0, 3, 10])
def test_ctrl_c_keeps_the_rows_and_the_model_at_the_last_one(
    engine, strategy, row
) -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=200, seed=1))
    model = linfit.LinearModel()
    full = train(engine, strategy, Setup(x, y, 5.0, 0.0), epochs=10, learning_rate=0.1)
    with pytest.raises(linfit.TrainingInterrupted) as info:
        linfit.train(
            model,
            x,
            y,
            epochs=10,
            learning_rate=0.1,
            mode=engine,
            strategy=strategy if engine == "distributed" else None,
            callback=raise_at(row, KeyboardInterrupt()),
        )
    assert isinstance(info.value, KeyboardInterrupt)
    history = info.value.history
    assert len(history) == row + 1
    assert (
        history.w.tobytes() == full.w[: row + 1].tobytes()
    )  # the rows before the interrupt
    assert_model_is_at_last_row(model, history)


@pytest.mark.parametrize("engine", FULL_BATCH)
def test_a_failing_callback_passes_through_and_the_model_stays_at_its_row(
    engine, strategy
) -> None:
    x, y = (t.numpy() for t in linfit.synthesize(n=200, seed=1))
    model = linfit.LinearModel()
    seen = []

    def callback(epoch: int, w: float, b: float, loss: float) -> None:
        seen.append((w, b))
        if epoch == 4:
            raise RuntimeError("the user's callback failed")

    with pytest.raises(RuntimeError, match="user's callback"):
        linfit.train(
            model,
            x,
            y,
            epochs=10,
            learning_rate=0.1,
            mode=engine,
            strategy=strategy if engine == "distributed" else None,
            callback=callback,
        )
    assert (float(model.w.numpy()), float(model.b.numpy())) == seen[-1]


# 7. which engine runs what -------------------------------------------------


def test_auto_picks_the_moments_engine_and_the_strategy_picks_distributed(
    strategy,
) -> None:
    from linfit import engines

    x, y = (t.numpy() for t in linfit.synthesize(n=100, seed=1))
    problem = engines.Problem.checked(
        linfit.LinearModel(), x, y, epochs=3, learning_rate=0.1
    )
    assert engines.pick("auto", problem) is engines.moments
    assert engines.pick(None, problem) is engines.eager
    problem.strategy = strategy
    assert engines.pick("auto", problem) is engines.distributed
    assert engines.pick(None, problem) is engines.distributed


@pytest.mark.parametrize(
    ("engine", "settings_", "fragment"),
    [
        ("graph", {"batch_size": 10}, "full batch only"),
        ("xla", {"batch_size": 10, "shuffle_seed": 1}, "full batch only"),
        ("distributed", {}, "needs a tf.distribute strategy"),
        ("turbo", {}, "mode must be one of"),
    ],
)
def test_engines_refuse_what_they_cannot_run(engine, settings_, fragment) -> None:
    x, y = linfit.synthesize(n=100, seed=1)
    with pytest.raises(linfit.InputValueError, match=fragment):
        linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=1,
            learning_rate=0.1,
            mode=engine,
            **settings_,
        )


def test_a_strategy_with_a_single_device_engine_is_refused(strategy) -> None:
    x, y = linfit.synthesize(n=100, seed=1)
    with pytest.raises(linfit.InputValueError, match="needs the 'distributed' engine"):
        linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=1,
            learning_rate=0.1,
            mode="xla",
            strategy=strategy,
        )
