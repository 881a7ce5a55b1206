"""The CSV reader: every data row is read or refused by its line number; nothing vanishes.

The reader parses each block with a fast library parser (pyarrow, or NumPy's
``loadtxt`` without it) and, only when that fails, with a careful line-by-line one
that names the problem. The fast parsers decide nothing: wherever they succeed, their
values must be the careful parser's, bit for bit, which the property test below
checks on random files.
"""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest
from cli_helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import examples

import linfit
from linfit.files import csvfile, fastcsv


def read(text: str | bytes, tmp_path, **options):
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return csvfile.read_csv(path, **options)


def refusal(text: str | bytes, tmp_path, **options) -> str:
    with pytest.raises(linfit.DataFileError) as info:
        read(text, tmp_path, **options)
    return str(info.value).split("data.csv", 1)[1]


# 1. No row vanishes: '#' is data unless comments are asked for ------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x,y\n0,0\n1,10\n#2,20\n3,30\n", ":4: cell '#2' is not a number"),
        ("1,2\n4#9,3\n", ":2: cell '4#9' is not a number"),
        ("1,2\n2 # seven,3\n", ":2: cell '2 # seven' is not a number"),
        ("#\n1,2\n", ":1: expected 2 columns (x,y), found 1 (the separator must"),
    ],
    ids=["hash-row", "hash-inside", "trailing-comment", "hash-alone"],
)
def test_a_hash_is_part_of_a_cell_not_a_comment(tmp_path, text, expected) -> None:
    assert refusal(text, tmp_path).startswith(expected)


def test_comment_lines_are_skipped_only_when_asked_for(tmp_path) -> None:
    text = "# a note\nx,y\n# another\n0,0\n  # indented\n1,10\n3,30\n"
    x, y = read(text, tmp_path, comments="#")
    assert x.tolist() == [0.0, 1.0, 3.0] and y.tolist() == [0.0, 10.0, 30.0]
    assert refusal("x,y\n1,2\n3#4,5\n", tmp_path, comments="#") == (
        ":3: cell '3#4' is not a number"
    )


def test_the_nist_norris_file_reads_with_its_comment_header() -> None:
    from linfit.files import datasets

    norris = datasets.norris()
    assert len(norris.x) == 36 and norris.x[0] == np.float32(0.2)
    assert norris.y[0] == np.float32(0.1)
    assert (norris.w, norris.b) == (1.00211681802045, -0.262323073774029)


# 2. Line numbers stay right -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,2\n3\x0c,4\n5,x\n", ":3: cell 'x' is not a number"),  # form feed
        ("1,2\n3\u2028,4\n5,x\n", ":3: cell 'x' is not a number"),  # line separator
        ("1,2\n\x85,4\n", ":2: cell '' is not a number"),  # next line (NEL), a space
        (
            '1,2\n"3\n",4\n5,6\n',
            ":2: malformed CSV: a quoted cell does not end on its line",
        ),
        ("1,2\r\n3,4\r\n5,x\r\n", ":3: cell 'x' is not a number"),
        ("1,2\n3,4\r5,6\n", ":2: has a carriage return without a line feed"),
        ("\n\n1,2\n\n3,x\n", ":5: cell 'x' is not a number"),
    ],
    ids=["form-feed", "u2028", "nel", "quoted-newline", "crlf", "lone-cr", "blanks"],
)
def test_the_reported_line_is_the_line_in_the_file(tmp_path, text, expected) -> None:
    assert refusal(text, tmp_path).startswith(expected)


def test_lines_are_counted_across_blocks(tmp_path) -> None:
    rows = "".join(f"{i},{2 * i}\n" for i in range(5000))
    path = tmp_path / "data.csv"
    path.write_text("x,y\n" + rows + "7,oops\n")
    with pytest.raises(linfit.DataFileError, match=r"data\.csv:5002: cell 'oops'"):
        list(csvfile.iter_csv(path, block_bytes=4096))
    path.write_text("x,y\n" + rows)
    parts = list(csvfile.iter_csv(path, block_bytes=4096))
    assert len(parts) > 5 and sum(len(p[0]) for p in parts) == 5000


# 3. The fast parsers agree with the careful one -------------------------------------

