"""The training loop: repeat the gradient step and write down what happened.

:func:`train` is the seeds' loop made exact. Each epoch it records the state
of the model, then updates it. With the full batch (the default) one epoch is
one gradient step, and the loss that the step computes *before* its update is
exactly the loss of the recorded state, so recording it costs nothing. After
the last epoch one more forward pass measures the loss of the final state.
See :mod:`linfit.history` for what a row means.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any, Literal, cast

from tqdm.auto import tqdm

from linfit._tensorflow import tf
from linfit.batching import epoch_batches
from linfit.bounds import loss_error_bound
from linfit.errors import DivergenceError, InputTypeError, InputValueError
from linfit.history import History, format_row
from linfit.loss import l2_loss
from linfit.model import LinearModel
from linfit.reference import stable_learning_rate
from linfit.step import gradient_step
from linfit.validation import as_data, check_batch_size, check_epochs, check_learning_rate

__all__ = ["DIVERGENCE_FACTOR", "Callback", "Mode", "OnDivergence", "train"]

Mode = Literal["eager", "function", "graph", "xla"]
"""How training runs: ``"eager"`` op by op in Python; ``"function"`` with each
step a ``tf.function`` graph; ``"graph"`` with the whole epoch loop in one
graph; ``"xla"`` with that graph compiled by XLA. The first three are
bit-identical on CPU; ``"xla"`` agrees within the rounding bound. ``"graph"``
and ``"xla"`` support full-batch training (see :mod:`linfit.compiled`)."""

MODES = ("eager", "function", "graph", "xla")

Callback = Callable[[int, float, float, float], object]
"""Called as ``callback(epoch, w, b, loss)`` for every History row, in order."""

DIVERGENCE_FACTOR = 1e4
"""Training is declared divergent when the full-data loss exceeds this many
times its starting value, or stops being finite.

