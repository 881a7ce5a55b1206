"""What training records: one row per epoch, starting with the untrained model.

Row ``k`` of a [`History`][linfit.history.History] is the state of the model after ``k`` epochs:
``w[k]`` and ``b[k]`` are the parameters at that moment and ``loss[k]`` is
the full-data loss *at those parameters*. Row 0 is the untrained model, and
``epochs`` of training give ``epochs + 1`` rows.

The original tutorials printed the loss computed inside the step next to the parameters
recorded after it, so their lines paired the loss of one state with the
weights of another. Here a row never mixes two states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linfit.errors import InputTypeError, InputValueError
from linfit.validation import check_epochs, check_real

__all__ = ["History", "format_row"]


def format_row(epoch: int, w: float, b: float, loss: float) -> str:
    """Format one row the way the original tutorials printed it.

    Examples:
        >>> format_row(0, 5.0, 0.0, 10.301712)
        'Epoch  0: W=5.00 b=0.00, loss=10.30171'

    Raises:
        InputTypeError, InputValueError: If ``epoch`` is not an integer ``>= 0`` or a
            value is not a real number (NaN and infinity are: a diverged run has them).
    """
    check_epochs(epoch, "epoch")
    for name, value in (("w", w), ("b", b), ("loss", loss)):
        check_real(value, name)
    return f"Epoch {epoch:2d}: W={w:1.2f} b={b:1.2f}, loss={loss:2.5f}"


@dataclass(frozen=True, eq=False)
class History:
    """The trajectory of one training run.

    Attributes:
        epoch: ``int64`` array ``[0, 1, ..., epochs]``.
        w: Slope after each epoch, shape ``(epochs + 1,)``.
        b: Intercept after each epoch, shape ``(epochs + 1,)``.
        loss: Full-data L2 loss at ``(w[k], b[k])``, shape ``(epochs + 1,)``.

    The dtype of ``w``, ``b`` and ``loss`` is the dtype training ran in:
    float32 for [`linfit.train`][linfit.loop.train], float64 for the reference.
    """

    epoch: np.ndarray
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray

    def __post_init__(self) -> None:
        for name in ("epoch", "w", "b", "loss"):
            column = getattr(self, name)
            if not isinstance(column, np.ndarray) or column.ndim != 1:
                raise InputTypeError(
                    f"History.{name} must be a 1-D NumPy array, got "
                    f"{type(column).__name__} (History.from_rows converts sequences)"
                )
        lengths = {len(self.epoch), len(self.w), len(self.b), len(self.loss)}
        if len(lengths) != 1:
            raise InputValueError(
                f"History columns differ in length: {sorted(lengths)}"
            )
        for column in (self.epoch, self.w, self.b, self.loss):
            column.setflags(write=False)

    @classmethod
    def from_rows(cls, w: Any, b: Any, loss: Any, dtype: Any = np.float32) -> History:
        """Build a History from per-epoch sequences of equal length.

        Args:
            w: Slopes, row 0 first.
            b: Intercepts.
            loss: Losses.
            dtype: NumPy dtype of the float columns.
        """
        if dtype not in (np.float32, np.float64, "float32", "float64"):
            raise InputValueError(f"dtype must be float32 or float64, got {dtype!r}")
        columns = {}
        for name, values in (("w", w), ("b", b), ("loss", loss)):
            array = np.asarray(values)
            if array.dtype.kind not in "biuf" or array.ndim != 1:
                raise InputTypeError(
                    f"History {name} must be a sequence of real numbers, got "
                    f"{type(values).__name__} of {array.dtype} with shape {array.shape}"
                )
            with np.errstate(over="ignore"):  # a diverged run may not fit float32
                columns[name] = array.astype(dtype)
        epochs = np.arange(len(columns["w"]), dtype=np.int64)
        return cls(epoch=epochs, **columns)

    def __len__(self) -> int:
        return len(self.epoch)

    @property
    def epochs(self) -> int:
        """Number of epochs trained (one less than the number of rows)."""
        return len(self) - 1

    @property
    def final(self) -> dict[str, float]:
        """The last row as ``{"w": ..., "b": ..., "loss": ...}`` of Python floats."""
        return {
            "w": float(self.w[-1]),
            "b": float(self.b[-1]),
            "loss": float(self.loss[-1]),
        }

    def to_dict(self) -> dict[str, list[float] | list[int]]:
        """Columns as lists of Python numbers, ready for ``json.dumps``.

        Python floats print with enough digits (``repr``) to convert back to
        exactly the same value, so no precision is lost in JSON.
        """
        return {
            "epoch": [int(k) for k in self.epoch],
            "w": [float(v) for v in self.w],
            "b": [float(v) for v in self.b],
            "loss": [float(v) for v in self.loss],
        }

    def lines(self) -> list[str]:
        """Every row formatted with [`format_row`][linfit.history.format_row]."""
        return [
            format_row(int(k), float(w), float(b), float(loss))
            for k, w, b, loss in zip(
                self.epoch, self.w, self.b, self.loss, strict=False
            )
        ]

    def extended(self, later: History) -> History:
        """This History followed by a later run that started where this one ended.

        ``later``'s row 0 is the state this History ends in, so it is dropped
        and the epochs of ``later`` are renumbered to continue this one.

        Raises:
            InputTypeError: If ``later`` is not a History.
            InputValueError: If ``later`` does not start bit for bit at this
                History's last ``(w, b)``.
        """
        if not isinstance(later, History):
            raise InputTypeError(
                f"later must be a linfit.History, got {type(later).__name__}"
            )
        if self.w[-1:].tobytes() != later.w[:1].tobytes() or (
            self.b[-1:].tobytes() != later.b[:1].tobytes()
        ):
            raise InputValueError(
                "the later History does not start where this one ends"
            )
        return History(
            epoch=np.arange(len(self) + len(later) - 1, dtype=np.int64),
            w=np.concatenate([self.w, later.w[1:]]),
            b=np.concatenate([self.b, later.b[1:]]),
            loss=np.concatenate([self.loss, later.loss[1:]]),
        )

    def equals(self, other: object) -> bool:
        """Whether two histories are bit-for-bit identical (dtype included)."""
        if not isinstance(other, History):
            return False
        return all(
            a.dtype == c.dtype and a.shape == c.shape and a.tobytes() == c.tobytes()
            for a, c in zip(
                (self.epoch, self.w, self.b, self.loss),
                (other.epoch, other.w, other.b, other.loss),
                strict=False,
            )
        )
