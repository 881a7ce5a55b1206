"""The training loop: repeat the step, write down each epoch, return the History.

[`training_loop`][linfit.loop.training_loop] is the original tutorials' loop made
exact. Each epoch it notes the state the epoch starts from, takes the step (one per
minibatch), and hands the row to a recorder; after the last epoch one more row
records the final state. Row ``k`` of the resulting
[`History`][linfit.history.History] is the state after ``k`` epochs and the
full-data loss *there*: with the full batch, the loss that
[`gradient_step`][linfit.step.gradient_step] computes before its update is exactly
that loss, so recording it costs nothing.

[`train`][linfit.loop.train] is what you call. It checks the request, then hands the
run to an *engine* ([`linfit.engines`][]): the eager engine runs this loop as
written; the others compute the same rows faster. The recorder
([`linfit.engines.recorder`][]) prints, reports and guards the rows, and leaves the
model equal to the last one, even when the run stops early.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from linfit._tensorflow import tf
from linfit.history import History
from linfit.loss import l2_loss
from linfit.model import LinearModel
from linfit.step import gradient_step

if TYPE_CHECKING:
    from linfit.engines import Mode, Problem, Recorder
    from linfit.engines.recorder import Callback
    from linfit.validation import OnDivergence

__all__ = ["full_data_loss", "train", "training_loop"]

Step = Callable[[LinearModel, tf.Tensor, tf.Tensor, tf.Tensor], tf.Tensor]
Measure = Callable[[LinearModel, tf.Tensor, tf.Tensor], tf.Tensor]


def full_data_loss(model: LinearModel, x: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """The L2 loss of ``model`` on all the data (a float32 scalar)."""
    return l2_loss(model(x), y)


def training_loop(
    problem: Problem,
    recorder: Recorder,
    step: Step = gradient_step,
    measure: Measure = full_data_loss,
) -> None:
    """Train ``problem.model`` epoch by epoch, handing each History row to ``recorder``.

    Args:
        problem: The checked run: model, data, epochs, learning rate, batches.
        recorder: Receives each row ``(w, b, loss)``.
        step: One gradient step, ``step(model, x, y, rate) -> loss before it``.
        measure: The full-data loss, ``measure(model, x, y) -> loss``.
    """
    model, rate = problem.model, problem.rate
    assert model is not None  # the eager engines train a model
    x, y = problem.tensors
    for epoch in range(problem.epochs):
        w, b = model.w.numpy(), model.b.numpy()  # the state this epoch starts from
        if problem.full_batch:
            loss = step(model, x, y, rate)  # the loss at (w, b), before the update
        else:
            loss = measure(model, x, y)
            for x_batch, y_batch in problem.batches(epoch):
                step(model, x_batch, y_batch, rate)
        recorder.record(w, b, loss)
    recorder.record(model.w.numpy(), model.b.numpy(), measure(model, x, y))


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
            reproducible order of [`linfit.data.epoch_order`][].
        first_epoch: Number of the first epoch of this call in a longer run,
            used only to pick each epoch's shuffle order. A run resumed from a
            checkpoint after ``k`` epochs passes ``first_epoch=k`` so that it
            sees the batches an uninterrupted run would have seen.
        strategy: ``None`` trains on one device. A ``tf.distribute`` strategy
            (``MirroredStrategy``, ``MultiWorkerMirroredStrategy``) splits every
            batch into one shard per replica and sums the replicas' losses and
            gradients, scaled by the global batch size, so the result is the
            single-device one up to rounding (see [`linfit.parallel.mirrored`][]).
        on_divergence: ``"raise"`` stops with a
            [`DivergenceError`][linfit.errors.DivergenceError] as soon as the loss is
            non-finite or above
            [`DIVERGENCE_FACTOR`][linfit.engines.recorder.DIVERGENCE_FACTOR] times its
            start; ``"continue"`` keeps going (to show a blow-up in teaching material);
            the History may then hold ``inf`` and ``nan``.

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
    from linfit import engines  # here train hands the run to an engine

    problem = engines.Problem.checked(
        model,
        x,
        y,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        shuffle_seed=shuffle_seed,
        first_epoch=first_epoch,
        strategy=strategy,
    )
    engine = engines.pick(mode, problem)
    recorder = engines.Recorder(
        problem,
        verbose=verbose,
        callback=callback,
        progress=progress,
        on_divergence=on_divergence,
    )
    with recorder:
        engine.run(problem, recorder)
    return recorder.history()
