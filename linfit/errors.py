"""The exceptions linfit raises on purpose.

Every error linfit raises deliberately is a [`LinfitError`][linfit.errors.LinfitError], so callers
can catch "linfit refused this input" in one ``except`` clause. Each concrete
class is also a subclass of the matching built-in exception, so code that
already catches ``ValueError`` or ``TypeError`` keeps working.
"""

from __future__ import annotations


class LinfitError(Exception):
    """Base class of every error that linfit raises on purpose."""


class InputValueError(LinfitError, ValueError):
    """An argument has the right type but a value linfit cannot use.

    For instance: a learning rate that is not positive, data containing NaN,
    ``x`` and ``y`` of different lengths.
    """


class InputTypeError(LinfitError, TypeError):
    """An argument has a type linfit does not accept."""


class DataFileError(InputValueError):
    """A data file cannot be read: missing, malformed, or with bad values.

    Attributes:
        path: The file that was being read.
        line: The 1-based line number of the problem, or ``None`` when the
            problem concerns the file as a whole.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class DivergenceError(InputValueError):
    """Training blew up: the loss became non-finite or grew far past its start.

    For full-batch gradient descent on a line this happens exactly when the
    learning rate exceeds the stable bound ``2/λ_max`` (see
    [`linfit.reference.stable_learning_rate`][]), so it is reported as a bad
    value of ``learning_rate`` (a ``ValueError``).

    Attributes:
        epoch: The History row at which divergence was detected.
        loss: The loss at that row (may be ``inf`` or ``nan``).
        learning_rate: The learning rate that was used.
        stable_learning_rate: ``2/λ_max`` for the training data, or ``None`` where
            no such bound applies (the MLP classifier).
        batch_size: Points per step when that is fewer than all of them (a
            minibatch run, whose batches have bounds of their own), else ``None``.
        history: The History up to and including the divergent row, when the
            trainer keeps one.
    """

    def __init__(
        self,
        epoch: int,
        loss: float,
        learning_rate: float,
        stable_learning_rate: float | None,
        history: object = None,
        batch_size: int | None = None,
    ) -> None:
        self.epoch = epoch
        self.loss = loss
        self.learning_rate = learning_rate
        self.stable_learning_rate = stable_learning_rate
        self.history = history
        self.batch_size = batch_size
        lower = (
            "Lower learning_rate, or pass on_divergence='continue' to watch the blow-up"
        )
        if stable_learning_rate is None:
            advice = (
                f"learning_rate {learning_rate:g} is too large for this model; lower it"
            )
        elif batch_size is not None and learning_rate <= stable_learning_rate:
            # Each step sees one batch, and a batch's own 2/λ_max (from its own mean x²
            # and mean x) can be far below the full data's: the full-batch bound
            # does not protect a minibatch run.
            advice = (
                f"learning_rate {learning_rate:g} is below the full-batch bound "
                f"2/λ_max = {stable_learning_rate:.6g}, but each step here sees a batch of "
                f"{batch_size} points, whose own bound can be lower. {lower}"
            )
        else:
            advice = (
                f"learning_rate {learning_rate:g} is above the stable bound "
                f"2/λ_max = {stable_learning_rate:.6g} for this data. {lower}"
            )
        super().__init__(
            f"training diverged: the loss is {loss:.6g} at epoch {epoch}; {advice}"
        )


class TrainingInterrupted(KeyboardInterrupt):
    """Training was interrupted (Ctrl-C) between two History rows.

    It is a ``KeyboardInterrupt``, so an interrupted program still stops as
    usual, but it carries what was done: the model has been put back in the
    state of the last row, and `history` holds every row up to it.

    Attributes:
        history: The History up to the interruption (at least row 0, unless
            the interrupt came before the first row was recorded, then ``None``).
    """

    def __init__(self, history: object = None) -> None:
        self.history = history
        rows = len(history) if hasattr(history, "__len__") else 0
        super().__init__(f"training interrupted after {max(rows - 1, 0)} epochs")
