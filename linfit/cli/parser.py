"""The ``linfit`` command line's arguments: every subcommand and option, with its help."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

__all__ = ["EXIT_USAGE", "MODES", "VARIANTS", "VARIANT_DEFAULTS", "build_parser"]

EXIT_USAGE = 2
DEMO_TRUE_W = 3.0
DEMO_TRUE_B = 2.0
DEMO_POINTS = 1000
LIVE_EPOCHS = 100
VARIANTS = {
    "loop": "the hand-written GradientTape loop, 10 epochs at 0.1",
    "keras": "KerasLinearModel with compile and fit, 10 epochs at 0.1",
    "functional": "free variables W, B and a loss(W, B), 200 steps at 0.01 from W=5 B=10",
    "optimizer": "keras SGD.apply_gradients, 300 steps at 0.01 from W=5 B=10",
    "minibatch": "shuffled tf.data minibatches of 100, 10 epochs at 0.1",
    "mlp": "the original tutorials' MLP classifier with Adam and accuracy metrics, 5 epochs",
}
MODES = ("auto", "eager", "function", "graph", "xla", "moments")
VARIANT_DEFAULTS = {  # (epochs or steps, learning rate)
    "loop": (10, 0.1),
    "keras": (10, 0.1),
    "functional": (200, 0.01),
    "optimizer": (300, 0.01),
    "minibatch": (10, 0.1),
    "mlp": (5, 0.01),
}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, like linfit's own."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"linfit: error: {message} (see '{self.prog} --help')\n")


CHECK_DESCRIPTION = """\
Compare the trajectories a port computed with linfit's golden vectors.

