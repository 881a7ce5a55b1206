"""Data synthesis and CSV loading."""

from __future__ import annotations

import math

import numpy as np
import pytest

import linfit
from linfit import bounds
from linfit.errors import DataFileError, InputValueError


def test_synthesize_shapes_and_dtypes() -> None:
    x, y = linfit.synthesize(n=17)
    assert x.shape == (17,) and y.shape == (17,)
    assert x.dtype.name == "float32" and y.dtype.name == "float32"


def test_linspace_inputs_span_minus_two_to_two() -> None:
    x, _ = linfit.synthesize(n=101, inputs="linspace")
    values = x.numpy()
    assert values[0] == -2.0 and values[-1] == 2.0
    assert np.all(np.diff(values) > 0)
    # Point i is start + i·step in float32: at most 3 roundings of terms no larger
    # than 2 + 2, so each point is within γ_3·4 of −2 + 0.04·i, a difference within
    # twice that of 0.04.
    allowed = 2 * bounds.gamma(3) * 4
    assert np.all(np.abs(np.diff(values.astype(np.float64)) - 0.04) <= allowed)


def test_noiseless_data_lies_on_the_line_up_to_rounding() -> None:
    """y = fl(fl(w·x) + b): at most two roundings, |error| ≤ γ_2·(|w x| + |b|)."""
    x, y = linfit.synthesize(n=1000, true_w=-1.5, true_b=0.25, noise=0.0, seed=4)
    x64 = x.numpy().astype(np.float64)
    exact = -1.5 * x64 + 0.25
    allowed = bounds.gamma(2) * (1.5 * np.abs(x64) + 0.25)
    assert np.all(np.abs(y.numpy() - exact) <= allowed)


def test_normal_inputs_and_noise_have_the_right_moments() -> None:
    """Sample mean within 5 standard errors of 0 and sample variance within 5 of 1 (n = 10^4)."""
    n = 10_000
    x, y = linfit.synthesize(n=n, true_w=3.0, true_b=2.0, noise=1.0, seed=9)
    x, noise = x.numpy().astype(np.float64), (y.numpy() - 3.0 * x.numpy() - 2.0)
    for sample in (x, noise.astype(np.float64)):
        assert abs(sample.mean()) < 5 / math.sqrt(n)
        assert abs(sample.var() - 1.0) < 5 * math.sqrt(2 / n)
    assert abs(np.corrcoef(x, noise)[0, 1]) < 5 / math.sqrt(n)  # independent streams


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"n": 0}, "n must be"),
        ({"noise": -1.0}, "noise"),
        ({"inputs": "uniform"}, "inputs"),
        ({"true_w": float("nan")}, "true_w"),
    ],
)
def test_synthesize_refuses_bad_arguments(kwargs: dict, fragment: str) -> None:
    with pytest.raises(InputValueError, match=fragment):
        linfit.synthesize(**kwargs)


@pytest.mark.parametrize(
    "text",
    [
        "x,y\n1,2\n3,4.5\n",
        "1,2\n3,4.5\n",
        "\ufeffx,y\r\n1,2\r\n3,4.5\r\n",
        '"x","y"\n"1","2"\n\n3, 4.5\n',
    ],
    ids=["header", "no-header", "bom-crlf", "quoted-blank-line"],
)
def test_load_csv_accepts_common_layouts(tmp_path, text: str) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes(text.encode("utf-8"))
    x, y = linfit.load_csv(path)
    assert x.numpy().tolist() == [1.0, 3.0]
    assert y.numpy().tolist() == [2.0, 4.5]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1,2\n3,abc\n", ":2: cell 'abc' is not a number"),
        ("1,2,3\n4,5,6\n", ":1: expected 2 columns"),
        ("1;2\n3;4\n", "separator must be a comma"),
        ("x,y\n1,2\n", "at least 2 data rows"),
        ("1,2\nnan,4\n", ":2: value nan"),
        ("1,2\n3,inf\n", ":2: value inf"),
        ("1,2\n3,1e39\n", ":2: value 1e+39"),
        ("", "at least 2 data rows"),
    ],
)
def test_load_csv_names_file_and_line_of_problem(
    tmp_path, text: str, fragment: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataFileError) as info:
        linfit.load_csv(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


def test_load_csv_missing_file(tmp_path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        linfit.load_csv(tmp_path / "absent.csv")


def test_same_seed_gives_bit_identical_data() -> None:
    first = [t.numpy() for t in linfit.synthesize(n=500, seed=7)]
    second = [t.numpy() for t in linfit.synthesize(n=500, seed=7)]
    assert all(a.tobytes() == b.tobytes() for a, b in zip(first, second, strict=False))


def test_different_seeds_give_different_data() -> None:
    x0, _ = linfit.synthesize(n=50, seed=0)
    x1, _ = linfit.synthesize(n=50, seed=1)
    assert not np.array_equal(x0.numpy(), x1.numpy())
