"""Training on a data file without loading it: one read for a full-batch run.

The loss and gradient of a line depend on the data only through its count and
five moments ([`linfit.moments`][]), and moments of pieces add up. So
[`train_streaming`][linfit.files.streaming.train_streaming] reads the file once, in
pieces of bounded size ([`linfit.files.sources`][]), into a
[`MomentSums`][linfit.moments.MomentSums], and the moments engine then takes every
full-batch epoch in O(1): memory stays flat however large the file is, and the
History equals that of loading the file and calling ``train(mode="moments")`` up
to the moments' float64 rounding ([`linfit.bounds.moments_error_bound`][]).

Minibatches in data order need a pass per epoch: each epoch streams the file again
through ``tf.data`` (the original tutorials' tool for input pipelines), re-cut into batches of
``batch_size`` with ``Dataset.rebatch``, and takes the steps of
[`linfit.loop.training_loop`][]; each row's full-data loss comes from the moments.
A shuffled run visits the points in a new order every epoch, which needs them all
in memory: it loads them if they fit and otherwise says how much memory it needs.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from linfit.errors import InputValueError
from linfit.files.csvfile import Columns
from linfit.files.sources import Source, chunks, is_path, read_moments, read_points
from linfit.moments import Moments

if TYPE_CHECKING:
    from linfit.history import History
    from linfit.model import LinearModel

__all__ = ["free_memory", "train_on_moments", "train_streaming"]


def free_memory() -> float:
    """Bytes of memory available now (Linux), else infinity (unknown)."""
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def _in_memory(source: Source, n: int, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """Every point of ``source``, for a run that needs them all at once."""
    needed = 24.0 * n  # float32 x and y, and the TensorFlow copies of a batch order
    free = free_memory()
    if needed > free / 2:
        raise InputValueError(
            f"a shuffled run visits the {n:,} points in a new order every epoch, so "
            f"it needs them all in memory (about {needed / 2**30:.1f} GiB; "
            f"{free / 2**30:.1f} GiB are free): train with batches in data order "
            "(no shuffle_seed), which streams the file, or on a sample of it"
        )
    return read_points(source, **options)


def train_streaming(
    model: LinearModel,
    source: Source,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int | None = None,
    shuffle_seed: int | None = None,
    columns: Columns | None = None,
    comments: str | None = None,
    callback: Any = None,
    verbose: bool = False,
    progress: bool | None = None,
    on_divergence: str = "raise",
) -> History:
    """[`linfit.train`][linfit.loop.train] on the points of a file, without loading it.

    A full-batch run reads ``source`` once and runs on the moments engine; a
    minibatch run reads it once for the moments and once per epoch through
    ``tf.data``; a shuffled run loads the points if they fit in memory. A source
    that can be read only once (a stream, an iterator) is read into memory when a
    run needs more than one pass.

    Args:
        model: The model to train; it is updated in place.
        source: What [`chunks`][linfit.files.sources.chunks] reads.
        epochs: Number of passes over the data, ``>= 0``.
        learning_rate: Step size, finite and ``> 0``.
        batch_size: Points per step; ``None`` means all of them.
        shuffle_seed: ``None`` for batches in data order, else the seed of each
            epoch's order, as for [`linfit.train`][linfit.loop.train].
        columns: The two columns to read, as for
            [`chunks`][linfit.files.sources.chunks].
        comments: For CSV: a character that starts a comment line.
        callback: Called as ``callback(epoch, w, b, loss)`` with each row.
        verbose: Print each row to stdout.
        progress: Show a progress bar (``None``: for long runs on a terminal).
        on_divergence: ``"raise"`` or ``"continue"``, as for
            [`linfit.train`][linfit.loop.train].

    Returns:
        A float32 [`History`][linfit.history.History] with ``epochs + 1`` rows.

    Raises:
        DataFileError: If the file cannot be used (nothing is trained).
        InputTypeError, InputValueError, DivergenceError, TrainingInterrupted:
            As [`linfit.train`][linfit.loop.train] raises them.
    """
    from linfit import validation
    from linfit.model import check_model

    trained = check_model(model)  # every cheap check before the read
    settings = {
        "epochs": validation.check_epochs(epochs),
        "learning_rate": validation.check_learning_rate(learning_rate),
        "shuffle_seed": validation.check_shuffle_seed(shuffle_seed),
    }
    options: dict[str, Any] = {"columns": columns, "comments": comments}
    recorder_options = {
        "verbose": verbose,
        "callback": callback,
        "progress": progress,
        "on_divergence": on_divergence,
    }
    once = not is_path(source)
    if once and not (batch_size is None and shuffle_seed is None):
        x, y = _in_memory(source, 0, **options)
        return _train(
            model, x, y, batch_size=batch_size, **settings, **recorder_options
        )
    full = read_moments(source, **options)
    size = validation.check_batch_size(batch_size, full.n)
    if settings["shuffle_seed"] is not None:
        x, y = _in_memory(source, full.n, **options)
        return _train(model, x, y, batch_size=size, **settings, **recorder_options)
    return _run(trained, full, size, settings, recorder_options, source, options)


def train_on_moments(
    model: LinearModel,
    moments: Moments,
    *,
    epochs: int,
    learning_rate: float,
    callback: Any = None,
    verbose: bool = False,
    progress: bool | None = None,
    on_divergence: str = "raise",
) -> History:
    """A full-batch run on data known only by its moments.

    The moments come from [`read_moments`][linfit.files.sources.read_moments].

    What [`train_streaming`][linfit.files.streaming.train_streaming] does after its
    read; the command line reads the file first (NumPy only, so a bad file is
    refused before TensorFlow loads), then trains here. Arguments as there.

    Raises:
        InputTypeError, InputValueError, DivergenceError, TrainingInterrupted:
            As [`linfit.train`][linfit.loop.train] raises them.
    """
    from linfit import validation
    from linfit.model import check_model

    if not isinstance(moments, Moments) or moments.n < 1 or not moments.finite:
        raise InputValueError(
            f"moments must be the finite Moments of data, got {moments!r:.80}"
        )
    settings = {
        "epochs": validation.check_epochs(epochs),
        "learning_rate": validation.check_learning_rate(learning_rate),
    }
    recorder_options = {
        "verbose": verbose,
        "callback": callback,
        "progress": progress,
        "on_divergence": on_divergence,
    }
    return _run(
        check_model(model), moments, moments.n, settings, recorder_options, None, {}
    )


def _run(
    model: Any,
    full: Moments,
    size: int,
    settings: dict[str, Any],
    recorder_options: dict[str, Any],
    source: Source,
    options: dict[str, Any],
) -> History:
    from linfit import engines
    from linfit.engines.problem import Problem, read_scalar

    empty = np.zeros(0, np.float32)
    problem = Problem(
        model,
        (read_scalar(model.w), read_scalar(model.b)),
        empty,
        empty,
        full,
        settings["epochs"],
        settings["learning_rate"],
        size,
    )
    recorder = engines.Recorder(problem, **recorder_options)
    with recorder:
        if size >= full.n:
            engines.ENGINES["moments"].run(problem, recorder)
        else:
            _minibatches(problem, recorder, source, options)
    return recorder.history()


def _train(model: Any, x: np.ndarray, y: np.ndarray, **settings: Any) -> History:
    from linfit.loop import train

    return train(model, x, y, mode="auto", **settings)


def _minibatches(
    problem: Any, recorder: Any, source: Source, options: dict[str, Any]
) -> None:
    """The loop of [`linfit.loop.training_loop`][], its batches streamed by tf.data."""
    from linfit._tensorflow import tf
    from linfit.engines.problem import Problem
    from linfit.loop import training_loop

    spec = tf.TensorSpec([None], tf.float32)

    class Streamed(Problem):
        """A run whose batches are read from the file, epoch by epoch."""

        @property
        def tensors(self) -> Any:  # only the moments of the whole data are known
            return None, None

        def batches(self, epoch: int) -> Any:
            pieces = tf.data.Dataset.from_generator(
                lambda: chunks(source, **options), output_signature=(spec, spec)
            )
            return pieces.rebatch(self.batch_size).prefetch(1)

    streamed = Streamed(
        **{f: getattr(problem, f) for f in problem.__dataclass_fields__}
    )
    full = problem.moments

    def measure(model: Any, _x: object, _y: object) -> float:
        return float(full.loss(float(model.w.numpy()), float(model.b.numpy())))

    training_loop(streamed, recorder, measure=measure)
