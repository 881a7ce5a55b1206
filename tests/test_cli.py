"""Property 7: the command line's JSON contract and its handling of bad input.

Most cases call ``linfit.cli.main(argv)`` in-process (fast); one runs the real
``python -m linfit`` to check the process-level contract: exit status 2, one
line on stderr, no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import write_points_csv

import linfit
from linfit.cli import main


@pytest.fixture
def points_csv(tmp_path):
    return write_points_csv(tmp_path / "points.csv")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Like cli_helpers.run_cli, but argparse's SystemExit propagates (a test expects it)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_fit_json_is_one_object_matching_train(capsys, points_csv) -> None:
    status, out, err = run_cli(
        capsys,
        "fit",
        "--data",
        str(points_csv),
        "--epochs",
        "7",
        "--learning-rate",
        "0.2",
        "--init-w",
        "1",
        "--init-b",
        "-1",
        "--json",
    )
    assert status == 0 and err == ""
    document = json.loads(
        out
    )  # exactly one JSON document: trailing text would fail here
    assert set(document) == {"inputs", "history", "final", "least_squares"}
    assert document["inputs"] == {
        "data": str(points_csv),
        "n": 200,
        "learning_rate": 0.2,
        "epochs": 7,
        "batch_size": None,
        "engine": "moments",
        "streamed": True,  # full batch on the moments: one read of the file
        "init": {"w": 1.0, "b": -1.0},
    }
    assert set(document["history"]) == {"epoch", "w", "b", "loss"}
    assert document["history"]["epoch"] == list(range(8))
    # The command streams the file: the same computation as train_streaming (the
    # in-memory run agrees within the rounding bound: test_streaming.py).
    expected = linfit.train_streaming(
        linfit.LinearModel(1.0, -1.0), points_csv, epochs=7, learning_rate=0.2
    )
    for column in ("w", "b", "loss"):
        # JSON floats round-trip exactly, so the values are bit-identical.
        got = np.asarray(document["history"][column], dtype=np.float32)
        assert got.tobytes() == getattr(expected, column).tobytes()
    assert document["final"] == expected.final


def test_fit_with_minibatches(capsys, points_csv) -> None:
    status, out, _ = run_cli(
        capsys,
        "fit",
        "--data",
        str(points_csv),
        "--epochs",
        "3",
        "--learning-rate",
        "0.1",
        "--batch-size",
        "64",
        "--json",
    )
    assert status == 0
    assert len(json.loads(out)["history"]["w"]) == 4


def test_fit_text_output_prints_rows_in_seed_format(capsys, points_csv) -> None:
    status, out, _ = run_cli(
        capsys,
        "fit",
        "--data",
        str(points_csv),
        "--epochs",
        "2",
        "--learning-rate",
        "0.1",
    )
    assert status == 0
    assert out.splitlines()[0].startswith("Epoch  0: W=5.00 b=0.00, loss=")


@pytest.mark.parametrize(
    ("content", "extra", "fragment"),
    [
        (None, [], "no such file"),
        ("1,2\n3,x\n", [], ":2: cell 'x' is not a number"),
        ("1,2,3\n4,5,6\n", [], ":1: expected 2 columns"),
        ("1,2\n", [], "at least 2 data rows"),
        ("1,2\nnan,3\n", [], ":2: value nan"),
        ("1,2\n3,-inf\n", [], ":2: value -inf"),
        ("1,2\n3,4\n", ["--learning-rate", "0"], "learning_rate must be > 0"),
        ("1,2\n3,4\n", ["--learning-rate", "-0.5"], "learning_rate must be > 0"),
        ("1,2\n3,4\n", ["--learning-rate", "nan"], "learning_rate must be finite"),
        ("1,2\n3,4\n", ["--learning-rate", "inf"], "learning_rate must be finite"),
        ("1,2\n3,4\n", ["--epochs", "-1"], "epochs must be >= 0"),
        ("1,2\n3,4\n", ["--epochs", "three"], "invalid int value"),
        ("1,2\n3,4\n", ["--batch-size", "0"], "batch_size must be between"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(
    capsys, tmp_path, content, extra, fragment
) -> None:
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    argv = [
        "fit",
        "--data",
        str(path),
        "--epochs",
        "3",
        "--learning-rate",
        "0.1",
        *extra,
    ]
    with pytest.raises(SystemExit) if "invalid" in fragment else _no_exit():
        status, _out, err = run_cli(capsys, *argv)
        assert status == 2
    if "invalid" in fragment:
        err = capsys.readouterr().err
    assert err.startswith("linfit: error: ")
    assert fragment in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


class _no_exit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_diverging_fit_is_an_error_not_a_nan(capsys, points_csv) -> None:
    status, out, err = run_cli(
        capsys,
        "fit",
        "--data",
        str(points_csv),
        "--epochs",
        "200",
        "--learning-rate",
        "50",
        "--json",
    )
    assert status == 2 and out == ""
    assert "diverged" in err and "2/λ_max" in err


def test_demo_plot_writes_three_pngs(capsys, tmp_path) -> None:
    status, _out, _ = run_cli(
        capsys, "demo", "--epochs", "3", "--plot", str(tmp_path / "figs")
    )
    assert status == 0
    names = sorted(p.name for p in (tmp_path / "figs").iterdir())
    assert names == [
        "data.png",
        "loss.png",
        "parameters.png",
    ]  # no temporary files left
    for name in names:
        assert (tmp_path / "figs" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_prints_table_and_comparison(capsys) -> None:
    status, out, _ = run_cli(capsys, "demo")
    lines = out.splitlines()
    assert status == 0
    assert sum(line.startswith("Epoch ") for line in lines) == 11
    assert any(line.startswith("W") and "3.00" in line for line in lines)


def test_real_process_contract(tmp_path) -> None:
    """`python -m linfit` end to end: exit 2, a single stderr line, nothing on stdout."""
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,oops\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "linfit",
            "fit",
            "--data",
            str(bad),
            "--epochs",
            "1",
            "--learning-rate",
            "0.1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"linfit: error: {bad}:2: cell 'oops' is not a number\n"


@pytest.mark.parametrize(
    "variant", ["keras", "functional", "optimizer", "minibatch", "mlp"]
)
def test_every_demo_variant_runs(capsys, variant) -> None:
    status, out, err = run_cli(capsys, "demo", "--variant", variant, "--epochs", "2")
    assert status == 0 and err == ""
    if variant == "mlp":
        assert "validation accuracy" in out
    else:
        assert "least squares" in out


@pytest.mark.parametrize("mode", ["auto", "xla", "eager"])
def test_fit_modes_agree_within_the_bound(capsys, points_csv, mode) -> None:
    """Every --mode trains the same rows up to rounding (auto: the moments engine)."""
    from linfit import bounds

    argv = [
        "fit",
        "--data",
        str(points_csv),
        "--epochs",
        "150",
        "--learning-rate",
        "0.1",
    ]
    status, out, _ = run_cli(capsys, *argv, "--mode", mode, "--json")
    assert status == 0
    fast = json.loads(out)["history"]
    x, y = linfit.load_csv(points_csv)
    oracle = linfit.reference.train(x.numpy(), y.numpy(), epochs=150, learning_rate=0.1)
    allowed = bounds.trajectory_error_bound(
        x.numpy(), y.numpy(), epochs=150, learning_rate=0.1
    )
    distance = np.hypot(
        np.subtract(fast["w"], oracle.w), np.subtract(fast["b"], oracle.b)
    )
    assert np.all(distance <= allowed)


def test_fit_with_mirrored_strategy_in_a_fresh_process(tmp_path, points_csv) -> None:
    """--strategy mirrored must split the CPU before TensorFlow initializes: a new process."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "linfit",
            "fit",
            "--data",
            str(points_csv),
            "--epochs",
            "3",
            "--learning-rate",
            "0.1",
            "--strategy",
            "mirrored",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    mirrored = json.loads(result.stdout)["history"]
    x, y = linfit.load_csv(points_csv)
    single = linfit.train(linfit.LinearModel(), x, y, epochs=3, learning_rate=0.1)
    from linfit import bounds

    allowed = 2 * bounds.trajectory_error_bound(
        x.numpy(), y.numpy(), epochs=3, learning_rate=0.1
    )
    distance = np.hypot(
        np.subtract(mirrored["w"], single.w), np.subtract(mirrored["b"], single.b)
    )
    assert np.all(distance <= allowed)


