"""Splitting a data file between workers (``linfit.parallel.shards``), in-process.

The worker processes themselves are started in ``test_multiworker.py``; here each
part is read in this process, as a worker would read it, and the parts' sums are
added as the all-reduce adds them.
"""

from __future__ import annotations

import numpy as np
import pytest
from strategies import CANONICAL

from linfit import bounds
from linfit.errors import DataFileError
from linfit.files.sources import read_moments
from linfit.moments import MomentSums
from linfit.parallel import shards


def write_csv(path, x, y, header=True, blank_lines=False):
    lines = ["x,y"] if header else []
    for i, (a, b) in enumerate(zip(x, y, strict=True)):
        lines.append(f"{a:.9g},{b:.9g}")
        if blank_lines and i % 97 == 0:
            lines.append("")
    path.write_text("\n".join(lines) + "\n")
    return path


def all_reduced(plan: shards.Plan) -> MomentSums:
    total = MomentSums(plan.shift)
    for index in range(len(plan.parts)):
        total.totals = total.totals + shards.read_part(plan, index).totals
    return total


@pytest.mark.parametrize("workers", [1, 2, 3, 7])
@pytest.mark.parametrize("layout", ["header", "no-header", "blank-lines", "npy"])
def test_the_parts_cover_every_row_once(tmp_path, workers, layout) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    if layout == "npy":
        path = tmp_path / "points.npy"
        np.save(path, np.c_[x, y])
    else:
        path = write_csv(
            tmp_path / "points.csv",
            x,
            y,
            header=layout != "no-header",
            blank_lines=layout == "blank-lines",
        )
    plan = shards.plan(path, workers)
    assert plan.shift == (float(x[0]), float(y[0]))
    starts = [start for start, _ in plan.parts]
    assert starts == sorted(starts) and plan.parts[0][0] == 0
    summed = all_reduced(plan).moments()
    assert summed.n == x.size
    # One process with the same shift: the same sums, added in another order.
    single = read_moments(path, shift=plan.shift)
    bound = bounds.moments_error_bound(x, y, plan.shift)
    for name in bound:
        assert abs(getattr(summed, name) - getattr(single, name)) <= 2 * bound[name]


def test_named_columns_resolve_in_every_part(tmp_path) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    path = tmp_path / "three.csv"
    lines = [",x,y"] + [
        f"{i},{a:.9g},{b:.9g}" for i, (a, b) in enumerate(zip(x, y, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n")
    plan = shards.plan(path, 3, columns=("x", "y"))
    assert plan.header == ",x,y\n"
    assert all_reduced(plan).moments().n == x.size


def test_a_bad_row_in_a_later_part_is_named_by_its_line_in_the_file(tmp_path) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    path = write_csv(tmp_path / "points.csv", x, y)
    lines = path.read_text().split("\n")
    lines[800] = "1,abc"  # line 801 of the file, in the second of two parts
    path.write_text("\n".join(lines))
    plan = shards.plan(path, 2)
    assert plan.parts[1][0] < len("\n".join(lines[:800]))
    shards.read_part(plan, 0)
    with pytest.raises(DataFileError) as raised:
        shards.read_part(plan, 1)
    assert shards.line_in_file(plan, 1, raised.value.line) == 801
    with pytest.raises(DataFileError, match=":801: cell 'abc'"):
        read_moments(path)  # one process names the same line


def test_formats_that_cannot_be_split_are_refused_with_advice(tmp_path) -> None:
    path = tmp_path / "points.npz"
    np.savez(path, x=CANONICAL.x, y=CANONICAL.y)
    with pytest.raises(DataFileError, match=r"split CSV and \.npy files only"):
        shards.plan(path, 2)
