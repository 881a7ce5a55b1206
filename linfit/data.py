"""Training data: synthesized from a known line, or read from a CSV file.

The seeds' experiment draws ``x`` from a standard normal distribution and sets
``y = true_w * x + true_b + noise``. Knowing the true line lets us say how far
training got. Randomness comes from TensorFlow's *stateless* random ops: the
numbers are a pure function of ``(shape, seed)``, so a fixed seed gives
bit-identical data in every process, with no global state to reset.
"""

from __future__ import annotations

import csv
import math
import os
from typing import Literal

import numpy as np

from linfit._tensorflow import tf
from linfit.errors import DataFileError, InputValueError
from linfit.validation import check_finite_scalar, check_seed

__all__ = ["load_csv", "synthesize"]

Inputs = Literal["normal", "linspace"]

MAX_POINTS = 2**31 - 1
"""The most points :func:`synthesize` draws (TensorFlow's random ops index with int32)."""


def synthesize(
    n: int = 1000,
    true_w: float = 3.0,
    true_b: float = 2.0,
    noise: float = 1.0,
    inputs: Inputs = "normal",
    seed: int = 0,
) -> tuple[tf.Tensor, tf.Tensor]:
    """Draw ``n`` points around the line ``y = true_w * x + true_b``.

    Args:
        n: Number of points, at least 1.
        true_w: Slope of the line the data scatter around.
        true_b: Intercept of that line.
        noise: Standard deviation of the Gaussian noise added to ``y``
            (``0`` gives points exactly on the line, up to float32 rounding).
        inputs: ``"normal"`` draws ``x`` from N(0, 1); ``"linspace"`` takes
            ``n`` evenly spaced points from -2 to 2 inclusive.
        seed: Seed of the stateless random ops; the same seed gives the same
            bits on every run.

    Returns:
        ``(x, y)``: two float32 tensors of shape ``(n,)``.

    Raises:
        InputValueError: For ``n < 1``, a negative or non-finite ``noise``, or
            an unknown ``inputs``.

    Examples:
        >>> x, y = synthesize(n=4, noise=0.0, inputs="linspace")
        >>> x.numpy().tolist()
        [-2.0, -0.6666666269302368, 0.6666667461395264, 2.0]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_POINTS:
        raise InputValueError(f"n must be an integer from 1 to {MAX_POINTS:,}, got {n!r}")
    seed = check_seed(seed)
    true_w = check_finite_scalar(true_w, "true_w")
    true_b = check_finite_scalar(true_b, "true_b")
    noise = check_finite_scalar(noise, "noise")
    if noise < 0:
        raise InputValueError(f"noise is a standard deviation and must be >= 0, got {noise}")
    # Two independent streams: one for x, one for the noise.
    x_seed = tf.constant([seed, 0], dtype=tf.int64)
    noise_seed = tf.constant([seed, 1], dtype=tf.int64)
    if inputs == "normal":
        x = tf.random.stateless_normal([n], seed=x_seed, dtype=tf.float32)
    elif inputs == "linspace":
        x = tf.cast(tf.linspace(-2.0, 2.0, n), tf.float32)
    else:
        raise InputValueError(f"inputs must be 'normal' or 'linspace', got {inputs!r}")
    epsilon = tf.random.stateless_normal([n], seed=noise_seed, dtype=tf.float32)
    y = x * true_w + true_b + noise * epsilon
    return x, y


def _parse_float(cell: str) -> float | None:
    """Return the cell as a float, or ``None`` if it is not a number."""
    try:
        return float(cell.strip())
    except ValueError:
        return None


def _parse_well_formed(lines: list[str]) -> np.ndarray | None:
    """Parse a file with no problems quickly (NumPy's C parser), else return None.

    Returns a float32 ``(N, 2)`` array, ``N >= 2``, or ``None`` when anything
    is off, in which case the line-by-line parser runs to say what and where.
    """
    content = [line for line in lines if line.strip()]
    if content:
        try:
            first = next(csv.reader(content[:1]))
        except csv.Error:
            return None
        if len(first) == 2 and any(_parse_float(cell) is None for cell in first):
            content = content[1:]  # a header line
    if len(content) < 2:
        return None
    try:
        values = np.loadtxt(content, delimiter=",", dtype=np.float64, ndmin=2, quotechar='"')
    except ValueError:
        return None
    limit = float(np.finfo(np.float32).max)
    if values.shape != (len(content), 2) or not np.all(np.abs(values) <= limit):
        return None  # also catches NaN, for which the comparison is False
    return values.astype(np.float32)


def load_csv(path: str | os.PathLike[str]) -> tuple[tf.Tensor, tf.Tensor]:
    """Read a two-column ``x,y`` CSV file.

    The format: UTF-8 text (a byte-order mark is allowed), one point per line,
    two comma-separated numbers per line, LF or CRLF line ends. Blank lines
    are ignored. The first line may be a header (any line whose cells are not
    both numbers counts as a header when it comes first). Fields may be
    quoted.

    Args:
        path: Path of the file.

    Returns:
        ``(x, y)``: two float32 tensors of shape ``(N,)``, ``N >= 2``.

    Raises:
        DataFileError: If the file is missing or unreadable, not UTF-8, has a
            line without exactly two columns or with a non-numeric cell, has a
            NaN, infinite or float32-overflowing value, or has fewer than two
            data rows. The message names the file and line.
    """
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise DataFileError(path, "no such file") from None
    except IsADirectoryError:
        raise DataFileError(path, "is a directory, not a CSV file") from None
    except UnicodeDecodeError as error:
        raise DataFileError(
            path, f"is not UTF-8 text (undecodable byte at offset {error.start})"
        ) from None
    except OSError as error:
        raise DataFileError(path, f"cannot be read: {error.strerror}") from None
    if "\x00" in text:
        raise DataFileError(path, "contains NUL bytes; it is not a text CSV file")

    lines = text.splitlines()
    fast = _parse_well_formed(lines)
    if fast is not None:
        return tf.constant(fast[:, 0]), tf.constant(fast[:, 1])
    # Slow path, line by line: it finds the first problem and names its line.
    rows: list[tuple[float, float]] = []
    try:
        records = list(csv.reader(lines, strict=True))
    except csv.Error as error:
        raise DataFileError(path, f"malformed CSV ({error})") from None
    seen_content = False
    for line_number, cells in enumerate(records, start=1):
        if not cells or all(not cell.strip() for cell in cells):
            continue  # blank line
        first_content_line = not seen_content
        seen_content = True
        if len(cells) != 2:
            hint = " (the separator must be a comma)" if len(cells) == 1 else ""
            raise DataFileError(
                path, f"expected 2 columns (x,y), found {len(cells)}{hint}", line_number
            )
        values = [_parse_float(cell) for cell in cells]
        if values[0] is None or values[1] is None:
            if first_content_line:
                continue  # a header line
            bad = cells[0] if values[0] is None else cells[1]
            raise DataFileError(path, f"cell {bad.strip()!r} is not a number", line_number)
        x_value, y_value = float(values[0]), float(values[1])
        for value in (x_value, y_value):
            if not math.isfinite(value) or abs(value) > float(np.finfo(np.float32).max):
                raise DataFileError(
                    path,
                    f"value {value!r} is not a finite float32 number "
                    "(NaN, infinity, or beyond ±3.4e38)",
                    line_number,
                )
        rows.append((x_value, y_value))
    if len(rows) < 2:
        raise DataFileError(path, f"needs at least 2 data rows, found {len(rows)}")
    array = np.asarray(rows, dtype=np.float32)
    return tf.constant(array[:, 0]), tf.constant(array[:, 1])