cells = st.one_of(
    st.sampled_from(
        [
            *["1", " 2.5", "-3 ", "+4", "5.", ".5", "6e3", "7E-2", '"8"', '" 9 "'],
            *["nan", "inf", "-Infinity", "1e39", "1e-50", "0x10", "", " ", "a", "1e"],
            *["\x0c1", "١", "1.5f", "1 2", "--1", '"', "#3", "1_0"],
        ]
    ),
    st.floats(allow_nan=False, width=32).map(repr),
    st.integers(-(10**40), 10**40).map(str),
)
rows = st.lists(st.lists(cells, min_size=1, max_size=3).map(",".join), max_size=6)


def outcome(text: str, tmp_path, parser: str):
    """What the reader makes of ``text`` with only the careful parser, or a fast one."""
    originals = (csvfile.fast_parse, fastcsv._pyarrow)
    if parser == "careful":
        csvfile.fast_parse = lambda *args: None
    elif parser == "numpy":

        def no_pyarrow(*args):
            raise ImportError

        fastcsv._pyarrow = no_pyarrow
    try:
        x, y = read(text, tmp_path)
        return x.tobytes(), y.tobytes()
    except linfit.DataFileError as error:
        return str(error)
    finally:
        csvfile.fast_parse, fastcsv._pyarrow = originals


@settings(
    max_examples=examples(150),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows)
def test_the_fast_parsers_read_exactly_what_the_careful_one_reads(tmp_path, lines):
    text = "\n".join(lines) + "\n"
    careful = outcome(text, tmp_path, "careful")
    assert outcome(text, tmp_path, "pyarrow") == careful
    assert outcome(text, tmp_path, "numpy") == careful


# 4. Columns, standard input ------------------------------------------------------

PANDAS = ",x,y\n0,1.0,5.0\n1,2.0,8.0\n2,3.0,11.0\n"


@pytest.mark.parametrize("columns", [("x", "y"), (1, 2), ("x", 2)])
def test_columns_pick_two_by_name_or_index(tmp_path, columns) -> None:
    x, y = read(PANDAS, tmp_path, columns=columns)
    assert x.tolist() == [1.0, 2.0, 3.0] and y.tolist() == [5.0, 8.0, 11.0]


@pytest.mark.parametrize(
    ("text", "columns", "expected"),
    [
        (
            PANDAS,
            None,
            ":1: expected 2 columns (x,y), found 3; pick two with --columns",
        ),
        (PANDAS, ("x", "z"), ":1: column 'z' is not in the header (, x, y)"),
        (PANDAS, (1, 5), ":1: column 5 does not exist: the file has 3"),
        ("1,2,3\n4,5,6\n", ("a", 1), ":1: column 'a' is named, but the file has no"),
        (PANDAS + "3,4.0\n", ("x", "y"), ":5: expected 3 columns, found 2"),
    ],
)
def test_bad_column_choices_are_refused_by_line(tmp_path, text, columns, expected):
    assert refusal(text, tmp_path, columns=columns).startswith(expected)


@pytest.mark.parametrize(
    "options",
    [{"columns": ("x", "x")}, {"columns": ["x", "y"]}, {"comments": "##"}],
)
def test_unusable_reader_options_are_refused(tmp_path, options) -> None:
    with pytest.raises(linfit.InputValueError):
        read(PANDAS, tmp_path, **options)


def test_a_binary_stream_is_a_source_too() -> None:
    stream = io.BytesIO(b"x,y\n1,2\n3,4\n")
    x, y = csvfile.read_csv(stream)
    assert x.tolist() == [1.0, 3.0] and y.tolist() == [2.0, 4.0]
    with pytest.raises(linfit.InputTypeError, match="binary mode"):
        csvfile.read_csv(io.StringIO("1,2\n3,4\n"))


def test_fit_reads_standard_input_with_data_dash(capsys, monkeypatch) -> None:
    class Stdin:
        buffer = io.BytesIO(PANDAS.encode())

    monkeypatch.setattr(sys, "stdin", Stdin())
    argv = ["fit", "--data", "-", "--epochs", "2", "--learning-rate", "0.05"]
    status, out, err = run_cli(capsys, *argv, "--columns", "x,y", "--quiet")
    assert status == 0, err
    assert out.startswith("final: W=") and out.count("\n") == 1


def test_a_nul_byte_in_the_path_is_refused_by_name(capsys) -> None:
    with pytest.raises(linfit.DataFileError, match="the path contains a NUL byte"):
        linfit.load_csv("data\0.csv")
    status, _, err = run_cli(
        capsys, "fit", "--data", "a\0b", "--epochs", "1", "--learning-rate", "0.1"
    )
    assert status == 2 and "NUL byte" in err and err.count("\n") == 1
