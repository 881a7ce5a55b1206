"""A data file split between workers: each reads its own part, once, for its moments.

The moments of a line's loss add up ([`linfit.moments.MomentSums`][]): if every
worker sums its part of the file with the *same* shift, the sums of the whole file
are the sum of the workers' sums, one all-reduce. So
[`plan`][linfit.parallel.shards.plan] cuts the file into one part per worker, at
line ends for CSV (byte ranges) and at rows for ``.npy`` (row ranges), and takes
the shift from the first data row; [`read_part`][linfit.parallel.shards.read_part]
is what each worker reads. No worker needs another's part, and none holds more
than a block of it at a time.

A CSV part after the first is read with the file's header line in front of it,
so that columns named in the header resolve in every worker. A bad row is found
by the worker whose part holds it, which knows its line within the part; the
launcher turns that into the file's line number
([`line_in_file`][linfit.parallel.shards.line_in_file]), a cost paid only then.
"""

from __future__ import annotations

import argparse
import io
import os
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO, cast

import numpy as np

from linfit.errors import DataFileError
from linfit.files.csvfile import Columns, header_line, iter_csv
from linfit.files.formats import iter_npy
from linfit.files.sources import read_moments
from linfit.history import History
from linfit.moments import MomentSums

__all__ = [
    "Plan",
    "line_in_file",
    "main_on_file",
    "moments_of",
    "plan",
    "read_part",
    "run_file",
]

SEARCH = 1 << 16
"""Bytes searched for the line end that starts a part."""


