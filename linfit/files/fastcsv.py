"""The fast path of the CSV reader: a well-kept library parses a block of complete lines.

pyarrow's CSV reader (multi-threaded, the fastest available here) or, without
pyarrow, NumPy's ``loadtxt``. Either reads each cell as float64, as the careful
parser of [`linfit.files.csvfile`][] does, so the values agree bit for bit once
rounded to float32. A fast parser decides nothing: where it fails, or reads a value
that is not finite, it returns ``None`` and the careful parser reads the block again
to say what is wrong and where.
"""

from __future__ import annotations

import io

import numpy as np

__all__ = ["fast_parse"]


def fast_parse(
    data: bytes | memoryview, cells: int, pick: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Parse with pyarrow (or NumPy); ``None`` when it fails or meets a non-finite value."""
    columns: tuple[np.ndarray, np.ndarray] | None
    try:
        columns = _pyarrow(data, cells, pick)
    except ImportError:
        columns = _numpy(str(data, "utf-8"), cells, pick)
    except Exception:  # the library refused something: the careful parser says what
        return None
    if columns is None:
        return None
    with np.errstate(over="ignore"):
        x, y = (np.asarray(c, dtype=np.float64).astype(np.float32) for c in columns)
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return None
    return x, y


def _pyarrow(
    data: bytes | memoryview, cells: int, pick: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    names = [f"c{i}" for i in range(cells)]
    picked = [names[i] for i in pick]
    table = pa_csv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),  # no copy
        read_options=pa_csv.ReadOptions(column_names=names),
        parse_options=pa_csv.ParseOptions(newlines_in_values=False),
        convert_options=pa_csv.ConvertOptions(
            column_types={n: pa.float64() for n in picked},
            include_columns=picked,
            null_values=[],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.column(picked[0]).to_numpy(), table.column(picked[1]).to_numpy()


def _numpy(
    text: str, cells: int, pick: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        with np.errstate(over="ignore"):
            values = np.loadtxt(
                io.StringIO(text),
                delimiter=",",
                dtype=np.float64,
                ndmin=2,
                quotechar='"',
                comments=None,  # NumPy's default, "#", would drop rows silently
            )
    except ValueError:
        return None
    if values.shape[1] != cells:
        return None
    return values[:, pick[0]], values[:, pick[1]]
