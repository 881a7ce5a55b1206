"""Running the command line in-process, for the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import linfit
from linfit.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``linfit ARGV`` through ``main``: ``(exit status, stdout, stderr)``."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write_points_csv(path: Path) -> Path:
    """200 synthesized points (seed 3) as an ``x,y`` CSV file with a header, at ``path``."""
    x, y = linfit.synthesize(n=200, seed=3)
    pairs = zip(x.numpy().tolist(), y.numpy().tolist(), strict=True)
    rows = "\n".join(f"{a!r},{b!r}" for a, b in pairs)
    path.write_text("x,y\n" + rows + "\n")
    return path
