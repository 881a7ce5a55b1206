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

import codecs
import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from linfit.errors import DataFileError, InputValueError
from linfit.files.blocks import (
    BLOCK_BYTES,
    MAX_LINE_BYTES,
    blocks,
    check_utf8,
    name_of,
    opened,
    read_ahead,
)
from linfit.files.fastcsv import fast_parse

if TYPE_CHECKING:
    from linfit._tensorflow import tf

__all__ = [
    "BLOCK_BYTES",
    "MAX_LINE_BYTES",
    "header_line",
    "iter_csv",
    "load_csv",
    "parse_columns",
    "read_csv",
]

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
            name_of(source), f"needs at least 2 data rows, found {len(x)}"
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
    name = name_of(source)
    _check_options(columns, comments)
    layout: _Layout | None = None
    with opened(source, name) as stream:
        for first_line, block in read_ahead(stream, name, block_bytes):
            data: bytes | memoryview = block
            if first_line == 1 and bytes(block[:3]) == codecs.BOM_UTF8:
                data = block[3:]
            if not _is_ascii(data):  # ASCII is UTF-8; anything else must decode
                check_utf8(data, name, first_line)
            if layout is None:
                found = _first_content_line(bytes(data[:MAX_LINE_BYTES]), comments)
                if found is None or found[1] == min(len(data), MAX_LINE_BYTES):
                    found = _first_content_line(
                        bytes(data), comments
                    )  # rare: search on
                if found is None:
                    continue  # only blank lines (or comments) so far
                offset, end, cells = found
                layout = _layout(cells, columns, name, first_line + offset)
                if _is_header(cells):  # the data starts on the next line
                    first_line += offset + 1
                    data = data[end + 1 :]
            yield _parse(data, layout, name, first_line, comments)


def parse_columns(text: str) -> Columns:
    """``"X,Y"`` as two columns: header names, or 0-based indices (digits), or a mix.

    Raises:
        ValueError: If ``text`` does not name two columns.
    """
    parts = [part.strip() for part in str(text).split(",")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(
            f"expected two columns as X,Y (header names or 0-based indices), got {text!r}"
        )
    first, second = (int(p) if p.isdigit() else p for p in parts)
    return first, second


def header_line(source: str | os.PathLike[str], *, comments: str | None = None) -> str:
    """The header line of a CSV file, with its line end, or ``""`` if it has none.

    Raises:
        DataFileError: If the file cannot be read or is not text.
    """
    name = name_of(source)
    _check_options(None, comments)
    with opened(source, name) as stream:
        for _, block in blocks(stream, name, MAX_LINE_BYTES):
            data = bytes(block).removeprefix(codecs.BOM_UTF8)
            check_utf8(data, name, 1)
            found = _first_content_line(data, comments)
            if found is None:
                continue
            _, end, cells = found
            if not _is_header(cells):
                return ""
            start = data.rfind(b"\n", 0, end) + 1
            return data[start : end + 1].decode("utf-8").rstrip("\r\n") + "\n"
    return ""


def load_csv(
    source: Source, *, columns: Columns | None = None, comments: str | None = None
) -> tuple[tf.Tensor, tf.Tensor]:
    """[`read_csv`][linfit.files.csvfile.read_csv], as two float32 tensors of shape ``(N,)``."""
    from linfit._tensorflow import tf

    x, y = read_csv(source, columns=columns, comments=comments)
    return tf.constant(x), tf.constant(y)


def _is_ascii(data: bytes | memoryview) -> bool:
    codes = np.frombuffer(data, dtype=np.uint8)
    return not codes.size or int(codes.max()) < 128


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
    data: bytes, comments: str | None
) -> tuple[int, int, list[str]] | None:
    """``(line offset, index of its line end, cells)`` of the first content line."""
    start = offset = 0
    while start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end].decode("utf-8")  # decodable: checked before
        if not _is_blank(line, comments):
            return offset, end, _cells(line) or [line]
        start, offset = end + 1, offset + 1
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
    data: bytes | memoryview,
    layout: _Layout,
    name: str,
    first_line: int,
    comments: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Complete lines as float32 ``(x, y)``: the fast parser, else the careful one."""
    if not re.search(rb"\S", data):  # stops at the first byte that is not a space
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    mark = None if comments is None else comments.encode("utf-8")
    has_comments = mark is not None and re.search(
        rb"(?m)^[ \t]*" + re.escape(mark), data
    )
    values = None if has_comments else fast_parse(data, layout.cells, layout.pick)
    if values is None:
        text = str(data, "utf-8")  # decodable: checked before
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
