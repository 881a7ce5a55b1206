"""Hostile CSV files never make the CLI print a traceback or leave a broken file.

The fast in-process runs call ``linfit.cli.main`` (every outcome must be exit
0 with JSON on stdout, or exit 2 with one ``linfit: error:`` line); one real
process run checks the same with the interpreter's own exit path.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import examples

import linfit
from linfit import cli
from linfit.files.atomic import write_atomically


def run_fit(path, capsys) -> tuple[int, str, str]:
    argv = [
        "fit",
        "--data",
        str(path),
        "--epochs",
        "2",
        "--learning-rate",
        "0.01",
        "--json",
    ]
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_clean_outcome(status: int, out: str, err: str) -> None:
    if status == 0:
        document = json.loads(out)
        assert err == ""
        assert all(np.isfinite(document["history"]["loss"]))
    else:
        assert status == 2 and out == ""
        assert err.startswith("linfit: error: ") and err.count("\n") == 1


csv_like_text = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10**40), 10**40).map(str),
        st.sampled_from(
            ["", " ", "x", "y", '"1"', '"', ";", "1;2", "\ufeff", "nan", "-", "1e"]
        ),
        st.text(max_size=5),
    ),
    max_size=12,
).map(lambda cells: ",".join(cells))


@settings(
    max_examples=examples(60),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.lists(csv_like_text, max_size=8).map(
            lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
        ),
    )
)
def test_random_bytes_never_crash(tmp_path, capsys, content: bytes) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    assert_clean_outcome(*run_fit(path, capsys))


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (b"\xef\xbb\xbfx,y\r\n1,2\r\n3,5\r\n", True),  # BOM + CRLF
        (b"x,y\n\n1,2\n\n\n3,5\n\n", True),  # blank lines
        (b'"x","y"\n"1","2"\n"3","5"\n', True),  # quoted fields
        (b"1;2\n3;5\n", False),  # semicolons
        (b"1,2\n3e18,3e18\n", False),  # squares fit, but lr 0.01 ≫ 2/λ_max: diverges
        (b"1,2\n3e38,3e38\n", False),  # finite in float32, but the loss overflows
        (b"1,2\n1e39,1\n", False),  # overflows float32
        (b"\x00\x01\x02,\x03\n", False),  # binary
        (b"\xff\xfe1,2\n", False),  # not UTF-8
        (b'1,"2\n3,4\n', False),  # unterminated quote
    ],
)
def test_named_hostile_layouts(
    tmp_path, capsys, content: bytes, accepted: bool
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    status, out, err = run_fit(path, capsys)
    assert_clean_outcome(status, out, err)
    assert (status == 0) == accepted, err


def test_huge_values_are_refused_cleanly_not_as_nan(tmp_path, capsys) -> None:
    path = tmp_path / "big.csv"
    path.write_text("1e30,1e30\n-1e30,2e30\n")  # (5e30)² overflows float32 at the start
    status, _, err = run_fit(path, capsys)
    assert status == 2 and "rescale x and y" in err


def test_million_row_file(tmp_path, capsys) -> None:
    """10^6 rows load through NumPy's C parser; an error on the last line is still located."""
    import pyarrow as pa  # in the cpu extra; its writer is 10x faster than np.savetxt
    from pyarrow import csv as pa_csv

    rng = np.random.default_rng(0)
    x = rng.standard_normal(10**6)
    path = tmp_path / "million.csv"
    pa_csv.write_csv(pa.table({"x": x, "y": 3 * x + 2}), path)
    loaded, _ = linfit.load_csv(path)
    assert loaded.shape == (10**6,)
    # The writer prints each float64 exactly (shortest round-trip digits), so the
    # only error is the rounding to float32: at most 2⁻²⁴ relative.
    np.testing.assert_allclose(loaded.numpy(), x, rtol=2.0**-24, atol=0)
    with open(path, "a") as stream:
        stream.write("1,oops\n")
    status, _, err = run_fit(path, capsys)
    assert status == 2 and f"{path}:{10**6 + 2}: cell 'oops'" in err


def test_plot_output_is_never_half_written(tmp_path, monkeypatch) -> None:
    """A crash while a figure is written leaves no file and no temporary behind."""
    target = tmp_path / "figs"
    target.mkdir()
    (target / "loss.png").write_bytes(b"previous good file")

    import os

    real_replace = os.replace

    def crash(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated"):
        write_atomically(target / "loss.png", b"\x89PNG new content")
    monkeypatch.setattr(os, "replace", real_replace)
    assert (target / "loss.png").read_bytes() == b"previous good file"
    assert [p.name for p in target.iterdir()] == ["loss.png"]


def test_real_process_on_binary_garbage(tmp_path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 4)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "linfit",
            "fit",
            "--data",
            str(path),
            "--epochs",
            "1",
            "--learning-rate",
            "0.1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert (
        result.stderr.startswith("linfit: error: ") and result.stderr.count("\n") == 1
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("rows", ["0", "-5", "many", "999"])
def test_bench_scale_refuses_a_size_it_cannot_measure(capsys, rows) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["bench", "--scale", "--scale-rows", rows])
    err = capsys.readouterr().err
    assert raised.value.code == 2 and err.count("\n") == 1 and "--scale-rows" in err
