"""The ``linfit`` command line: ``demo``, ``fit``, ``bench`` and ``conformance check``.

The contract, whatever the input:

* a problem linfit recognizes (bad data, a bad option, a diverging run, an
  output that cannot be written) is one line on stderr,
  ``linfit: error: <what is wrong>``, and exit status 2; never a traceback;
* Ctrl-C (SIGINT) is one line, ``linfit: interrupted``, and exit status 130,
  whatever the command is doing;
* an output that fails while being written (a full disk, a closed pipe) is one
  line and exit status 1;
* files are written whole or not at all, with ordinary permissions
  (`linfit._files`), and every output path is checked before the work starts.

Nothing heavy is imported before the arguments are parsed: ``--help``,
``--version`` and argument errors answer at once, and ``conformance check``
needs NumPy only, never TensorFlow.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

if TYPE_CHECKING:
    from linfit.engines import Mode

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
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
        help="train on a two-column x,y CSV file",
        description="Train a linear model on the points of a CSV file (x,y; header optional).",
    )
    fit.add_argument(
        "--data", metavar="FILE.csv", type=Path, required=True, help="the data file"
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
    fit.add_argument(
        "--json", action="store_true", help="print one JSON object instead of text"
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

    conformance = commands.add_parser(
        "conformance",
        help="check a port against linfit's golden vectors (needs NumPy only)",
        description="Exit status: 0 when every case passes, 1 when a case fails, 2 on bad input.",
    )
    actions = conformance.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser
    )
    check = actions.add_parser(
        "check", help="compare a port's RESULTS.json with the golden cases"
    )
    check.add_argument("results", metavar="RESULTS.json", type=Path)
    check.add_argument(
        "--json",
        action="store_true",
        help="print the verdict as one JSON object (for a port's CI)",
    )
    return parser


def _comparison(w: float, b: float, loss: float, x: Any, y: Any) -> None:
    """Print the trained line beside the least-squares optimum and the truth."""
    import linfit

    best_w, best_b = linfit.least_squares(x, y)
    best_loss = linfit.reference.loss(
        best_w, best_b, x.numpy().astype("float64"), y.numpy().astype("float64")
    )
    print()
    print(f"{'':8}{'trained':>12}{'least squares':>16}{'true':>8}")
    print(f"{'W':8}{w:12.5f}{best_w:16.5f}{DEMO_TRUE_W:8.2f}")
    print(f"{'b':8}{b:12.5f}{best_b:16.5f}{DEMO_TRUE_B:8.2f}")
    print(f"{'loss':8}{loss:12.5f}{best_loss:16.5f}")


def _demo(arguments: argparse.Namespace) -> None:
    variant = arguments.variant
    default_epochs, default_rate = VARIANT_DEFAULTS[variant]
    epochs = default_epochs if arguments.epochs is None else arguments.epochs
    rate = default_rate if arguments.learning_rate is None else arguments.learning_rate
    if arguments.plot is not None:
        _check_plot_folder(arguments.plot)
    import linfit

    if variant == "mlp":
        _demo_mlp(epochs, rate, arguments.seed)
        return
    x, y = linfit.synthesize(
        n=DEMO_POINTS, true_w=DEMO_TRUE_W, true_b=DEMO_TRUE_B, seed=arguments.seed
    )
    start = "W=5 b=10" if variant in ("functional", "optimizer") else "W=5 b=0"
    print(
        f"linfit demo ({variant}): {DEMO_POINTS} points around y = {DEMO_TRUE_W:g}·x + "
        f"{DEMO_TRUE_B:g} with N(0, 1) noise (seed {arguments.seed}); start {start}; "
        f"learning rate {rate:g}"
    )
    if variant == "keras":
        from linfit.keras_model import KerasLinearModel, fit_keras

        keras_model = KerasLinearModel()
        fitted = fit_keras(keras_model, x, y, epochs=epochs, learning_rate=rate)
        for epoch, loss in enumerate(fitted.history["loss"]):
            print(f"Epoch {epoch:2d}: loss before this epoch's update={loss:2.5f}")
        final_loss = float(linfit.l2_loss(keras_model(x), y))
        _comparison(
            float(keras_model.w.numpy()), float(keras_model.b.numpy()), final_loss, x, y
        )
        return
    if variant == "functional":
        history = linfit.train_functional(x, y, steps=epochs, learning_rate=rate)
        for step in range(0, len(history), 20):
            print(f"Loss at step {step:03d}: {history.loss[step]:.3f}")
        _comparison(**history.final, x=x, y=y)
        return
    if variant == "optimizer":
        history = linfit.train_with_optimizer(
            x,
            y,
            steps=epochs,
            learning_rate=rate,
            report=lambda step, loss: print(f"Loss at step {step:03d}: {loss:.3f}"),
        )
        _comparison(**history.final, x=x, y=y)
        return
    minibatch = variant == "minibatch"
    model = linfit.LinearModel(w=5.0, b=0.0)
    history = linfit.train(
        model,
        x,
        y,
        epochs=epochs,
        learning_rate=rate,
        verbose=True,
        batch_size=100 if minibatch else None,
        shuffle_seed=arguments.seed if minibatch else None,
        mode="eager"
        if isinstance(epochs, int) and 0 <= epochs <= LIVE_EPOCHS
        else "auto",
    )
    _comparison(**history.final, x=x, y=y)
    if arguments.plot is not None:
        _write_figures(arguments.plot, x, y, model, history)


def _demo_mlp(epochs: int, learning_rate: float, seed: int) -> None:
    from linfit.classifier import (
        nearest_centre_accuracy,
        synthesize_classes,
        train_classifier,
    )

    train, validation = synthesize_classes(seed=seed)
    print(
        f"linfit demo (mlp): {len(train.x)} training and {len(validation.x)} validation points, "
        f"{train.one_hot.shape[1]} Gaussian classes in {train.x.shape[1]} dimensions"
    )
    run = train_classifier(
        train,
        validation,
        epochs=epochs,
        learning_rate=learning_rate,
        seed=seed,
        log=print,
    )
    print(
        f"\nvalidation accuracy {run.validation_accuracy[-1]:.3f}; the best possible "
        f"(nearest true centre) is {nearest_centre_accuracy(validation):.3f}; chance is "
        f"{1 / train.one_hot.shape[1]:.3f}"
    )


FIGURES = ("data.png", "parameters.png", "loss.png")


def _check_plot_folder(directory: Path) -> None:
    from linfit._files import check_writable
    from linfit.errors import InputValueError

    if directory.exists() and not directory.is_dir():
        raise InputValueError(
            f"--plot {directory} is a file; name a folder for the figures"
        )
    for name in FIGURES:
        check_writable(directory / name, "--plot")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputValueError(
            "--plot needs matplotlib: pip install 'linfit-reference[plots]'"
        ) from None


def _write_figures(directory: Path, x: Any, y: Any, model: Any, history: Any) -> None:
    import io

    from linfit import plots
    from linfit._files import write_atomically

    figures = {
        "data.png": plots.plot_data(x, y, model(x), title="data and trained model"),
        "parameters.png": plots.plot_parameters(history, DEMO_TRUE_W, DEMO_TRUE_B),
        "loss.png": plots.plot_loss(history),
    }
    for name, figure in figures.items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        write_atomically(directory / name, buffer.getvalue())
    print(f"\nwrote {', '.join(figures)} to {directory}")


def _fit(arguments: argparse.Namespace) -> None:
    from linfit.csvfile import read_csv

    x, y = read_csv(
        arguments.data
    )  # NumPy only: a bad file is refused before TensorFlow loads
    import linfit

    strategy = None
    if (
        arguments.strategy == "mirrored"
    ):  # before any TensorFlow op initializes the devices
        from linfit.distributed import mirrored_strategy

        strategy = mirrored_strategy()
    model = linfit.LinearModel(w=arguments.init_w, b=arguments.init_b)
    history = linfit.train(
        model,
        x,
        y,
        epochs=arguments.epochs,
        learning_rate=arguments.learning_rate,
        batch_size=arguments.batch_size,
        verbose=not arguments.json,
        mode=cast("Mode", arguments.mode),
        strategy=strategy,
    )
    if arguments.json:
        print(json.dumps({"history": history.to_dict(), "final": history.final}))
    else:
        final = history.final
        print(
            f"\nfinal: W={final['w']:.6g} b={final['b']:.6g} loss={final['loss']:.6g}"
        )


def _bench(arguments: argparse.Namespace) -> int:
    if arguments.output is not None:
        from linfit._files import check_writable

        check_writable(arguments.output, "--output")
    from linfit import bench

    report = bench.main(quick=arguments.quick)
    if arguments.output is not None:
        from linfit._files import write_atomically

        write_atomically(
            arguments.output, (json.dumps(report, indent=1) + "\n").encode()
        )
    return 0


def _conformance(arguments: argparse.Namespace) -> int:
    if arguments.action != "check":
        print(
            "linfit: error: say 'linfit conformance check RESULTS.json'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from linfit import conformance

    report = conformance.check(arguments.results)
    if arguments.json:
        print(json.dumps(report.to_dict()))
    else:
        for case in report.cases:
            print(case.line())
        passed = sum(case.passed for case in report.cases)
        print(
            f"\n{passed} passed, {len(report.cases) - passed} failed ({report.precision} port)"
        )
    return 0 if report.passed else 1


def _run(arguments: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if arguments.version:
        import linfit

        print(linfit.__version__)
        return 0
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    if arguments.command == "conformance":
        return _conformance(arguments)
    if arguments.command == "bench":
        return _bench(arguments)
    {"demo": _demo, "fit": _fit}[arguments.command](arguments)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Argument errors end the process through ``argparse`` (``SystemExit(2)``).
    """
    parser = build_parser()
    arguments = parser.parse_args(argv)
    from linfit.errors import LinfitError

    try:
        status = _run(arguments, parser)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return status
    except KeyboardInterrupt as interrupt:
        history = getattr(interrupt, "history", None)
        done = f" after {len(history) - 1} epochs" if history is not None else ""
        return _fail(EXIT_INTERRUPTED, f"linfit: interrupted{done}")
    except LinfitError as error:
        return _fail(EXIT_USAGE, f"linfit: error: {_one_line(error)}")
    except (
        ImportError
    ) as error:  # TensorFlow (or matplotlib, JAX) missing: name the extra
        return _fail(EXIT_USAGE, f"linfit: error: {_one_line(error)}")
    except OSError as error:
        if _is_output_failure(error):
            return _fail(
                EXIT_FAILURE,
                f"linfit: error: cannot write the output: {error.strerror}",
                stdout_broken=True,
            )
        if os.environ.get("LINFIT_DEBUG"):
            raise
        return _fail(EXIT_FAILURE, f"linfit: error: {error.strerror or error}")
    except (
        Exception
    ) as error:  # a bug: still no traceback for the user, but a way to get one
        if os.environ.get("LINFIT_DEBUG"):
            raise
        return _fail(
            EXIT_FAILURE,
            f"linfit: internal error: {type(error).__name__}: {_one_line(error)}\n"
            "linfit: please report it; LINFIT_DEBUG=1 shows the traceback",
        )


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _is_output_failure(error: OSError) -> bool:
    import errno

    return isinstance(error, BrokenPipeError) or error.errno in (
        errno.ENOSPC,
        errno.EPIPE,
        errno.EDQUOT,
        errno.EFBIG,
    )


def _fail(status: int, message: str, *, stdout_broken: bool = False) -> int:
    """Print ``message`` to stderr; after an output failure, keep stdout from failing again."""
    if stdout_broken:
        _silence_stdout()
    with contextlib.suppress(
        OSError
    ):  # stderr gone too: the exit status is all that is left
        print(message, file=sys.stderr, flush=True)
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's final flush of unwritten output cannot fail.

    (After a failed write the buffer still holds the output; without this the
    interpreter would report the same failure again as it exits.)
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (captured in tests)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)
