"""Reading points from a CSV file: at library speed for good files, exact about bad ones.

The file is read in blocks of [`BLOCK_BYTES`][linfit.files.csvfile.BLOCK_BYTES] that end
at a line end, so memory stays bounded whatever the file's size and each block's first
line number is known. A block is parsed by a well-kept CSV library, pyarrow's
multi-threaded reader (or NumPy's ``loadtxt`` where pyarrow is not installed). Only
when that fails, or reads a value that is not finite, does a careful line-by-line
parser read the block again, to say exactly what is wrong and on which line. The fast
path decides nothing on its own: it must agree with the careful one wherever it
succeeds, and a test holds them to it.

The format:

* UTF-8 text (a byte-order mark is allowed), LF or CRLF line ends; a carriage return
  alone is refused (old Mac line ends would shift every line number).
* Comma-separated cells, which may be quoted. A cell is a decimal number (``1``,
  ``-2.5``, ``3e8``, spaces around it allowed), read as float64 and rounded to float32;
  it must be finite there.
* Blank lines are skipped. Nothing else is: a ``#`` is part of a cell (so ``#2,20`` is
  a bad row, not a comment) unless ``comments="#"`` asks for whole lines that start
  with it to be skipped.
* The first line that is not blank (or a comment) is a header if *none* of its cells
  is a number; any other line is data, so a first line ``1,abc`` is a bad row.
* Every row has the same number of cells. With two, they are ``x`` and ``y``; with
  more (a pandas ``to_csv`` file has an index column), ``columns`` picks two by header
  name or 0-based index.

This module needs NumPy only, so the command line can refuse a bad file before it
spends seconds importing TensorFlow.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from linfit.errors import DataFileError, InputTypeError, InputValueError
from linfit.files.fastcsv import fast_parse

if TYPE_CHECKING:
    from linfit._tensorflow import tf

__all__ = ["BLOCK_BYTES", "MAX_LINE_BYTES", "iter_csv", "load_csv", "read_csv"]

BLOCK_BYTES = 1 << 24
"""Bytes parsed at a time (16 MiB): memory stays bounded, Ctrl-C is honoured between
blocks, and a file that is not text (NUL bytes, endless lines) is refused within its
first block."""

MAX_LINE_BYTES = 1 << 16
"""A longer line cannot be a row of numbers: the file is refused at once instead of
being read into memory in search of a line end."""

NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
Source = str | os.PathLike[str] | BinaryIO
Columns = tuple[str | int, str | int]


@dataclass(frozen=True)
class _Layout:
    """What the first content line said: the number of cells and the two to read."""

    cells: int
    pick: tuple[int, int]


def read_csv(
    source: Source, *, columns: Columns | None = None, comments: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Read the points of a CSV file (the format of [`linfit.files.csvfile`][]).

    Args:
        source: A path, or a binary stream such as ``sys.stdin.buffer``.
        columns: The two columns to read, by header name or 0-based index;
            ``None`` for a file of exactly two columns.
        comments: A character that starts a comment line, or ``None`` (the
            default: no line is a comment).

    Returns:
        ``(x, y)``: two float32 NumPy arrays of shape ``(N,)``, ``N >= 2``.

    Raises:
        DataFileError: If the file cannot be used; the message names the file and
            the line.
        InputTypeError: If ``source`` is neither a path nor a binary stream.
        InputValueError: If ``columns`` or ``comments`` are not usable.
    """
    parts = list(iter_csv(source, columns=columns, comments=comments))
    x = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.float32)
    y = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.float32)
    if len(x) < 2:
        raise DataFileError(
            _name(source), f"needs at least 2 data rows, found {len(x)}"
        )
    return x, y


