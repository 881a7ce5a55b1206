"""The exceptions linfit raises on purpose.

Every error linfit raises deliberately is a :class:`LinfitError`, so callers
can catch "linfit refused this input" in one ``except`` clause. Each concrete
class is also a subclass of the matching built-in exception, so code that
already catches ``ValueError`` or ``TypeError`` keeps working.
"""

from __future__ import annotations


class LinfitError(Exception):
    """Base class of every error that linfit raises on purpose."""


class InputValueError(LinfitError, ValueError):
    """An argument has the right type but a value linfit cannot use.

    Examples: a learning rate that is not positive, data containing NaN,
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