Below the stable learning rate the exact full-batch loss never rises above its
start (rounding adds far less than a factor), so crossing this line is proof
of instability, not a false alarm; minibatch noise moves the full-data loss by
small factors, not by 10^4. Above the bound the loss grows geometrically and
crosses the line after a few dozen epochs, long before it overflows."""

OnDivergence = Literal["raise", "continue"]

PROGRESS_BAR_MIN_EPOCHS = 1000
"""With ``progress=None``, a progress bar appears from this many epochs on
(and only when stderr is a terminal)."""


def _check_model(model: object) -> LinearModel:
    if not isinstance(model, tf.Module) or not hasattr(model, "w") or not hasattr(model, "b"):
        raise InputTypeError(
            f"model must be a linfit.LinearModel (a tf.Module with variables w and b), "
            f"got {type(model).__name__}"
        )
    if not model.trainable_variables:
        raise InputValueError(
            "model has no trainable variables, so training would change nothing; "
            "create its w and b as trainable tf.Variables"
        )
    return cast(LinearModel, model)


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
    mode: Mode = "eager",
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
            float32, see :mod:`linfit.validation`).
        y: Targets, same length as ``x``.
        epochs: Number of passes over the data, ``>= 0``.
        learning_rate: Step size, finite and ``> 0``. Full-batch descent is
            stable below :func:`linfit.reference.stable_learning_rate`.
        batch_size: Points per step; ``None`` means all ``N``.
        callback: Called as ``callback(epoch, w, b, loss)`` with each row.
        verbose: Print each row in the seeds' format to stdout.
        progress: Show a tqdm progress bar. ``None`` shows one for runs of at
            least 1000 epochs when stderr is a terminal.
        mode: ``"eager"``, ``"function"`` (each step a ``tf.function``),
            ``"graph"`` (the whole loop in one graph) or ``"xla"`` (that graph
            compiled by XLA); see :data:`Mode`. In ``"graph"`` and ``"xla"``
            modes ``verbose`` and ``callback`` see the rows after the run.
        shuffle_seed: ``None`` visits the batches in data order every
            epoch; an integer shuffles each epoch with ``tf.data`` in the
            reproducible order of :func:`linfit.batching.epoch_order`.
        first_epoch: Number of the first epoch of this call in a longer run,
            used only to pick each epoch's shuffle order. A run resumed from a
            checkpoint after ``k`` epochs passes ``first_epoch=k`` so that it
            sees the batches an uninterrupted run would have seen.
        strategy: ``None`` trains on one device. A ``tf.distribute`` strategy
            (``MirroredStrategy``, ``MultiWorkerMirroredStrategy``) splits every
            batch into one shard per replica and sums the replicas' losses and
            gradients, scaled by the global batch size, so the result is the
            single-device one up to rounding (see :mod:`linfit.distributed`).
        on_divergence: ``"raise"`` stops with a
            :class:`~linfit.errors.DivergenceError` as soon as the loss is
            non-finite or above :data:`DIVERGENCE_FACTOR` times its start;
            ``"continue"`` keeps going (to show a blow-up in teaching
            material); the History may then hold ``inf`` and ``nan``.

    Returns:
        A float32 :class:`~linfit.history.History` with ``epochs + 1`` rows;
        row ``k`` is the state after ``k`` epochs and its full-data loss.

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If training diverges and ``on_divergence="raise"``.

    Examples:
        >>> from linfit import LinearModel, synthesize, train
        >>> x, y = synthesize()
        >>> history = train(LinearModel(), x, y, epochs=10, learning_rate=0.1)
        >>> len(history), history.epoch[-1]
        (11, np.int64(10))
    """
    model = _check_model(model)
    x_data, y_data = as_data(x, y)
    epochs = check_epochs(epochs)
    learning_rate = check_learning_rate(learning_rate)
    n = len(x_data)
    batch_size = check_batch_size(batch_size, n)
    if mode not in MODES:
        raise InputValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode in ("graph", "xla") and (batch_size != n or shuffle_seed is not None):
        raise InputValueError(
            f"mode={mode!r} trains with the full batch only; use mode='function' for minibatches"
        )
    if shuffle_seed is not None and (
        isinstance(shuffle_seed, bool) or not isinstance(shuffle_seed, int) or shuffle_seed < 0
    ):
        raise InputValueError(f"shuffle_seed must be None or an integer >= 0, got {shuffle_seed!r}")
    first_epoch = check_epochs(first_epoch)
    if on_divergence not in ("raise", "continue"):
        raise InputValueError(f"on_divergence must be 'raise' or 'continue', got {on_divergence!r}")

    x_all = tf.constant(x_data)
    y_all = tf.constant(y_data)
    rate = tf.constant(learning_rate, dtype=tf.float32)

    def full_data_loss() -> tf.Tensor:
        return l2_loss(model(x_all), y_all)

    step = gradient_step
    measure = full_data_loss
    if mode == "function":
        step = tf.function(gradient_step)
        measure = tf.function(full_data_loss)

    batches = [
        (x_all[start : start + batch_size], y_all[start : start + batch_size])
        for start in range(0, n, batch_size)
    ]
    ws: list[float] = []
    bs: list[float] = []
    losses: list[float] = []
    limit: list[float] = []

    def record(w: float, b: float, loss: float) -> None:
        w, b, loss = float(w), float(b), float(loss)
        epoch = len(ws)
        ws.append(w)
        bs.append(b)
        losses.append(loss)
        if verbose:
            print(format_row(epoch, w, b, loss), flush=True)
        if callback is not None:
            callback(epoch, w, b, loss)
        if epoch == 0:
            if not math.isfinite(loss):
                raise InputValueError(
                    f"the loss at the starting point (w={w:g}, b={b:g}) is {loss} in float32: "
                    "the data or parameters are too large to square without overflow; "
                    "rescale x and y (e.g. to unit standard deviation)"
                )
            # The start's loss is known only up to rounding; that also keeps the
            # threshold positive when training starts at an exact fit.
            limit.append(DIVERGENCE_FACTOR * (loss + loss_error_bound(w, b, x_data, y_data)))
        if on_divergence == "raise" and not (math.isfinite(loss) and loss <= limit[0]):
            raise DivergenceError(
                epoch,
                loss,
                learning_rate,
                stable_learning_rate(x_data),
                History.from_rows(ws, bs, losses, dtype="float32"),
            )

    def finish(columns: Any) -> History:
        """Record rows computed elsewhere (graph, XLA, strategy) and move the model there."""
        for w, b, loss in zip(*columns, strict=True):  # rows are reported after the run
            record(w, b, loss)
        model.w.assign(ws[-1])
        model.b.assign(bs[-1])
        return History.from_rows(ws, bs, losses, dtype="float32")

    if strategy is not None:
        if shuffle_seed is not None or mode in ("graph", "xla"):
            raise InputValueError(
                "strategy= trains with data-order batches in its own compiled step; "
                "it cannot be combined with shuffle_seed or mode='graph'/'xla'"
            )
        from linfit.distributed import train_distributed

        w0, b0 = float(model.w.numpy()), float(model.b.numpy())
        columns = train_distributed(
            strategy,
            w0,
            b0,
            x_data,
            y_data,
            epochs=epochs,
            learning_rate=learning_rate,
            batch_size=batch_size,
        )
        return finish(columns)

    if mode in ("graph", "xla"):
        from linfit.compiled import run_loop

        w0, b0 = float(model.w.numpy()), float(model.b.numpy())
        return finish(run_loop(w0, b0, x_all, y_all, learning_rate, epochs, xla=mode == "xla"))

    if progress is None:
        progress = epochs >= PROGRESS_BAR_MIN_EPOCHS and sys.stderr.isatty()
    for epoch in tqdm(range(epochs), disable=not progress, desc="training", unit="epoch"):
        w_before, b_before = model.w.numpy(), model.b.numpy()
        if shuffle_seed is None and len(batches) == 1:
            loss_before = step(model, x_all, y_all, rate)  # the full-data loss, for free
        else:
            loss_before = measure()
            if shuffle_seed is not None:
                shuffled = epoch_batches(
                    x_all, y_all, batch_size, shuffle_seed, first_epoch + epoch
                )
                batches = [(x_batch, y_batch) for x_batch, y_batch, _ in shuffled]
            for x_batch, y_batch in batches:
                step(model, x_batch, y_batch, rate)
        record(w_before, b_before, loss_before.numpy())
    record(model.w.numpy(), model.b.numpy(), measure().numpy())
    return History.from_rows(ws, bs, losses, dtype="float32")
