"""Reading points from a CSV file: fast for good files, precise about bad ones.

This module needs NumPy only (no TensorFlow), so the command line can refuse a
bad file before it spends seconds importing TensorFlow.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from linfit.errors import DataFileError, InputTypeError

if TYPE_CHECKING:
    from linfit._tensorflow import tf

__all__ = ["CHUNK_BYTES", "MAX_LINE_BYTES", "load_csv", "read_csv"]

CHUNK_BYTES = 1 << 22
"""Text parsed at a time (4 MiB): memory stays bounded whatever the file's size,
and Ctrl-C is honoured between chunks."""

MAX_LINE_BYTES = 1 << 16
"""A longer line cannot be two numbers: the file is refused at once instead of
being read into memory in search of a line end."""


def _parse_float(cell: str) -> float | None:
    """Return the cell as a float, or ``None`` if it is not a decimal number.

    Python's ``float`` also reads ``1_000``; NumPy's parser, used for speed,
    does not, so neither does linfit.
    """
    text = cell.strip()
    if "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _chunks(handle: BinaryIO, path: str) -> Iterator[tuple[int, bytes]]:
    """The file as ``(number of its first line, bytes)`` pieces that end at line ends.

    Raises:
        DataFileError: For NUL bytes (binary content) or a line longer than
            [`MAX_LINE_BYTES`][linfit.files.csvfile.MAX_LINE_BYTES], as soon as they are seen.
    """
    line, pending = 1, b""
    while True:
        try:
            block = handle.read(CHUNK_BYTES)
        except OSError as error:
            raise DataFileError(path, f"cannot be read: {error.strerror}") from None
        if not block:
            break
        zero = block.find(b"\0")
        if zero >= 0:
            where = line + pending.count(b"\n") + block.count(b"\n", 0, zero)
            raise DataFileError(
                path, "contains NUL bytes; it is not a text CSV file", where
            )
        pending += block
        cut = pending.rfind(b"\n") + 1
        complete, pending = pending[:cut], pending[cut:]
        if len(pending) > MAX_LINE_BYTES:
            where = line + complete.count(b"\n")
            raise DataFileError(
                path,
                f"line is longer than {MAX_LINE_BYTES // 1024} KiB; not a CSV of x,y",
                where,
            )
        if complete:
            yield line, complete
            line += complete.count(b"\n")
    if pending:
        yield line, pending


def _decode(data: bytes, path: str, line: int, first: bool) -> str:
    try:
        return data.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as error:
        where = line + data.count(b"\n", 0, error.start)
        raise DataFileError(
            path,
            f"is not UTF-8 text (undecodable byte 0x{data[error.start]:02x})",
            where,
        ) from None


def _is_header(text: str) -> bool:
    """Whether the first content line is a header: two cells, neither of them a number."""
    try:
        cells = next(csv.reader([text], strict=True))
    except csv.Error:
        return False
    return len(cells) == 2 and all(_parse_float(cell) is None for cell in cells)


def _careful(lines: list[str], path: str, first_line: int) -> np.ndarray:
    """Parse line by line; raise naming the first problem and its line."""
    rows: list[tuple[float, float]] = []
    try:
        records = list(csv.reader(lines, strict=True))
    except csv.Error as error:
        raise DataFileError(path, f"malformed CSV ({error})", first_line) from None
    for offset, cells in enumerate(records):
        line = first_line + offset
        if not cells or all(not cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != 2:
            hint = " (the separator must be a comma)" if len(cells) == 1 else ""
            raise DataFileError(
                path, f"expected 2 columns (x,y), found {len(cells)}{hint}", line
            )
        values = [_parse_float(cell) for cell in cells]
        for cell, value in zip(cells, values, strict=True):
            if value is None:
                raise DataFileError(
                    path, f"cell {cell.strip()!r} is not a number", line
                )
            with np.errstate(over="ignore"):
                if not np.isfinite(np.float32(value)):
                    raise DataFileError(
                        path,
                        f"value {value!r} is not a finite float32 number "
                        "(NaN, infinity, or beyond ±3.4e38)",
                        line,
                    )
        rows.append((values[0], values[1]))  # type: ignore[arg-type]
    return np.asarray(rows, dtype=np.float32).reshape(-1, 2)


def _parse(text: str, path: str, first_line: int) -> np.ndarray:
    """Parse complete lines: NumPy's C parser when all is well, else the careful parser."""
    if not text.strip():
        return np.zeros((0, 2), dtype=np.float32)
    try:
        with np.errstate(over="ignore"):
            values = np.loadtxt(
                io.StringIO(text),
                delimiter=",",
                dtype=np.float32,
                ndmin=2,
                quotechar='"',
                comments=None,  # NumPy's default, "#", would drop rows silently
            )
        if values.shape[1] == 2 and np.isfinite(values).all():
            return values
    except ValueError:
        pass
    lines = text.splitlines()
    values = _careful(lines, path, first_line)
    return values


