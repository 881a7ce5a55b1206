"""Training on a file without loading it (``linfit.files.streaming``) and its readers.

The oracle is the same as everywhere: exact moments in rational arithmetic, and
the float64 reference trajectory with ``linfit.bounds``' distance bound. A streamed
run and the in-memory run each lie within that bound of the reference, so they lie
within twice it of each other.
"""

from __future__ import annotations

import itertools
import re
import tracemalloc

import numpy as np
import pytest
from cli_helpers import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import CANONICAL, Setup, examples, offset_datasets, problems
from test_moments import exact_loss_and_gradient, exact_moments

import linfit
from linfit import bounds, reference
from linfit.errors import DataFileError, DivergenceError, InputValueError
from linfit.files import csvfile, formats, streaming
from linfit.files.sources import chunks, read_moments
from linfit.moments import MomentSums

EPOCHS, RATE = 40, 0.1


def write(kind: str, path, x: np.ndarray, y: np.ndarray):
    """``(x, y)`` saved as ``kind``; the path (or, for ``pairs``, an iterable of pairs)."""
    if kind == "csv":
        target = path / "points.csv"
        np.savetxt(
            target, np.c_[x, y], delimiter=",", header="x,y", comments="", fmt="%.9g"
        )
    elif kind == "npy":
        target = path / "points.npy"
        np.save(target, np.c_[x, y])
    elif kind == "npz":
        target = path / "points.npz"
        np.savez_compressed(target, x=x, y=y)
    elif kind == "parquet":
        pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
        import pyarrow.parquet as pq

        target = path / "points.parquet"
        pq.write_table(pa.table({"x": x, "y": y}), target)
    else:
        return [(x[i : i + 700], y[i : i + 700]) for i in range(0, x.size, 700)]
    return target


@settings(max_examples=examples(40))
@given(offset_datasets(), st.lists(st.integers(0, 40), max_size=4))
def test_moments_of_pieces_are_within_the_bound_of_the_exact_moments(
    data, cuts
) -> None:
    """Any split of the data, summed with the first point as shift."""
    x, y = data
    sums = MomentSums()
    edges = sorted({0, x.size, *(min(c, x.size) for c in cuts)})
    for start, stop in itertools.pairwise(edges):
        sums.add(x[start:stop], y[start:stop])
    got = sums.moments()
    assert got.shift == (float(x[0]), float(y[0])) and got.n == x.size
    exact = exact_moments(x, y)
    bound = bounds.moments_error_bound(x, y, got.shift)
    for name, value in exact.items():
        assert abs(getattr(got, name) - value) <= bound[name], name


@settings(max_examples=examples(40))
@given(problems())
def test_the_loss_bound_from_moments_holds(problem: Setup) -> None:
    """``moments_loss_error_bound`` bounds |Moments.loss − exact loss| without the data."""
    m = linfit.moments.moments(problem.x, problem.y)
    exact = exact_loss_and_gradient(problem)[0]
    bound = bounds.moments_loss_error_bound(problem.w, problem.b, m)
    assert abs(m.loss(problem.w, problem.b) - exact) <= bound
    # and it is not vacuous: it stays below float32's own bound on the loss
    assert bound <= bounds.loss_error_bound(problem.w, problem.b, problem.x, problem.y)


@pytest.mark.parametrize("kind", ["csv", "npy", "npz", "parquet", "pairs"])
def test_a_streamed_full_batch_run_is_the_in_memory_moments_run(tmp_path, kind) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    source = write(kind, tmp_path, x, y)
    streamed = streaming.train_streaming(
        linfit.LinearModel(), source, epochs=EPOCHS, learning_rate=RATE
    )
    in_memory = linfit.train(
        linfit.LinearModel(), x, y, epochs=EPOCHS, learning_rate=RATE, mode="moments"
    )
    oracle = reference.train(x, y, epochs=EPOCHS, learning_rate=RATE)
    bound = bounds.trajectory_error_bound(x, y, epochs=EPOCHS, learning_rate=RATE)
    for history in (streamed, in_memory):
        assert np.all(np.hypot(history.w - oracle.w, history.b - oracle.b) <= bound)
    gap = np.hypot(streamed.w - in_memory.w, streamed.b - in_memory.b)
    assert np.all(gap <= 2 * bound)  # each within the bound of the reference
    for row in range(len(streamed)):
        w, b = float(streamed.w[row]), float(streamed.b[row])
        exact = reference.loss(w, b, x.astype(np.float64), y.astype(np.float64))
        assert abs(streamed.loss[row] - exact) <= bounds.loss_error_bound(w, b, x, y)


