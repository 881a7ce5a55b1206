"""Reading the points of any source in pieces of bounded size: files, streams, pairs.

[`chunks`][linfit.files.sources.chunks] reads a CSV, ``.parquet``, ``.npy`` or
``.npz`` file (by suffix; anything else is read as CSV: [`linfit.files.csvfile`][],
[`linfit.files.formats`][]), a binary stream of CSV, or an iterable of ``(x, y)``
array pairs, piece by piece; [`read_moments`][linfit.files.sources.read_moments]
folds the pieces into a [`MomentSums`][linfit.moments.MomentSums] in one read.
NumPy only (pyarrow for Parquet): the command line refuses a bad file before it
imports TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from linfit.errors import InputValueError
from linfit.files import formats
from linfit.files.csvfile import Columns, iter_csv
from linfit.moments import Moments, MomentSums

__all__ = ["chunks", "is_path", "read_moments", "read_points"]

Source = Any
"""A path, a binary stream of CSV, or an iterable of ``(x, y)`` pairs."""


def is_path(source: object) -> bool:
    """Whether ``source`` names a file (which can be read more than once)."""
    return isinstance(source, (str, os.PathLike))


def chunks(
    source: Source, *, columns: Columns | None = None, comments: str | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The points of ``source``, piece by piece, as finite float32 ``(x, y)`` arrays.

    Args:
        source: A path (``.csv`` or any other suffix: CSV; ``.parquet``, ``.pq``;
            ``.npy``; ``.npz``), a binary stream of CSV, or an iterable of
            ``(x, y)`` pairs of arrays.
        columns: The two columns to read (header names or 0-based indices);
            ``None`` for a file of exactly two.
        comments: For CSV only: a character that starts a comment line.

    Raises:
        DataFileError: If the file cannot be used; the message names the file
            and the line (CSV) or the 0-based row.
        InputTypeError, InputValueError: For pairs ``train`` would refuse.
    """
    if is_path(source):
        suffix = os.path.splitext(os.fspath(source))[1].lower()
        readers: dict[str, Callable[..., Iterator[tuple[np.ndarray, np.ndarray]]]] = {
            ".npy": formats.iter_npy,
            ".npz": formats.iter_npz,
            ".parquet": formats.iter_parquet,
            ".pq": formats.iter_parquet,
        }
        if suffix in readers:
            if comments is not None:
                raise InputValueError(f"comments applies to CSV files, not {suffix}")
            yield from readers[suffix](source, columns)
            return
    if is_path(source) or callable(getattr(source, "read", None)):
        yield from iter_csv(source, columns=columns, comments=comments)
        return
    if not isinstance(source, Iterable):
        raise InputValueError(
            "source must be a path, a binary stream or an iterable of (x, y) pairs, "
            f"got {type(source).__name__}"
        )
    from linfit.validation import as_data

    for piece in source:
        if not (isinstance(piece, tuple) and len(piece) == 2):
            raise InputValueError(
                f"each piece of the source must be an (x, y) pair, got {piece!r:.60}"
            )
        if np.size(piece[0]) or np.size(piece[1]):
            yield as_data(*piece)


def read_moments(
    source: Source,
    *,
    columns: Columns | None = None,
    comments: str | None = None,
    shift: tuple[float, float] | None = None,
) -> Moments:
    """The [`Moments`][linfit.moments.Moments] of ``source``, in one read.

    Arguments as for [`chunks`][linfit.files.sources.chunks]; ``shift`` as for
    [`MomentSums`][linfit.moments.MomentSums] (``None``: the first point).

    Raises:
        DataFileError: If the file cannot be used, or holds fewer than 2 points.
    """
    sums = MomentSums(shift)
    for x, y in chunks(source, columns=columns, comments=comments):
        sums.add(x, y)
    if sums.totals[0] < 2:
        raise _too_few(source, int(sums.totals[0]))
    return sums.moments()


def read_points(
    source: Source, *, columns: Columns | None = None, comments: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every point of ``source`` in memory: float32 ``(x, y)`` of shape ``(N,)``.

    Arguments as for [`chunks`][linfit.files.sources.chunks].

    Raises:
        DataFileError: If the file cannot be used, or holds fewer than 2 points.
    """
    parts = list(chunks(source, columns=columns, comments=comments))
    count = sum(len(x) for x, _ in parts)
    if count < 2:
        raise _too_few(source, count)
    return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])


def _too_few(source: Source, count: int) -> Exception:
    from linfit.errors import DataFileError
    from linfit.files.blocks import name_of

    name = name_of(source) if is_path(source) or hasattr(source, "read") else "source"
    return DataFileError(name, f"needs at least 2 data rows, found {count}")