def iter_csv(
    source: Source,
    *,
    columns: Columns | None = None,
    comments: str | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The points of a CSV file, block by block, as float32 ``(x, y)`` arrays.

    The arguments and the checks are those of [`read_csv`][linfit.files.csvfile.read_csv],
    except that the number of rows is not checked (a stream may be empty).
    """
    name = _name(source)
    _check_options(columns, comments)
    layout: _Layout | None = None
    with _open(source, name) as stream:
        for first_line, data in _blocks(stream, name, block_bytes):
            text = _decode(data, name, first_line, first=first_line == 1)
            if layout is None:
                found = _first_content_line(text, comments)
                if found is None:
                    continue  # only blank lines (or comments) so far
                offset, cells = found
                layout = _layout(cells, columns, name, first_line + offset)
                if _is_header(cells):
                    lines = text.split("\n")
                    first_line += offset + 1
                    data = "\n".join(lines[offset + 1 :]).encode("utf-8")
                    text = data.decode("utf-8")
            yield _parse(data, text, layout, name, first_line, comments)


def load_csv(
    source: Source, *, columns: Columns | None = None, comments: str | None = None
) -> tuple[tf.Tensor, tf.Tensor]:
    """[`read_csv`][linfit.files.csvfile.read_csv], as two float32 tensors of shape ``(N,)``."""
    from linfit._tensorflow import tf

    x, y = read_csv(source, columns=columns, comments=comments)
    return tf.constant(x), tf.constant(y)


def _name(source: object) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def _check_options(columns: object, comments: object) -> None:
    if comments is not None and (not isinstance(comments, str) or len(comments) != 1):
        raise InputValueError(
            f"comments must be one character or None, got {comments!r}"
        )
    if columns is None:
        return
    if (
        not isinstance(columns, tuple)
        or len(columns) != 2
        or not all(
            isinstance(c, (str, int)) and not isinstance(c, bool) for c in columns
        )
    ):
        raise InputValueError(
            f"columns must be two column names or 0-based indices, got {columns!r}"
        )
    if columns[0] == columns[1]:
        raise InputValueError(f"columns names the same column twice: {columns[0]!r}")


class _open:
    """The source as a binary stream; a path is opened (and closed) here."""

    def __init__(self, source: Source, name: str) -> None:
        self.source, self.name, self.owned = source, name, False

    def __enter__(self) -> BinaryIO:
        source = self.source
        if not isinstance(source, (str, os.PathLike)):
            if not callable(getattr(source, "read", None)):
                raise InputTypeError(
                    "source must be a path (str or os.PathLike) or a binary stream, "
                    f"got {type(source).__name__}"
                )
            return source
        if "\0" in self.name:
            raise DataFileError(
                self.name.replace("\0", "\\0"), "the path contains a NUL byte"
            )
        if os.path.isdir(self.name):
            raise DataFileError(self.name, "is a directory, not a CSV file")
        try:
            self.stream: BinaryIO = open(self.name, "rb")
        except FileNotFoundError:
            raise DataFileError(self.name, "no such file") from None
        except OSError as error:
            raise DataFileError(
                self.name, f"cannot be read: {error.strerror}"
            ) from None
        self.owned = True
        return self.stream

    def __exit__(self, *exception: object) -> None:
        if self.owned:
            self.stream.close()


def _blocks(stream: BinaryIO, name: str, size: int) -> Iterator[tuple[int, bytes]]:
    """The stream as ``(number of its first line, bytes)`` pieces ending at line ends.

    Raises:
        DataFileError: For NUL bytes (binary content), a carriage return without a line
            feed, or a line longer than [`MAX_LINE_BYTES`][linfit.files.csvfile.MAX_LINE_BYTES].
    """
    line, pending = 1, b""
    while True:
        try:
            block = stream.read(size)
        except OSError as error:
            raise DataFileError(name, f"cannot be read: {error.strerror}") from None
        if not isinstance(block, bytes):
            raise InputTypeError(f"{name}: the stream must be opened in binary mode")
        if not block and not pending:
            return
        zero = block.find(b"\0")
        if zero >= 0:
            where = line + pending.count(b"\n") + block.count(b"\n", 0, zero)
            raise DataFileError(
                name, "contains NUL bytes; it is not a text CSV file", where
            )
        pending += block
        cut = pending.rfind(b"\n") + 1 if block else len(pending)
        complete, pending = pending[:cut], pending[cut:]
        if len(pending) > MAX_LINE_BYTES:
            raise DataFileError(
                name,
                f"line is longer than {MAX_LINE_BYTES // 1024} KiB; not a CSV of numbers",
                line + complete.count(b"\n"),
            )
        if complete.count(b"\r") != complete.count(b"\r\n"):
            lone = re.search(rb"\r(?!\n)", complete)
            assert lone is not None
            raise DataFileError(
                name,
                "has a carriage return without a line feed (old Mac line ends); "
                "convert the file to LF or CRLF line ends",
                line + complete.count(b"\n", 0, lone.start()),
            )
        if complete:
            yield line, complete
            line += complete.count(b"\n")


def _decode(data: bytes, name: str, line: int, first: bool) -> str:
    try:
        return data.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            name,
            f"is not UTF-8 text (undecodable byte 0x{data[error.start]:02x})",
            line + data.count(b"\n", 0, error.start),
        ) from None


def _cells(line: str) -> list[str] | None:
    """The cells of one line (``None`` if its quotes do not close on it)."""
    try:
        return next(csv.reader([line.removesuffix("\r")], strict=True), [])
    except csv.Error:
        return None


def _is_blank(line: str, comments: str | None) -> bool:
    stripped = line.strip()
    return not stripped.strip(",") or (
        comments is not None and stripped[:1] == comments
    )


def _first_content_line(
    text: str, comments: str | None
) -> tuple[int, list[str]] | None:
    for offset, line in enumerate(text.split("\n")):
        if not _is_blank(line, comments):
            return offset, _cells(line) or [line]
    return None


def _is_header(cells: list[str]) -> bool:
    """A header: a line none of whose cells is a number."""
    return not any(
        NUMBER.fullmatch(c.strip()) or NON_FINITE.fullmatch(c.strip()) for c in cells
    )


def _layout(cells: list[str], columns: Columns | None, name: str, line: int) -> _Layout:
    count = len(cells)
    if columns is None:
        if count != 2:
            hint = (
                " (the separator must be a comma)"
                if count == 1
                else "; pick two with --columns (header names or 0-based indices)"
            )
            raise DataFileError(
                name, f"expected 2 columns (x,y), found {count}{hint}", line
            )
        return _Layout(2, (0, 1))
    header = [c.strip() for c in cells] if _is_header(cells) else None
    pick = []
    for column in columns:
        if isinstance(column, int):
            if not 0 <= column < count:
                raise DataFileError(
                    name, f"column {column} does not exist: the file has {count}", line
                )
            pick.append(column)
        elif header is None:
            raise DataFileError(
                name,
                f"column {column!r} is named, but the file has no header line",
                line,
            )
        elif column not in header:
            raise DataFileError(
                name,
                f"column {column!r} is not in the header ({', '.join(header)})",
                line,
            )
        else:
            pick.append(header.index(column))
    return _Layout(count, (pick[0], pick[1]))


def _parse(
    data: bytes,
    text: str,
    layout: _Layout,
    name: str,
    first_line: int,
    comments: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Complete lines as float32 ``(x, y)``: the fast parser, else the careful one."""
    if not text.strip():
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    has_comments = comments is not None and re.search(
        rf"(?m)^[ \t]*{re.escape(comments)}", text
    )
    values = None if has_comments else fast_parse(data, text, layout.cells, layout.pick)
    if values is None:
        values = _careful(text, layout, name, first_line, comments)
    return values[0], values[1]


def _careful(
    text: str, layout: _Layout, name: str, first_line: int, comments: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Parse line by line; raise naming the first problem and its line."""
    rows: list[tuple[float, float]] = []
    for offset, line in enumerate(text.split("\n")):
        if _is_blank(line, comments):
            continue
        where = first_line + offset
        cells = _cells(line)
        if cells is None:
            raise DataFileError(
                name, "malformed CSV: a quoted cell does not end on its line", where
            )
        if len(cells) != layout.cells:
            hint = " (the separator must be a comma)" if len(cells) == 1 else ""
            raise DataFileError(
                name,
                f"expected {layout.cells} columns, found {len(cells)}{hint}",
                where,
            )
        rows.append(tuple(_number(cells[i], name, where) for i in layout.pick))  # type: ignore[arg-type]
    values = np.asarray(rows, dtype=np.float64).astype(np.float32).reshape(-1, 2)
    return values[:, 0].copy(), values[:, 1].copy()


def _number(cell: str, name: str, line: int) -> float:
    text = cell.strip()
    if NON_FINITE.fullmatch(text) or NUMBER.fullmatch(text):
        value = float(text)
    else:
        raise DataFileError(name, f"cell {text!r} is not a number", line)
    with np.errstate(over="ignore"):
        if not np.isfinite(np.float32(value)):
            raise DataFileError(
                name,
                f"value {value!r} is not a finite float32 number "
                "(NaN, infinity, or beyond ±3.4e38)",
                line,
            )
    return value