def test_read_moments_agrees_with_the_in_memory_moments(tmp_path) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    read = read_moments(write("csv", tmp_path, x, y))
    loaded = linfit.moments.moments(x, y)
    near, far = (
        bounds.moments_error_bound(x, y, read.shift),
        bounds.moments_error_bound(x, y, loaded.shift),
    )
    for name in near:
        assert (
            abs(getattr(read, name) - getattr(loaded, name)) <= near[name] + far[name]
        )


def test_streamed_minibatches_take_exactly_the_eager_steps(
    tmp_path, monkeypatch
) -> None:
    """tf.data re-cuts the file's pieces into batches; pieces of 700, batches of 300."""
    monkeypatch.setattr(formats, "ROWS", 700)  # batches straddle the pieces
    x, y = CANONICAL.x, CANONICAL.y
    source = write("npy", tmp_path, x, y)
    assert len(list(chunks(source))) == 2
    streamed = streaming.train_streaming(
        linfit.LinearModel(), source, epochs=4, learning_rate=RATE, batch_size=300
    )
    eager = linfit.train(
        linfit.LinearModel(), x, y, epochs=4, learning_rate=RATE, batch_size=300
    )
    # The same float32 operations on the same batches: bit for bit on CPU.
    assert streamed.w.tobytes() == eager.w.tobytes()
    assert streamed.b.tobytes() == eager.b.tobytes()
    for row in range(len(eager)):  # the row losses: float64 moments vs float32 TF
        w, b = float(eager.w[row]), float(eager.b[row])
        allowed = bounds.loss_error_bound(w, b, x, y)
        exact = reference.loss(w, b, x.astype(np.float64), y.astype(np.float64))
        assert abs(streamed.loss[row] - exact) <= allowed
        assert abs(eager.loss[row] - exact) <= allowed


def test_a_shuffled_run_loads_the_points_or_says_what_it_needs(tmp_path, monkeypatch):
    x, y = CANONICAL.x, CANONICAL.y
    source = write("csv", tmp_path, x, y)
    settings = {
        "epochs": 3,
        "learning_rate": RATE,
        "batch_size": 100,
        "shuffle_seed": 4,
    }
    streamed = streaming.train_streaming(linfit.LinearModel(), source, **settings)
    loaded = linfit.train(linfit.LinearModel(), x, y, mode="auto", **settings)
    assert streamed.w.tobytes() == loaded.w.tobytes()
    monkeypatch.setattr(streaming, "free_memory", lambda: 1e4)
    with pytest.raises(InputValueError, match="needs them all in memory"):
        streaming.train_streaming(linfit.LinearModel(), source, **settings)


def test_a_streamed_run_that_diverges_names_the_stable_rate(tmp_path) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    source = write("npy", tmp_path, x, y)
    stable = reference.stable_learning_rate(x)
    with pytest.raises(DivergenceError) as raised:
        streaming.train_streaming(
            linfit.LinearModel(), source, epochs=200, learning_rate=1.5 * stable
        )
    # Two float64 eigenvalue computations of Hessians whose entries differ by the
    # moments' rounding (relative ~n·2⁻⁵³ ≈ 1e-13): 1e-9 leaves ample room.
    assert raised.value.stable_learning_rate == pytest.approx(stable, rel=1e-9)


def _bad(kind: str, path):
    pa = pq = None
    if kind.startswith("parquet"):
        pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
        import pyarrow.parquet as pq
    table = np.c_[np.arange(5.0), np.arange(5.0)]
    target = path / f"bad.{kind.split('-')[0]}"
    if kind == "npy-nan":
        table[3, 1] = np.nan
        np.save(target, table)
    elif kind == "npy-huge":
        table[1, 0] = 1e300
        np.save(target, table)
    elif kind == "npy-1d":
        np.save(target, np.arange(5.0))
    elif kind == "npy-text":
        np.save(target, np.array([["a", "b"], ["c", "d"]]))
    elif kind == "npy-fortran":
        np.save(target, np.asfortranarray(table))
    elif kind == "npy-one-row":
        np.save(target, table[:1])
    elif kind == "npz-unequal":
        np.savez(target, x=np.arange(3.0), y=np.arange(4.0))
    elif kind == "npz-names":
        np.savez(target, a=np.arange(3.0), b=np.arange(3.0))
    elif kind == "npz-truncated":
        np.savez(path / "whole.npz", x=np.arange(3000.0), y=np.arange(3000.0))
        target.write_bytes((path / "whole.npz").read_bytes()[:5000])
    elif kind == "parquet-null":
        pq.write_table(pa.table({"x": [1.0, 2.0, None], "y": [1.0, 2.0, 3.0]}), target)
    elif kind == "parquet-text":
        pq.write_table(pa.table({"x": ["a", "b"], "y": [1.0, 2.0]}), target)
    elif kind == "parquet-columns":
        pq.write_table(pa.table({"a": [1.0], "b": [1.0], "c": [1.0]}), target)
    elif kind == "parquet-not":
        target.write_text("x,y\n1,2\n")
    return target


