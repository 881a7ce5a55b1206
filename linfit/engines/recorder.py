"""Writing down a run: one object that every engine hands its rows to.

An engine (see [`linfit.engines`][]) computes the states of a run; the
[`Recorder`][linfit.engines.recorder.Recorder] does everything else that a training
loop owes its reader, the same way whichever engine is running:

* it keeps the History rows, rounded to float32 like the model's variables;
* it prints each row in the original tutorials' format (``verbose``), calls
  the user's ``callback`` with it and moves the progress bar;
* it guards against divergence: a non-finite loss, or one above
  [`DIVERGENCE_FACTOR`][linfit.engines.recorder.DIVERGENCE_FACTOR] times the
  starting loss, stops the run with a
  [`DivergenceError`][linfit.errors.DivergenceError] carrying the History so far;
* on every way out (the normal end, a ``DivergenceError``, an exception
  raised by the callback, Ctrl-C) it leaves the model in the state of the
  last recorded row, so the model and the History never disagree. Ctrl-C
  becomes a [`TrainingInterrupted`][linfit.errors.TrainingInterrupted] (a
  ``KeyboardInterrupt``) that carries that History.

Use it as a context manager around the engine's run.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from linfit.bounds import loss_error_bound, moments_loss_error_bound
from linfit.engines.problem import Problem, write_scalar
from linfit.errors import DivergenceError, InputValueError, TrainingInterrupted
from linfit.history import History, format_row
from linfit.reference import stable_learning_rate
from linfit.validation import check_callable, check_on_divergence

__all__ = ["DIVERGENCE_FACTOR", "PROGRESS_BAR_MIN_EPOCHS", "Callback", "Recorder"]

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

PROGRESS_BAR_MIN_EPOCHS = 1000
"""With ``progress=None``, a progress bar appears from this many epochs on
(and only when stderr is a terminal)."""


class _NoProgressBar:
    """Stands in for tqdm when no bar is shown (creating a disabled tqdm costs time)."""

    def update(self, count: int) -> None:
        pass

    def close(self) -> None:
        pass


class Recorder:
    """Collects the rows of one run and keeps the model in step with them.

    Args:
        problem: The run: its model (put back in the state of the last row on
            every way out; ``None`` for a trainer that keeps its parameters
            elsewhere), start, data, epochs, learning rate and batch size.
        verbose: Print each row with [`format_row`][linfit.history.format_row].
        callback: Called as ``callback(epoch, w, b, loss)`` with each row.
        progress: Show a tqdm progress bar; ``None`` shows one for runs of at
            least [`PROGRESS_BAR_MIN_EPOCHS`][linfit.engines.recorder.PROGRESS_BAR_MIN_EPOCHS]
            epochs when stderr is a terminal.
        on_divergence: ``"raise"`` or ``"continue"``.

    Raises:
        InputTypeError: If ``callback`` cannot be called.
        InputValueError: If ``on_divergence`` is neither ``"raise"`` nor ``"continue"``.
    """

    def __init__(
        self,
        problem: Problem,
        *,
        verbose: bool = False,
        callback: Callback | None = None,
        progress: bool | None = None,
        on_divergence: str = "raise",
    ) -> None:
        self.problem = problem
        self.verbose = verbose
        self.callback = check_callable(callback, "callback")
        self.on_divergence = check_on_divergence(on_divergence)
        # float32 arrays: appending rounds to float32, and a row costs 12 bytes.
        self.w, self.b, self.loss = array("f"), array("f"), array("f")
        self._limit: float | None = None  # divergence threshold, set at row 0
        self._limit_is_exact = False
        if progress is None:
            progress = problem.epochs >= PROGRESS_BAR_MIN_EPOCHS and sys.stderr.isatty()
        self._bar = (
            tqdm(total=problem.epochs, desc="training", unit="epoch")
            if progress
            else _NoProgressBar()
        )

    def __len__(self) -> int:
        return len(self.w)

    def record(self, w: Any, b: Any, loss: Any) -> None:
        """Record the next row: the state ``(w, b)`` and the full-data loss there."""
        epoch = len(self.w)
        self.w.append(float(w))
        self.b.append(float(b))
        self.loss.append(float(loss))
        w, b, loss = self.w[-1], self.b[-1], self.loss[-1]  # as rounded to float32
        if epoch:
            self._bar.update(1)
        if self.verbose:
            print(format_row(epoch, w, b, loss), flush=True)
        if self.callback is not None:
            self.callback(epoch, w, b, loss)
        self._guard(epoch, loss)

    def record_rows(
        self, w: Sequence[float], b: Sequence[float], loss: Sequence[float]
    ) -> None:
        """Record several consecutive rows at once (for engines that compute in chunks).

        Without ``verbose`` or a callback the rows are stored in one go and only a
        row that crosses the divergence threshold (and the ones after it) goes
        through `record` one at a time.
        """
        with np.errstate(over="ignore"):  # a diverging run may overflow float32: inf
            columns = [np.asarray(c, dtype=np.float32) for c in (w, b, loss)]
        rows = len(columns[2])
        done = 0
        if not self.w and rows:  # row 0 sets the divergence threshold
            self.record(*(float(c[0]) for c in columns))
            done = 1
        if not self.verbose and self.callback is None:
            fast = rows
            if self.on_divergence == "raise":
                limit = math.inf if self._limit is None else self._limit
                with np.errstate(invalid="ignore", over="ignore"):
                    bad = ~(columns[2][done:] <= limit)  # also true for NaN
                if bad.any():
                    fast = done + int(np.argmax(bad))
            for store, column in zip((self.w, self.b, self.loss), columns, strict=True):
                store.frombytes(column[done:fast].tobytes())
            self._bar.update(fast - done)
            done = fast
        for row in zip(*(c[done:].tolist() for c in columns), strict=True):
            self.record(*row)

    def _guard(self, epoch: int, loss: float) -> None:
        if epoch == 0:
            if not math.isfinite(loss):
                w, b = self.w[0], self.b[0]
                raise InputValueError(
                    f"the loss at the starting point (w={w:g}, b={b:g}) is {loss} in float32: "
                    "the data or parameters are too large to square without overflow; "
                    "rescale x and y (e.g. to unit standard deviation)"
                )
            self._limit = DIVERGENCE_FACTOR * loss
            return
        limit = math.inf if self._limit is None else self._limit
        if self.on_divergence != "raise" or (math.isfinite(loss) and loss <= limit):
            return
        if math.isfinite(loss) and not self._limit_is_exact:
            # The start's loss is known only up to rounding; adding that bound keeps
            # the threshold positive when training starts at an exact fit. It costs a
            # pass over the data, so it is computed only when a row crosses the line.
            self._limit_is_exact = True
            x, y = self.problem.x, self.problem.y
            if x.size:
                bound = loss_error_bound(self.w[0], self.b[0], x, y)
            else:  # data streamed from a file (train_streaming): its moments only
                bound = moments_loss_error_bound(
                    self.w[0], self.b[0], self.problem.moments
                )
            self._limit = DIVERGENCE_FACTOR * (self.loss[0] + bound)
            if loss <= self._limit:
                return
        problem = self.problem
        raise DivergenceError(
            epoch,
            loss,
            problem.learning_rate,
            (
                stable_learning_rate(problem.x)
                if problem.x.size
                else problem.moments.stable_learning_rate()
            ),
            self.history(),
            problem.batch_size if problem.batch_size < problem.n else None,
        )

    def history(self) -> History:
        """The rows recorded so far, as a float32 History."""
        columns = (self.w, self.b, self.loss)
        return History.from_rows(
            *(np.frombuffer(c, dtype=np.float32).copy() for c in columns)
        )

    def __enter__(self) -> Recorder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._bar.close()
        model = self.problem.model
        if model is not None:
            w, b = (self.w[-1], self.b[-1]) if self.w else self.problem.start
            write_scalar(model.w, w)
            write_scalar(model.b, b)
        if isinstance(error, KeyboardInterrupt) and not isinstance(
            error, TrainingInterrupted
        ):
            raise TrainingInterrupted(self.history() if self.w else None) from error
