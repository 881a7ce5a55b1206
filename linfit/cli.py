"""The ``linfit`` command line: ``linfit demo`` and ``linfit fit``.

Bad input never ends in a traceback: every problem linfit recognizes is
reported as one line on stderr, ``linfit: error: <what is wrong>``, with exit
status 2. Files are written whole or not at all (to a temporary name first,
then renamed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

EXIT_USAGE = 2
DEMO_TRUE_W = 3.0
DEMO_TRUE_B = 2.0
DEMO_POINTS = 1000


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, like linfit's own."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"linfit: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ``linfit`` subcommand."""
    parser = _Parser(
        prog="linfit",
        description="Train y = W·x + b by gradient descent with TensorFlow, step by visible step.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser(
        "demo",
        help="run the tutorial's canonical experiment",
        description=(
            f"Fit {DEMO_POINTS} points drawn around y = {DEMO_TRUE_W:g}·x + {DEMO_TRUE_B:g} "
            "with unit Gaussian noise, starting from W=5 and b=0."
        ),
    )
    demo.add_argument("--epochs", type=int, default=10, help="number of epochs (default 10)")
    demo.add_argument("--learning-rate", type=float, default=0.1, help="step size (default 0.1)")
    demo.add_argument("--seed", type=int, default=0, help="seed of the synthetic data (default 0)")
    demo.add_argument("--plot", metavar="DIR", type=Path, help="write the figures as PNG into DIR")

    fit = commands.add_parser(
        "fit",
        help="train on a two-column x,y CSV file",
        description="Train a linear model on the points of a CSV file (x,y; header optional).",
    )
    fit.add_argument("--data", metavar="FILE.csv", type=Path, required=True, help="the data file")
    fit.add_argument("--epochs", type=int, required=True, help="number of epochs")
    fit.add_argument("--learning-rate", type=float, required=True, help="step size")
    fit.add_argument("--init-w", type=float, default=5.0, help="initial slope (default 5)")
    fit.add_argument("--init-b", type=float, default=0.0, help="initial intercept (default 0)")
    fit.add_argument("--batch-size", type=int, default=None, help="points per step (default: all)")
    fit.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _demo(arguments: argparse.Namespace) -> None:
    import linfit

    x, y = linfit.synthesize(
        n=DEMO_POINTS, true_w=DEMO_TRUE_W, true_b=DEMO_TRUE_B, seed=arguments.seed
    )
    print(
        f"linfit demo: {DEMO_POINTS} points around y = {DEMO_TRUE_W:g}·x + {DEMO_TRUE_B:g} "
        f"with N(0, 1) noise (seed {arguments.seed}); start W=5 b=0; "
        f"learning rate {arguments.learning_rate:g}"
    )
    model = linfit.LinearModel(w=5.0, b=0.0)
    history = linfit.train(
        model, x, y, epochs=arguments.epochs, learning_rate=arguments.learning_rate, verbose=True
    )
    best_w, best_b = linfit.least_squares(x, y)
    best_loss = linfit.reference.loss(best_w, best_b, x.numpy().astype("float64"), y.numpy())
    final = history.final
    print()
    print(f"{'':8}{'trained':>12}{'least squares':>16}{'true':>8}")
    print(f"{'W':8}{final['w']:12.5f}{best_w:16.5f}{DEMO_TRUE_W:8.2f}")
    print(f"{'b':8}{final['b']:12.5f}{best_b:16.5f}{DEMO_TRUE_B:8.2f}")
    print(f"{'loss':8}{final['loss']:12.5f}{best_loss:16.5f}")
    if arguments.plot is not None:
        import io

        from linfit import plots

        figures = {
            "data.png": plots.plot_data(x, y, model(x), title="data and trained model"),
            "parameters.png": plots.plot_parameters(history, DEMO_TRUE_W, DEMO_TRUE_B),
            "loss.png": plots.plot_loss(history),
        }
        for name, figure in figures.items():
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=100)
            _write_atomically(arguments.plot / name, buffer.getvalue())
        print(f"\nwrote {', '.join(figures)} to {arguments.plot}")


def _fit(arguments: argparse.Namespace) -> None:
    import linfit

    x, y = linfit.load_csv(arguments.data)
    model = linfit.LinearModel(w=arguments.init_w, b=arguments.init_b)
    history = linfit.train(
        model,
        x,
        y,
        epochs=arguments.epochs,
        learning_rate=arguments.learning_rate,
        batch_size=arguments.batch_size,
        verbose=not arguments.json,
    )
    if arguments.json:
        print(json.dumps({"history": history.to_dict(), "final": history.final}))
    else:
        final = history.final
        print(f"\nfinal: W={final['w']:.6g} b={final['b']:.6g} loss={final['loss']:.6g}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.version:
        from importlib import metadata

        print(metadata.version("linfit"))
        return 0
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        from linfit.errors import LinfitError
    except ImportError as error:  # TensorFlow missing: say which extra to install
        print(f"linfit: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        {"demo": _demo, "fit": _fit}[arguments.command](arguments)
    except LinfitError as error:
        print(f"linfit: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `linfit demo | head`
        sys.stderr.close()
        return 0
    return 0