RESULTS.json is one JSON object:

  {"format": "linfit-conformance-results/v1",
   "precision": "float32",    (or "float64": the port's arithmetic)
   "cases": {"canonical": {"w": [...], "b": [...], "loss": [...]}, ...}}

with one entry per case of the manifest (`linfit conformance path` prints the
folder it is in). Each list holds epochs + 1 numbers: row k is the state after
k epochs and the full-data loss there. A row passes when it lies within its
rounding bound of the float64 trajectory (the docs' Porting chapter says how the
bound is computed).

Exit status: 0 when every case passes, 1 when a case fails, 2 on bad input."""


def _scale_rows(text: str) -> int:
    """``--scale-rows N``: a whole number of rows, at least 1000."""
    try:
        rows = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {text!r}"
        ) from None
    if rows < 1000:
        raise argparse.ArgumentTypeError(f"must be at least 1000 rows, got {rows}")
    return rows


def _columns(text: str) -> tuple[str | int, str | int]:
    from linfit.cli.fit import columns_option

    return columns_option(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ``linfit`` subcommand."""
    parser = _Parser(
        prog="linfit",
        description="Train y = W·x + b by gradient descent with TensorFlow, step by visible step.",
    )
    parser.add_argument(
        "--version", action="store_true", help="print the version and exit"
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )

    demo = commands.add_parser(
        "demo",
        help="run the tutorial's canonical experiment",
        description=(
            f"Fit {DEMO_POINTS} points drawn around y = {DEMO_TRUE_W:g}·x + {DEMO_TRUE_B:g} "
            "with unit Gaussian noise, starting from W=5 and b=0."
        ),
    )
    demo.add_argument(
        "--variant",
        choices=VARIANTS,
        default="loop",
        help="which form of the training to run (default loop): "
        + "; ".join(f"{name}: {text}" for name, text in VARIANTS.items()),
    )
    demo.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="epochs or steps (default: the variant's)",
    )
    demo.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        help="step size (default: the variant's)",
    )
    demo.add_argument(
        "--seed", type=int, default=0, help="seed of the synthetic data (default 0)"
    )
    demo.add_argument(
        "--plot", metavar="DIR", type=Path, help="write the figures as PNG into DIR"
    )

    fit = commands.add_parser(
        "fit",
        help="train on the points of a data file (CSV, Parquet, .npy, .npz)",
        description="Train a linear model on the points of a data file: CSV with two "
        "columns x,y (or pick two with --columns), a header line optional; or .parquet, "
        ".npy (an N×2 array) or .npz (arrays x and y). Every data row is read or refused "
        "by its line (CSV) or row number; nothing is skipped but blank lines. A "
        "full-batch run on the moments engine (the default) streams the file: one read "
        "in pieces of bounded size, so memory stays flat however large it is.",
    )
    fit.add_argument(
        "--data",
        metavar="FILE",
        required=True,
        help="the data file (format by suffix: .parquet, .npy, .npz, else CSV), or - "
        "for CSV on standard input",
    )
    fit.add_argument(
        "--columns",
        metavar="X,Y",
        type=_columns,
        default=None,
        help="the two columns to fit, by header name or 0-based index (default: the "
        "file must have exactly two), e.g. --columns x,y for a pandas to_csv file",
    )
    fit.add_argument(
        "--comments",
        metavar="CHAR",
        default=None,
        help="skip whole lines that start with CHAR (default: no line is a comment)",
    )
    fit.add_argument("--epochs", type=int, required=True, help="number of epochs")
    fit.add_argument("--learning-rate", type=float, required=True, help="step size")
    fit.add_argument(
        "--init-w", type=float, default=5.0, help="initial slope (default 5)"
    )
    fit.add_argument(
        "--init-b", type=float, default=0.0, help="initial intercept (default 0)"
    )
    fit.add_argument(
        "--batch-size", type=int, default=None, help="points per step (default: all)"
    )
    fit.add_argument(
        "--mode",
        choices=MODES,
        default="auto",
        help="the engine that trains (default auto: the fastest exact one, the moments "
        "engine on one device); see the docs' Performance chapter",
    )
    fit.add_argument(
        "--strategy",
        choices=("none", "mirrored"),
        default="none",
        help="none: one device; mirrored: data-parallel over the GPUs, or two logical CPUs",
    )
    output = fit.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (the inputs, the History, the final and the "
        "least-squares line) instead of text",
    )
    output.add_argument(
        "--quiet", action="store_true", help="print only the final line"
    )

    bench = commands.add_parser(
        "bench",
        help="time training many ways (the engines, Keras, NumPy, JAX)",
        description="Times whole training runs for n = 10^3, 10^5, 10^7, against the time "
        "to read the data once, measured in the same run.",
    )
    bench.add_argument(
        "--output", metavar="FILE.json", type=Path, help="save the results"
    )
    bench.add_argument("--quick", action="store_true", help="n = 10^3 only, 2 repeats")
    bench.add_argument(
        "--scale",
        action="store_true",
        help="instead: a full-batch fit of CSV files of 10^6 and 10^7 rows (and "
        "--scale-rows), streamed, against np.loadtxt and pyarrow, with peak memory and "
        "the read on 1 and 2 workers (needs pyarrow; writes the files to a temporary "
        "folder)",
    )
    bench.add_argument(
        "--scale-rows",
        metavar="N",
        type=_scale_rows,
        action="append",
        default=[],
        help="with --scale: also measure a file of N rows (N >= 1000; repeatable), e.g. "
        "100000000",
    )

    conformance = commands.add_parser(
        "conformance",
        help="check a port against linfit's golden vectors (needs NumPy only)",
        description="Exit status: 0 when every case passes, 1 when a case fails, 2 on bad input.",
    )
    actions = conformance.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser
    )
    check = actions.add_parser(
        "check",
        help="compare a port's RESULTS.json with the golden cases",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=CHECK_DESCRIPTION,
    )
    check.add_argument("results", metavar="RESULTS.json", type=Path)
    check.add_argument(
        "--json",
        action="store_true",
        help="print the verdict as one JSON object (for a port's CI)",
    )
    actions.add_parser(
        "path",
        help="print the folder of the installed golden vectors (manifest.json, .npy)",
        description="Print the folder that holds the golden vectors of this install: "
        "manifest.json and the .npy files a port reads.",
    )
    return parser
