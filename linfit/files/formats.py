"""Reading points from Parquet and NumPy files in pieces of bounded size.

Three formats besides CSV ([`linfit.files.csvfile`][]), each read
[`ROWS`][linfit.files.formats.ROWS] rows at a time so that memory stays flat
however large the file is:

* ``.npy``: a 2-D array of real numbers, shape ``(N, K)``, in C order. ``K = 2``
  gives ``x, y``; otherwise ``columns`` picks two by 0-based index.
* ``.npz``: two 1-D arrays named ``x`` and ``y`` (or named by ``columns``), or a
  single 2-D array as in ``.npy``. Each member is read from the archive as a stream
  (compressed or not), never loaded whole.
* ``.parquet``: two numeric columns (or two picked by ``columns``, by name or
  index), read batch by batch with pyarrow.

Every value is rounded to float32 as the CSV reader rounds it, and a value that is
not finite there, or missing (a Parquet null), is refused with its 0-based row:
no row is dropped. This module needs NumPy only, pyarrow for Parquet.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import numpy as np

from linfit.errors import DataFileError

__all__ = ["ROWS", "iter_npy", "iter_npz", "iter_parquet", "npy_rows"]

ROWS = 1 << 20
"""Rows read at a time (8 MiB as float32 ``x`` and ``y``)."""

Columns = tuple[str | int, str | int]
Chunk = tuple[np.ndarray, np.ndarray]


def _float32(values: Any, name: str, first_row: int, column: str) -> np.ndarray:
    """``values`` rounded to float32, or a refusal naming the first bad row."""
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.asarray(values, dtype=np.float64).astype(np.float32)
    bad = np.flatnonzero(~np.isfinite(rounded))
    if bad.size:
        value = np.asarray(values).reshape(-1)[bad[0]]
        raise DataFileError(
            name,
            f"row {first_row + int(bad[0])} (0-based), column {column}: value "
            f"{float(value):g} is not a finite float32 number (NaN, infinity, or beyond ±3.4e38)",
        )
    return rounded


def _check_dtype(dtype: np.dtype, name: str, what: str) -> None:
    if dtype.kind not in "iuf":
        raise DataFileError(
            name, f"{what} holds {dtype} values; expected real numbers (int or float)"
        )


def _pick_index(columns: Columns | None, count: int, name: str) -> tuple[int, int]:
    if columns is None:
        if count != 2:
            raise DataFileError(
                name, f"expected 2 columns (x,y), found {count}; pick two with columns"
            )
        return 0, 1
    pick = []
    for column in columns:
        if not isinstance(column, int) or not 0 <= column < count:
            raise DataFileError(
                name,
                f"column {column!r} does not exist: the array has {count} columns, "
                "picked by 0-based index",
            )
        pick.append(column)
    return pick[0], pick[1]


def _table_chunks(
    rows: Iterator[np.ndarray], pick: tuple[int, int], name: str, first: int = 0
) -> Iterator[Chunk]:
    for block in rows:
        yield (
            _float32(block[:, pick[0]], name, first, str(pick[0])),
            _float32(block[:, pick[1]], name, first, str(pick[1])),
        )
        first += len(block)


def iter_npy(
    path: str | os.PathLike[str],
    columns: Columns | None = None,
    *,
    rows: tuple[int, int] | None = None,
) -> Iterator[Chunk]:
    """The points of a ``.npy`` file, [`ROWS`][linfit.files.formats.ROWS] at a time.

    Read with plain reads after the header, not a memory map: a map's pages would
    count in the process's resident memory until the whole file had been mapped.

    Args:
        path: The file.
        columns: Two 0-based column indices; ``None`` for an ``(N, 2)`` array.
        rows: Read only rows ``[start, stop)`` (a worker's part of the file);
            errors still name rows of the whole array.
    """
    name = os.fspath(path)
    from linfit.files.blocks import opened

    with opened(name, name) as file:
        stream, dtype, shape = _header(file, name, "the array")
        if rows is not None and len(shape) == 2:
            start, stop = max(0, rows[0]), min(rows[1], shape[0])
            file.seek(start * shape[1] * dtype.itemsize, os.SEEK_CUR)
            yield from _table(
                stream, dtype, (max(0, stop - start), shape[1]), columns, name, start
            )
            return
        yield from _table(stream, dtype, shape, columns, name)


def npy_rows(path: str | os.PathLike[str]) -> int:
    """The number of rows of the 2-D array in a ``.npy`` file (its header only)."""
    name = os.fspath(path)
    from linfit.files.blocks import opened

    with opened(name, name) as file:
        _, _, shape = _header(file, name, "the array")
    if len(shape) != 2:
        raise DataFileError(
            name, f"expected a 2-D array of shape (N, 2), found shape {shape}"
        )
    return int(shape[0])


def _header(
    stream: IO[bytes], name: str, what: str
) -> tuple[IO[bytes], np.dtype, tuple[int, ...]]:
    """``stream`` after its ``.npy`` header, with the array's dtype and shape."""
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
    except ValueError as error:
        stream.close()
        raise DataFileError(name, f"{what} is not a .npy array ({error})") from None
    _check_dtype(dtype, name, what)
    if fortran and len(shape) > 1:
        stream.close()
        raise DataFileError(name, f"{what} is in Fortran order; save it in C order")
    return stream, dtype, shape


def _member(
    archive: zipfile.ZipFile, member: str, name: str
) -> tuple[IO[bytes], np.dtype, tuple[int, ...]]:
    """An ``.npz`` member opened as a stream, after its ``.npy`` header."""
    return _header(archive.open(f"{member}.npy"), name, f"member {member}")


def _read_rows(
    stream: IO[bytes], dtype: np.dtype, rows: int, width: int, name: str
) -> np.ndarray:
    size = rows * width * dtype.itemsize
    data = stream.read(size)
    if len(data) != size:
        raise DataFileError(name, "the archive ends before its arrays do (truncated)")
    return np.frombuffer(data, dtype=dtype).reshape(rows, width)


def iter_npz(
    path: str | os.PathLike[str], columns: Columns | None = None
) -> Iterator[Chunk]:
    """The points of an ``.npz`` file, [`ROWS`][linfit.files.formats.ROWS] at a time."""
    name = os.fspath(path)
    try:
        archive = zipfile.ZipFile(name)
    except FileNotFoundError:
        raise DataFileError(name, "no such file") from None
    except (OSError, zipfile.BadZipFile) as error:
        raise DataFileError(name, f"is not a readable .npz archive ({error})") from None
    with archive:
        members = [m.removesuffix(".npy") for m in archive.namelist()]
        if len(members) == 1:  # one 2-D array, as in a .npy file
            stream, dtype, shape = _member(archive, members[0], name)
            with stream:
                yield from _table(stream, dtype, shape, columns, name)
            return
        wanted = ("x", "y") if columns is None else columns
        for member in wanted:
            if not isinstance(member, str) or member not in members:
                raise DataFileError(
                    name,
                    f"has no array {member!r} (it holds {', '.join(members) or 'nothing'}); "
                    "expected arrays x and y, or pick two by name with columns",
                )
        opened = [_member(archive, str(m), name) for m in wanted]
        try:
            lengths = [shape for _, _, shape in opened]
            if any(len(s) != 1 for s in lengths) or lengths[0] != lengths[1]:
                raise DataFileError(
                    name,
                    f"arrays {wanted[0]} and {wanted[1]} must be 1-D and of equal length, "
                    f"found shapes {lengths[0]} and {lengths[1]}",
                )
            total = lengths[0][0]
            for first in range(0, total, ROWS):
                rows = min(ROWS, total - first)
                x, y = (_read_rows(s, d, rows, 1, name)[:, 0] for s, d, _ in opened)
                yield (
                    _float32(x, name, first, str(wanted[0])),
                    _float32(y, name, first, str(wanted[1])),
                )
        finally:
            for stream, _, _ in opened:
                stream.close()


def _table(
    stream: IO[bytes],
    dtype: np.dtype,
    shape: tuple[int, ...],
    columns: Columns | None,
    name: str,
    first_row: int = 0,
) -> Iterator[Chunk]:
    """The rows of an ``(N, K)`` array read from ``stream``, two columns picked."""
    if len(shape) != 2:
        raise DataFileError(
            name,
            f"expected a 2-D array of shape (N, 2) (or arrays x and y in an .npz), "
            f"found shape {shape}",
        )
    pick = _pick_index(columns, shape[1], name)
    total, width = shape
    rows = (
        _read_rows(stream, dtype, min(ROWS, total - first), width, name)
        for first in range(0, total, ROWS)
    )
    yield from _table_chunks(rows, pick, name, first_row)


def iter_parquet(
    path: str | os.PathLike[str], columns: Columns | None = None
) -> Iterator[Chunk]:
    """The points of a Parquet file, batch by batch (needs pyarrow)."""
    name = os.fspath(path)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(
            name, "reading Parquet needs pyarrow: pip install pyarrow"
        ) from None
    try:
        parquet = pq.ParquetFile(name)
    except FileNotFoundError:
        raise DataFileError(name, "no such file") from None
    except Exception as error:  # pyarrow's errors for a file that is not Parquet
        raise DataFileError(name, f"is not a readable Parquet file ({error})") from None
    schema = parquet.schema_arrow
    names = list(schema.names)
    if columns is None:
        if len(names) != 2:
            raise DataFileError(
                name,
                f"expected 2 columns (x,y), found {len(names)} ({', '.join(names)}); "
                "pick two with columns",
            )
        picked = names
    else:
        picked = []
        for column in columns:
            if isinstance(column, int) and 0 <= column < len(names):
                picked.append(names[column])
            elif isinstance(column, str) and column in names:
                picked.append(column)
            else:
                raise DataFileError(
                    name, f"column {column!r} is not in the file ({', '.join(names)})"
                )
    import pyarrow as pa

    for column in picked:
        kind = schema.field(column).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            raise DataFileError(
                name,
                f"column {column} holds {kind}; expected real numbers (int or float)",
            )
    first = 0
    try:
        for batch in parquet.iter_batches(batch_size=ROWS, columns=picked):
            values = []
            for column in picked:
                array = batch.column(column)
                if array.null_count:
                    row = first + int(np.flatnonzero(~np.asarray(array.is_valid()))[0])
                    raise DataFileError(
                        name,
                        f"row {row} (0-based), column {column}: the value is missing",
                    )
                values.append(_float32(array.to_numpy(), name, first, column))
            yield values[0], values[1]
            first += batch.num_rows
    except OSError as error:
        raise DataFileError(name, f"cannot be read ({error})") from None