@dataclass(frozen=True)
class Plan:
    """How ``workers`` processes split one file.

    Attributes:
        path: The file.
        kind: ``"csv"`` or ``"npy"``.
        parts: ``[start, stop)`` for each worker: bytes (CSV) or rows (``.npy``).
        shift: The first data row ``(x, y)``, the shift every worker sums with.
        header: The CSV header line (with its line end), or ``""``.
        columns: As the user gave them (CSV names or indices; ``.npy`` indices).
        comments: The CSV comment character, or ``None``.
    """

    path: str
    kind: str
    parts: list[tuple[int, int]]
    shift: tuple[float, float]
    header: str
    columns: Columns | None
    comments: str | None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the settings file the workers read)."""
        return asdict(self)

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Plan:
        """The plan the launcher wrote."""
        columns = document["columns"]
        return cls(
            path=document["path"],
            kind=document["kind"],
            parts=[(int(a), int(b)) for a, b in document["parts"]],
            shift=(float(document["shift"][0]), float(document["shift"][1])),
            header=document["header"],
            columns=None if columns is None else (columns[0], columns[1]),
            comments=document["comments"],
        )


def plan(
    path: str | os.PathLike[str],
    workers: int,
    *,
    columns: Columns | None = None,
    comments: str | None = None,
) -> Plan:
    """Cut ``path`` into ``workers`` parts, checking what can be checked cheaply.

    Raises:
        DataFileError: If the file cannot be used (missing, not CSV or ``.npy``, a
            bad first rows or header).
    """
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix in (".npz", ".parquet", ".pq"):
        raise DataFileError(
            name,
            "the workers split CSV and .npy files only; convert it first "
            "(e.g. numpy.save of an N×2 array), or train on one process "
            "(linfit fit, or linfit.train_streaming) which reads every format",
        )
    if suffix == ".npy":
        from linfit.files.formats import npy_rows

        rows = npy_rows(name)
        first = next(iter_npy(name, columns, rows=(0, min(rows, 1))), None)
        edges = [rows * k // workers for k in range(workers + 1)]
        kind, header = "npy", ""
    else:
        size = _size(name)
        header = header_line(name, comments=comments)
        first = _first_row(name, columns, comments, header)
        edges = [
            0,
            *(_line_start(name, size * k // workers) for k in range(1, workers)),
        ]
        edges.append(size)
        edges = [min(max(e, edges[0]), size) for e in edges]
        kind = "csv"
    if first is None or first[0].size == 0:
        raise DataFileError(name, "needs at least 2 data rows, found 0")
    shift = (float(first[0][0]), float(first[1][0]))
    parts = [(edges[k], max(edges[k], edges[k + 1])) for k in range(workers)]
    return Plan(name, kind, parts, shift, header, columns, comments)


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size
    except FileNotFoundError:
        raise DataFileError(name, "no such file") from None
    except OSError as error:
        raise DataFileError(name, f"cannot be read: {error.strerror}") from None


def _first_row(
    name: str, columns: Columns | None, comments: str | None, header: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """The first data row of a CSV file, read from the lines up to it only."""
    with open(name, "rb") as stream:
        prefix = stream.read(SEARCH)
    wanted = 2 if header else 1  # content lines up to the first data row
    lines = prefix.split(b"\n")[:-1] if len(prefix) == SEARCH else prefix.split(b"\n")
    kept: list[bytes] = []
    for line in lines:
        kept.append(line)
        text = line.strip(b" \t\r,")
        if text and not (comments and text.startswith(comments.encode("utf-8"))):
            wanted -= 1
            if wanted == 0:
                break
    lines_up_to_it = io.BytesIO(b"\n".join(kept) + b"\n")
    lines_up_to_it.name = name  # errors name the file
    pieces = iter_csv(lines_up_to_it, columns=columns, comments=comments)
    for x, y in pieces:
        if x.size:
            return x, y
    return None


def _line_start(name: str, offset: int) -> int:
    """The first line start at or after ``offset`` (the file's end if none)."""
    if offset == 0:
        return 0
    with open(name, "rb") as stream:
        stream.seek(offset - 1)
        while True:
            piece = stream.read(SEARCH)
            if not piece:
                return stream.tell()
            end = piece.find(b"\n")
            if end >= 0:
                return stream.tell() - len(piece) + end + 1


class _Part(io.RawIOBase):
    """Bytes ``[start, stop)`` of a file, after an optional prefix (the header)."""

    def __init__(self, name: str, start: int, stop: int, prefix: bytes) -> None:
        self.file = open(name, "rb")  # noqa: SIM115 (closed with the part)
        self.file.seek(start)
        self.left = stop - start
        self.prefix = prefix
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        view = memoryview(target).cast("B")
        if self.prefix:
            count = min(len(self.prefix), len(view))
            view[:count] = self.prefix[:count]
            self.prefix = self.prefix[count:]
            return count
        count = self.file.readinto(view[: min(len(view), self.left)]) or 0
        self.left -= count
        return count

    def close(self) -> None:
        self.file.close()
        super().close()


def read_part(plan: Plan, index: int) -> MomentSums:
    """Worker ``index``'s part of the file, summed with the plan's shift.

    Raises:
        DataFileError: For a bad row; its ``line`` counts from the part's start as
            read (see [`line_in_file`][linfit.parallel.shards.line_in_file]).
    """
    start, stop = plan.parts[index]
    sums = MomentSums(plan.shift)
    if plan.kind == "npy":
        for x, y in iter_npy(plan.path, plan.columns, rows=(start, stop)):
            sums.add(x, y)
        return sums
    prefix = plan.header.encode("utf-8") if start > 0 else b""
    with _Part(plan.path, start, stop, prefix) as part:
        stream = cast("BinaryIO", part)  # a raw binary stream, read by blocks
        for x, y in iter_csv(stream, columns=plan.columns, comments=plan.comments):
            sums.add(x, y)
    return sums


def line_in_file(plan: Plan, index: int, line: int) -> int:
    """The file's line number of line ``line`` of worker ``index``'s part as read."""
    start, _ = plan.parts[index]
    before = 0
    with open(plan.path, "rb") as stream:
        left = start
        while left > 0:
            piece = stream.read(min(left, 1 << 24))
            if not piece:
                break
            before += piece.count(b"\n")
            left -= len(piece)
    return before + line - (1 if start > 0 and plan.header else 0)


def moments_of(plan: Plan) -> Any:
    """The whole file's moments read on one process, with the plan's shift."""
    return read_moments(
        plan.path, columns=plan.columns, comments=plan.comments, shift=plan.shift
    )


def run_file(
    path: str,
    *,
    epochs: int,
    learning_rate: float,
    w: float = 5.0,
    b: float = 0.0,
    workers: int = 2,
    columns: tuple[str | int, str | int] | None = None,
    comments: str | None = None,
    stall_timeout: float = 120.0,
    startup_timeout: float = 300.0,
    on_divergence: str = "raise",
    diagnostics: dict[str, Any] | None = None,
) -> History:
    """Full-batch training on a CSV or ``.npy`` file split between ``workers``.

    Each worker reads its own part of the file once, in blocks, for the moments
    of its points ([`linfit.parallel.shards`][]); ``tf.distribute`` all-reduces
    them, and every worker then takes the same epochs on the moments engine. The
    History equals [`train_streaming`][linfit.files.streaming.train_streaming]'s on
    one process within the moments' rounding bound.

    Args:
        path: A CSV or ``.npy`` file (as [`linfit.files.sources.chunks`][] reads).
        epochs: Number of epochs.
        learning_rate: Step size.
        w: Initial slope.
        b: Initial intercept.
        workers: Number of worker processes, 1 to 64.
        columns: The two columns, as for ``linfit fit --columns``.
        comments: For CSV: a character that starts a comment line.
        stall_timeout: Seconds a worker may go without progress.
        startup_timeout: Seconds a worker may take to start.
        on_divergence: ``"raise"`` or ``"continue"``.
        diagnostics: Filled with ``{"read_seconds": {worker: seconds}, ...}``.

    Raises:
        DataFileError: If the file cannot be used; a bad row is named by its line
            (CSV) or row in the whole file.
        InputTypeError, InputValueError, DivergenceError, LinfitError: As
            [`linfit.parallel.multiworker.run`][] raises them.
    """
    from linfit.parallel.multiworker import _common_settings, _launch

    given: dict[str, Any] = {
        "epochs": epochs,
        "learning_rate": learning_rate,
        "w": w,
        "b": b,
        "workers": workers,
        "stall_timeout": stall_timeout,
        "startup_timeout": startup_timeout,
        "on_divergence": on_divergence,
    }
    count = _common_settings(**given)["workers"]  # every cheap check first
    split = plan(path, count, columns=columns, comments=comments)
    return _launch(None, None, plan=split, diagnostics=diagnostics, **given)


def main_on_file(arguments: argparse.Namespace) -> int:
    """``python -m linfit.multiworker --data FILE``: split the file, compare with one process."""
    settings = {"epochs": arguments.epochs, "learning_rate": arguments.learning_rate}
    options = {"columns": arguments.columns, "comments": arguments.comments}
    diagnostics: dict[str, Any] = {}
    history = run_file(
        arguments.data,
        workers=arguments.workers,
        stall_timeout=arguments.stall_timeout,
        startup_timeout=arguments.startup_timeout,
        diagnostics=diagnostics,
        **settings,
        **options,
    )
    print("\n".join(history.lines()))
    import linfit

    single = linfit.train_streaming(
        linfit.LinearModel(), arguments.data, **settings, **options
    )
    gap = float(np.max(np.hypot(history.w - single.w, history.b - single.b)))
    reads = ", ".join(
        f"worker {k}: {v:.3g} s" for k, v in sorted(diagnostics["read_seconds"].items())
    )
    print(f"\nread of each part: {reads}")
    print(f"largest distance from the run on one process: {gap:.3g}")
    return 0