def read_csv(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read a two-column ``x,y`` CSV file.

    The format: UTF-8 text (a byte-order mark is allowed), one point per line,
    two comma-separated decimal numbers per line (``1``, ``-2.5``, ``3e8``;
    fields may be quoted), LF or CRLF line ends. Blank lines are ignored. The
    first line may be a header: a line of two cells of which *neither* is a
    number. Any other line is data, so a first line ``1,abc`` is a bad data
    row, reported as such. Values must be finite in float32.

    The file is read in pieces of [`CHUNK_BYTES`][linfit.files.csvfile.CHUNK_BYTES]:
    a large file loads at the speed of NumPy's parser without holding copies of its text, and a file
    that is not text (NUL bytes, endless lines) is refused within its first piece.

    Args:
        path: Path of the file (a pipe works too).

    Returns:
        ``(x, y)``: two float32 NumPy arrays of shape ``(N,)``, ``N >= 2``.

    Raises:
        DataFileError: If the file is missing or unreadable, not UTF-8 text,
            has a line without exactly two columns or with a non-numeric cell,
            has a NaN, infinite or float32-overflowing value, or has fewer than
            two data rows. The message names the file and the line.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(
            f"path must be a str or os.PathLike, got {type(path).__name__}"
        )
    path = os.fspath(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the errors are mapped
    except FileNotFoundError:
        raise DataFileError(path, "no such file") from None
    except IsADirectoryError:
        raise DataFileError(path, "is a directory, not a CSV file") from None
    except OSError as error:
        raise DataFileError(path, f"cannot be read: {error.strerror}") from None
    parts = []
    with handle:
        if os.path.isdir(path):
            raise DataFileError(path, "is a directory, not a CSV file")
        seen_content = False
        for first_line, data in _chunks(handle, path):
            text = _decode(data, path, first_line, first=first_line == 1)
            if not seen_content and text.strip():
                seen_content = True
                lines = text.splitlines(keepends=True)
                blank = next(i for i, line in enumerate(lines) if line.strip())
                if _is_header(lines[blank]):
                    first_line += blank + 1
                    text = "".join(lines[blank + 1 :])
            parts.append(_parse(text, path, first_line))
    values = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.float32)
    if len(values) < 2:
        raise DataFileError(path, f"needs at least 2 data rows, found {len(values)}")
    return np.ascontiguousarray(values[:, 0]), np.ascontiguousarray(values[:, 1])


def load_csv(path: str | os.PathLike[str]) -> tuple[tf.Tensor, tf.Tensor]:
    """Read a two-column ``x,y`` CSV file into two float32 tensors.

    The format and every check are those of
    [`read_csv`][linfit.files.csvfile.read_csv].

    Args:
        path: Path of the file (a pipe works too).

    Returns:
        ``(x, y)``: two float32 tensors of shape ``(N,)``, ``N >= 2``.

    Raises:
        DataFileError: If the file cannot be used; the message names the file
            and the line.
    """
    from linfit._tensorflow import tf

    x, y = read_csv(path)
    return tf.constant(x), tf.constant(y)
