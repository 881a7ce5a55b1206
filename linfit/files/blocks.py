"""Reading a data source in blocks that end at line ends, refusing what is not text.

A CSV reader must neither fill the memory (``/dev/zero``, a line without end) nor lose
its place: each block ends at a line end and comes with the number of its first line,
so an error found later names the right line. A block that holds a NUL byte, a
carriage return without a line feed, or a line longer than
[`MAX_LINE_BYTES`][linfit.files.blocks.MAX_LINE_BYTES] is refused at once.
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import re
import stat
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO, TypeVar

import numpy as np

from linfit.errors import DataFileError, InputTypeError

T = TypeVar("T")

__all__ = [
    "BLOCK_BYTES",
    "MAX_LINE_BYTES",
    "blocks",
    "check_utf8",
    "name_of",
    "opened",
    "prefetched",
]

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


def blocks(stream: BinaryIO, name: str, size: int) -> Iterator[tuple[int, memoryview]]:
    """The stream as ``(number of its first line, bytes)`` pieces ending at line ends.

    Every piece is a view into one buffer that is reused for the next: it is valid
    until the next piece is asked for. (Fresh memory for every block costs more
    than parsing it: the system must map each new page on first touch.)

    Raises:
        DataFileError: For NUL bytes (binary content), a carriage return without a line
            feed, or a line longer than [`MAX_LINE_BYTES`][linfit.files.csvfile.MAX_LINE_BYTES].
    """
    size = min(size, _file_size(stream))  # a small file needs no 16 MiB buffer
    ring = [bytearray(size + MAX_LINE_BYTES + 1) for _ in range(BUFFERS)]
    line, kept, turn = 1, 0, 0  # kept: bytes of a partial line at the buffer's start
    while True:
        buffer = ring[turn]
        view = memoryview(buffer)
        got = _read_into(stream, view[kept : kept + size], name)
        end = kept + got
        if end == 0:
            return
        zero = buffer.find(b"\0", kept, end)
        if zero >= 0:
            where = line + buffer.count(b"\n", 0, zero)
            raise DataFileError(
                name, "contains NUL bytes; it is not a text CSV file", where
            )
        cut = buffer.rfind(b"\n", 0, end) + 1 if got else end
        if end - cut > MAX_LINE_BYTES:
            raise DataFileError(
                name,
                f"line is longer than {MAX_LINE_BYTES // 1024} KiB; not a CSV of numbers",
                line + buffer.count(b"\n", 0, cut),
            )
        if buffer.find(b"\r", 0, cut) >= 0 and buffer.count(b"\r", 0, cut) != (
            buffer.count(b"\r\n", 0, cut)
        ):
            lone = re.search(rb"\r(?!\n)", view[:cut])
            assert lone is not None
            raise DataFileError(
                name,
                "has a carriage return without a line feed (old Mac line ends); "
                "convert the file to LF or CRLF line ends",
                line + buffer.count(b"\n", 0, lone.start()),
            )
        if not cut:  # no line end yet: read on into the same buffer
            kept = end
            continue
        yield line, view[:cut]
        # Asked for the next piece: the one before this is done with, so its buffer
        # (the next in the ring) takes the partial line that ends this one.
        turn = (turn + 1) % BUFFERS
        ring[turn][: end - cut] = view[cut:end]
        kept = end - cut
        line += _line_ends(buffer, cut)
        if not got:
            return


BUFFERS = 3
"""Blocks in flight: one being parsed, one waiting, one being read
([`prefetched`][linfit.files.blocks.prefetched] reads ahead in a thread)."""


def prefetched(pieces: Iterator[T]) -> Iterator[T]:
    """``pieces``, produced by a thread one piece ahead of their consumer.

    The thread reads and checks the next block while the library parses this one
    (both release the interpreter lock for their work). At most one piece waits,
    so with the ring of [`BUFFERS`][linfit.files.blocks.BUFFERS] buffers of
    [`blocks`][linfit.files.blocks.blocks] a buffer is refilled only after its
    consumer has asked for the piece after it. An error in the thread is raised here.
    """
    waiting: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in pieces:
                while not stop.is_set():
                    with contextlib.suppress(queue.Full):
                        waiting.put(("piece", piece), timeout=0.1)
                        break
                if stop.is_set():
                    return
            waiting.put(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            waiting.put(("error", error))

    thread = threading.Thread(target=produce, name="linfit-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = waiting.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def read_ahead(
    stream: BinaryIO, name: str, size: int
) -> Iterator[tuple[int, memoryview]]:
    """The [`blocks`][linfit.files.blocks.blocks] of ``stream``, read ahead if it is a file.

    A regular file is read one block ahead by
    [`prefetched`][linfit.files.blocks.prefetched].

    A pipe or a terminal is read in the caller's thread: a read that waits for
    more input then waits where Ctrl-C reaches it.
    """
    pieces = blocks(stream, name, size)
    return prefetched(pieces) if _file_size(stream) < 1 << 62 else pieces


def _file_size(stream: BinaryIO) -> int:
    """The size of a regular file plus one (its end is seen at once), else ``2**62``."""
    try:
        status = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 1 << 62  # not a file: an in-memory stream
    return status.st_size + 1 if stat.S_ISREG(status.st_mode) else 1 << 62


_PIECE = 1 << 20
_IS_NEWLINE = np.empty(_PIECE, dtype=bool)


def _line_ends(buffer: bytearray, end: int) -> int:
    """How many LF bytes ``buffer[:end]`` holds.

    NumPy compares a MiB at a time into one small array that stays in the cache
    (several times faster than ``bytes.count``, and no 16 MiB temporary).
    """
    codes = np.frombuffer(buffer, dtype=np.uint8, count=end)
    total = 0
    for start in range(0, end, _PIECE):
        piece = codes[start : start + _PIECE]
        total += int(
            np.count_nonzero(np.equal(piece, 10, out=_IS_NEWLINE[: piece.size]))
        )
    return total


def _read_into(stream: BinaryIO, target: memoryview, name: str) -> int:
    """Fill ``target`` from ``stream`` (up to its end); the number of bytes read."""
    try:
        if isinstance(stream, (io.BufferedIOBase, io.RawIOBase)):
            return stream.readinto(target) or 0
        data = stream.read(len(target))
    except OSError as error:
        raise DataFileError(name, f"cannot be read: {error.strerror}") from None
    if not isinstance(data, bytes):
        raise InputTypeError(f"{name}: the stream must be opened in binary mode")
    target[: len(data)] = data
    return len(data)


def check_utf8(data: bytes | memoryview, name: str, line: int) -> str:
    """``data`` decoded, or a refusal naming the line of the first undecodable byte."""
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(
            name,
            f"is not UTF-8 text (undecodable byte 0x{data[error.start]:02x})",
            line + bytes(data[: error.start]).count(b"\n"),
        ) from None