BAD = {
    "npy-nan": "row 3 (0-based), column 1: value nan is not a finite float32",
    "npy-huge": "row 1 (0-based), column 0: value 1e+300 is not a finite float32",
    "npy-1d": "expected a 2-D array",
    "npy-text": "expected real numbers",
    "npy-fortran": "Fortran order",
    "npy-one-row": "needs at least 2 data rows, found 1",
    "npz-unequal": "must be 1-D and of equal length",
    "npz-names": "has no array 'x' (it holds a, b)",
    "npz-truncated": "is not a readable .npz archive",
    "parquet-null": "row 2 (0-based), column x: the value is missing",
    "parquet-text": "column x holds string",
    "parquet-columns": "expected 2 columns (x,y), found 3",
    "parquet-not": "is not a readable Parquet file",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_file_is_refused_with_its_row(tmp_path, kind) -> None:
    source = _bad(kind, tmp_path)
    with pytest.raises(DataFileError, match=re.escape(BAD[kind])):
        read_moments(source)


@pytest.mark.parametrize("kind", ["npy-nan", "parquet-null", "npz-names"])
def test_the_command_line_refuses_a_bad_file_in_one_line(
    tmp_path, capsys, kind
) -> None:
    source = _bad(kind, tmp_path)
    status, out, err = run_cli(
        capsys, "fit", "--data", str(source), "--epochs", "3", "--learning-rate", "0.1"
    )
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and BAD[kind].split(":")[0] in err


def test_the_command_line_streams_parquet_and_npz_with_columns(
    tmp_path, capsys
) -> None:
    x, y = CANONICAL.x, CANONICAL.y
    np.savez(tmp_path / "three.npz", a=x, b=y, c=-x)
    status, out, _ = run_cli(
        capsys,
        "fit",
        "--data",
        str(tmp_path / "three.npz"),
        "--columns",
        "a,b",
        "--epochs",
        str(EPOCHS),
        "--learning-rate",
        str(RATE),
        "--json",
    )
    import json

    document = json.loads(out)
    assert status == 0 and document["inputs"]["streamed"] is True
    assert document["inputs"]["n"] == x.size
    loaded = linfit.train(
        linfit.LinearModel(), x, y, epochs=EPOCHS, learning_rate=RATE, mode="moments"
    )
    bound = bounds.trajectory_error_bound(x, y, epochs=EPOCHS, learning_rate=RATE)
    w = np.asarray(document["history"]["w"], dtype=np.float32)
    b = np.asarray(document["history"]["b"], dtype=np.float32)
    assert np.all(np.hypot(w - loaded.w, b - loaded.b) <= 2 * bound)


def _peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["csv", "npy", "npz"])
def test_memory_stays_flat_as_the_file_grows(tmp_path, monkeypatch, kind) -> None:
    """Four times the points, the same peak (small pieces, so the test stays fast).

    Holding the extra 3·n points as float32 x and y would take 24·n bytes; the
    streamed read may grow by at most a tenth of that (allocator noise).
    """
    monkeypatch.setattr(formats, "ROWS", 1000)
    monkeypatch.setitem(csvfile.iter_csv.__kwdefaults__, "block_bytes", 1 << 15)
    n = 20_000
    rng = np.random.default_rng(0)
    peaks = []
    for size, folder in ((n, "small"), (4 * n, "large")):
        (tmp_path / folder).mkdir()
        x = rng.normal(size=size).astype(np.float32)
        y = (3 * x + 2 + rng.normal(size=size)).astype(np.float32)
        source = write(kind, tmp_path / folder, x, y)
        read_moments(source)  # first use imports the parser: not part of the peak
        peaks.append(_peak_bytes(lambda source=source: read_moments(source)))
    assert peaks[1] - peaks[0] <= 24 * n / 10, peaks


def test_a_minibatch_fit_of_a_file_too_large_to_load_streams_it(
    tmp_path, capsys, monkeypatch
) -> None:
    """``linfit fit --batch-size`` on a file beyond a quarter of the free memory."""
    import json

    x, y = CANONICAL.x, CANONICAL.y
    source = write("npy", tmp_path, x, y)
    monkeypatch.setattr(streaming, "free_memory", lambda: 4.0)
    argv = ["fit", "--data", str(source), "--epochs", "3", "--learning-rate", "0.1"]
    status, out, _ = run_cli(capsys, *argv, "--batch-size", "300", "--json")
    document = json.loads(out)
    assert status == 0 and document["inputs"]["streamed"] is True
    assert document["inputs"]["engine"] == "eager"
    eager = linfit.train(
        linfit.LinearModel(), x, y, epochs=3, learning_rate=0.1, batch_size=300
    )
    got = np.asarray(document["history"]["w"], dtype=np.float32)
    assert got.tobytes() == eager.w.tobytes()  # the same steps, batch by batch
