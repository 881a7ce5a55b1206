"""The training loop: check the request, pick an engine, let it run, return the History.

[`train`][linfit.loop.train] is deliberately short. The loop itself, the original tutorials'
loop made exact, is the eager engine ([`linfit.engines.eager`][]); other
engines compute the same rows faster ([`linfit.engines`][]). Whatever the
engine, each epoch adds one row to the History: the state *before* the epoch's
update and the full-data loss there (see [`linfit.history`][]); after the
last epoch one more row records the final state. The
[`Recorder`][linfit.recorder.Recorder] prints, reports and guards those rows and
keeps the model equal to the last one, even when the run stops early.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np

from linfit._tensorflow import tf
from linfit._variables import read_scalar
from linfit.engines import ENGINES, Mode, Problem, choose, engine, unsupported
from linfit.errors import InputTypeError, InputValueError
from linfit.history import History
from linfit.model import LinearModel
from linfit.moments import Moments, moments
from linfit.recorder import (
    DIVERGENCE_FACTOR,
    PROGRESS_BAR_MIN_EPOCHS,
    Callback,
    Recorder,
)
from linfit.validation import (
    as_data,
    check_all_finite,
    check_batch_size,
    check_callable,
    check_epochs,
    check_learning_rate,
    check_seed,
)

__all__ = [
    "DIVERGENCE_FACTOR",
    "MODES",
    "PROGRESS_BAR_MIN_EPOCHS",
    "Callback",
    "Mode",
    "OnDivergence",
    "train",
]

MODES = ("auto", *ENGINES)

OnDivergence = Literal["raise", "continue"]


def train(
    model: LinearModel,
    x: object,
    y: object,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int | None = None,
    callback: Callback | None = None,
    verbose: bool = False,
    progress: bool | None = None,
    mode: Mode | None = None,
    on_divergence: OnDivergence = "raise",
    shuffle_seed: int | None = None,
    first_epoch: int = 0,
    strategy: tf.distribute.Strategy | None = None,
) -> History:
    """Train ``model`` on ``(x, y)`` by gradient descent on the L2 loss.

    Each epoch visits the data once. With ``batch_size=None`` (full batch)
    an epoch is a single step; with ``batch_size=B`` the data is cut, in
    order, into ``ceil(N / B)`` consecutive batches (the last may be shorter)
    and the epoch takes one step per batch.

    Args:
        model: The model to train; it is updated in place.
        x: Inputs, shape ``(N,)`` or ``(N, 1)``, any real dtype (converted to
            float32, see [`linfit.validation`][]).
        y: Targets, same length as ``x``.
        epochs: Number of passes over the data, ``>= 0``.
        learning_rate: Step size, finite and ``> 0``. Full-batch descent is
            stable below [`linfit.reference.stable_learning_rate`][].
        batch_size: Points per step; ``None`` means all ``N``.
        callback: Called as ``callback(epoch, w, b, loss)`` with each row.
        verbose: Print each row to stdout in the original tutorials' format
            ([`format_row`][linfit.history.format_row]).
        progress: Show a tqdm progress bar. ``None`` shows one for runs of at
            least 1000 epochs when stderr is a terminal.
        mode: The engine that computes the run (see [`linfit.engines`][]):
            ``"eager"`` (the original tutorials' loop, op by op; the default
            without a strategy), ``"function"`` (each step a ``tf.function``),
            ``"graph"`` (many epochs per graph call), ``"xla"`` (that loop
            compiled by XLA), ``"moments"`` (one read of the data, then O(1)
            per step), ``"distributed"`` (the default with a strategy), or
            ``"auto"`` for the fastest engine that is exact for the problem.
            Every engine gives the same rows up to rounding, and ``verbose``,
            ``callback`` and the divergence guard behave the same in all.
        shuffle_seed: ``None`` visits the batches in data order every
            epoch; an integer (``0 .. 2**63 − 1``) shuffles each epoch in the
            reproducible order of [`linfit.batching.epoch_order`][].
        first_epoch: Number of the first epoch of this call in a longer run,
            used only to pick each epoch's shuffle order. A run resumed from a
            checkpoint after ``k`` epochs passes ``first_epoch=k`` so that it
            sees the batches an uninterrupted run would have seen.
        strategy: ``None`` trains on one device. A ``tf.distribute`` strategy
            (``MirroredStrategy``, ``MultiWorkerMirroredStrategy``) splits every
            batch into one shard per replica and sums the replicas' losses and
            gradients, scaled by the global batch size, so the result is the
            single-device one up to rounding (see [`linfit.distributed`][]).
        on_divergence: ``"raise"`` stops with a
            [`DivergenceError`][linfit.errors.DivergenceError] as soon as the loss is
            non-finite or above [`DIVERGENCE_FACTOR`][linfit.recorder.DIVERGENCE_FACTOR] times its
            start; ``"continue"`` keeps going (to show a blow-up in teaching material); the
            History may then hold ``inf`` and ``nan``.

    Returns:
        A float32 [`History`][linfit.history.History] with ``epochs + 1`` rows;
        row ``k`` is the state after ``k`` epochs and its full-data loss.

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If training diverges and ``on_divergence="raise"``.
            The model is left in the state of the error's last History row.
        TrainingInterrupted: On Ctrl-C (a ``KeyboardInterrupt``); the model is
            left in the state of the last row, which the exception's History ends with.

    Examples:
        >>> from linfit import LinearModel, synthesize, train
        >>> x, y = synthesize()
        >>> history = train(LinearModel(), x, y, epochs=10, learning_rate=0.1)
        >>> len(history), history.epoch[-1]
        (11, np.int64(10))
    """
    model = check_model(model)
    x_data, y_data = as_data(x, y, check_finite=False)
    problem = Problem(
        model=model,
        start=(read_scalar(model.w), read_scalar(model.b)),
        x=x_data,
        y=y_data,
        moments=finite_moments(x_data, y_data, x, y),
        epochs=check_epochs(epochs),
        learning_rate=check_learning_rate(learning_rate),
        batch_size=check_batch_size(batch_size, len(x_data)),
        shuffle_seed=check_shuffle_seed(shuffle_seed),
        first_epoch=check_epochs(first_epoch, "first_epoch"),
        strategy=check_strategy(strategy),
    )
    if on_divergence not in ("raise", "continue"):
        raise InputValueError(
            f"on_divergence must be 'raise' or 'continue', got {on_divergence!r}"
        )
    name = pick_engine(mode, problem)
    recorder = Recorder(
        model,
        problem.start,
        x_data,
        y_data,
        epochs=problem.epochs,
        learning_rate=problem.learning_rate,
        verbose=verbose,
        callback=check_callable(callback, "callback"),
        progress=progress,
        on_divergence=on_divergence,
        batch_size=problem.batch_size,
    )
    with recorder:
        engine(name)(problem, recorder)
    return recorder.history()


def check_strategy(strategy: Any) -> tf.distribute.Strategy | None:
    """Return ``strategy`` if it is ``None`` or a ``tf.distribute.Strategy``.

    Raises:
        InputTypeError: Otherwise.
    """
    if strategy is not None and not isinstance(strategy, tf.distribute.Strategy):
        raise InputTypeError(
            "strategy must be a tf.distribute.Strategy or None, got "
            f"{type(strategy).__name__}"
        )
    return strategy


def finite_moments(x: np.ndarray, y: np.ndarray, x_given: Any, y_given: Any) -> Moments:
    """The data's moments, read in one pass that also proves every value finite.

    Raises:
        InputValueError: Naming the first value that is not finite in float32.
    """
    result = moments(x, y)
    if not result.finite:
        check_all_finite(x, "x", x_given)
        check_all_finite(y, "y", y_given)
    return result


def pick_engine(mode: object, problem: Problem) -> str:
    """The engine that ``mode`` names for ``problem``.

    ``None`` means eager, or distributed with a strategy; ``"auto"`` means
    [`linfit.engines.choose`][]'s pick.

    Raises:
        InputValueError: If ``mode`` is unknown or cannot run ``problem``.
    """
    if mode is None:
        mode = "eager" if problem.strategy is None else "distributed"
    if mode not in MODES:
        raise InputValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    name = choose(problem) if mode == "auto" else str(mode)
    reason = unsupported(name, problem)
    if reason is not None:
        raise InputValueError(reason)
    return name


def check_shuffle_seed(shuffle_seed: object) -> int | None:
    """``None``, or an integer seed from 0 to ``2**63 − 1``.

    Raises:
        InputTypeError: If it is not ``None`` or an integer.
        InputValueError: If it is out of range.
    """
    if shuffle_seed is None:
        return None
    return check_seed(shuffle_seed, "shuffle_seed")


def check_model(model: object) -> LinearModel:
    """Return ``model`` if linfit can train it, else refuse it.

    A trainable model is a ``tf.Module`` whose ``w`` and ``b`` are trainable
    float32 scalar ``tf.Variable`` objects, as in [`LinearModel`][linfit.model.LinearModel].

    Raises:
        InputTypeError: If ``model`` or its ``w``/``b`` have the wrong type.
        InputValueError: If ``w``/``b`` have the wrong dtype or shape, or are not trainable.
    """
    if (
        not isinstance(model, tf.Module)
        or not hasattr(model, "w")
        or not hasattr(model, "b")
    ):
        raise InputTypeError(
            f"model must be a linfit.LinearModel (a tf.Module with variables w and b), "
            f"got {type(model).__name__}"
        )
    for name in ("w", "b"):
        variable = getattr(model, name)
        if not isinstance(variable, tf.Variable):
            raise InputTypeError(
                f"model.{name} must be a tf.Variable, got {type(variable).__name__}; "
                "create the model with linfit.LinearModel(w, b)"
            )
        if variable.dtype != tf.float32 or variable.shape.rank != 0:
            raise InputValueError(
                f"model.{name} must be a float32 scalar variable, got "
                f"{variable.dtype.name} with shape {tuple(variable.shape)}"
            )
        if not variable.trainable:
            raise InputValueError(
                f"model.{name} is not trainable, so training would change nothing; "
                "create it with trainable=True"
            )
    return cast(LinearModel, model)
