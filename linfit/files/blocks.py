"""Reading a data source in blocks that end at line ends, refusing what is not text.

A CSV reader must neither fill the memory (``/dev/zero``, a line without end) nor lose
its place: each block ends at a line end and comes with the number of its first line,
so an error found later names the right line. A block that holds a NUL byte, a
carriage return without a line feed, or a line longer than
[`MAX_LINE_BYTES`][linfit.files.blocks.MAX_LINE_BYTES] is refused at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np

from linfit.errors import DataFileError, InputTypeError

__all__ = ["BLOCK_BYTES", "MAX_LINE_BYTES", "blocks", "check_utf8", "name_of", "opened"]

BLOCK_BYTES = 1 << 24
"""Bytes parsed at a time (16 MiB): memory stays bounded, Ctrl-C is honoured between
blocks, and a file that is not text (NUL bytes, endless lines) is refused within its
first block."""

MAX_LINE_BYTES = 1 << 16
"""A longer line cannot be a row of numbers: the file is refused at once instead of
being read into memory in search of a line end."""

Source = str | os.PathLike[str] | BinaryIO


def name_of(source: object) -> str:
    """What to call ``source`` in messages: its path, or a stream's name."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


class opened:
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


def blocks(stream: BinaryIO, name: str, size: int) -> Iterator[tuple[int, bytes]]:
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
        if b"\r" in complete and complete.count(b"\r") != complete.count(b"\r\n"):
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
            line += _line_ends(complete)


def _line_ends(data: bytes) -> int:
    """How many LF bytes ``data`` holds (NumPy counts them several times faster)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 10))


def check_utf8(data: bytes, name: str, line: int) -> str:
    """``data`` decoded, or a refusal naming the line of the first undecodable byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            name,
            f"is not UTF-8 text (undecodable byte 0x{data[error.start]:02x})",
            line + data.count(b"\n", 0, error.start),
        ) from None