def test_fit_text_compares_with_least_squares_and_quiet_prints_one_line(
    capsys, points_csv
) -> None:
    argv = ["fit", "--data", str(points_csv), "--epochs", "3", "--learning-rate", "0.1"]
    status, out, err = run_cli(capsys, *argv)
    assert status == 0 and err == ""
    x, y = linfit.load_csv(points_csv)
    best_w, best_b = linfit.least_squares(x, y)
    table = out.split("\n\n", 1)[1].splitlines()
    assert table[0].split() == ["trained", "least", "squares"]
    assert float(table[1].split()[2]) == float(f"{best_w:.6g}")
    assert float(table[2].split()[2]) == float(f"{best_b:.6g}")
    assert table[-1].startswith("final: W=")
    status, quiet, err = run_cli(capsys, *argv, "--quiet")
    assert status == 0 and quiet == table[-1] + "\n"
    with pytest.raises(SystemExit) as info:
        main([*argv, "--quiet", "--json"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_conformance_path_prints_the_installed_golden_vectors(capsys) -> None:
    assert main(["conformance", "path"]) == 0
    folder = Path(capsys.readouterr().out.strip())
    assert (folder / "manifest.json").is_file() and list(folder.glob("*.npy"))


def test_conformance_check_help_describes_the_results_file(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["conformance", "check", "--help"])
    text = capsys.readouterr().out
    for fragment in (
        '"format": "linfit-conformance-results/v1"',
        '"precision"',
        "epochs + 1",
    ):
        assert fragment in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_demo_session_installs_what_the_readme_examples_use() -> None:
    """The README runs `nox -s demo -- --epochs 30 --plot figures/`: plots need matplotlib."""
    root = Path(__file__).resolve().parents[1]
    assert (
        "nox -s demo -- --epochs 30 --plot figures/" in (root / "README.md").read_text()
    )
    noxfile = (root / "noxfile.py").read_text()
    demo = noxfile[noxfile.index("def demo(") :]
    assert 'extras="cpu,plots"' in demo.split("session.run")[0]
