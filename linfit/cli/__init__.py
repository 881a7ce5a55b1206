"""The ``linfit`` command line: ``demo``, ``fit``, ``bench`` and ``conformance check``.

The contract, whatever the input:

* a problem linfit recognizes (bad data, a bad option, a diverging run, an
  output that cannot be written) is one line on stderr,
  ``linfit: error: <what is wrong>``, and exit status 2; never a traceback;
* Ctrl-C (SIGINT) is one line, ``linfit: interrupted``, and exit status 130,
  whatever the command is doing; SIGTERM and SIGHUP likewise (``linfit: stopped by
  SIGTERM``, exit status 143 and 129), with every output finished or removed;
* an output that fails while being written (a full disk) is one line and exit
  status 1; a pipe closed by its reader (``linfit ... | head -1``) ends quietly,
  with exit status 141, as in other command-line tools;
* files are written whole or not at all, with ordinary permissions
  (`linfit.files.atomic`), and every output path is checked before the work starts.

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

from linfit.cli.parser import EXIT_USAGE, build_parser

__all__ = ["EXIT_FAILURE", "EXIT_INTERRUPTED", "EXIT_USAGE", "build_parser", "main"]

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


def _bench(arguments: argparse.Namespace) -> int:
    if arguments.output is not None:
        from linfit.files.atomic import check_writable

        check_writable(arguments.output, "--output")
    from linfit.cli import bench

    if arguments.scale:
        from linfit.cli import scale

        rows = tuple(sorted({*scale.ROWS, *arguments.scale_rows}))
        report = scale.main(rows=rows)
    else:
        report = bench.main(quick=arguments.quick)
    if arguments.output is not None:
        from linfit.files.atomic import write_atomically

        write_atomically(
            arguments.output, (json.dumps(report, indent=1) + "\n").encode()
        )
    return 0


def _conformance(arguments: argparse.Namespace) -> int:
    if arguments.action == "path":
        from linfit.conformance.checker import GOLDEN

        print(GOLDEN.resolve())
        return 0
    if arguments.action != "check":
        print(
            "linfit: error: say 'linfit conformance check RESULTS.json' or "
            "'linfit conformance path'",
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
    if arguments.command == "demo":
        from linfit.cli.demo import demo

        demo(arguments)
    else:
        from linfit.cli.fit import fit

        fit(arguments)
    return 0


STOPPING_SIGNALS = {"SIGINT": EXIT_INTERRUPTED, "SIGTERM": 143, "SIGHUP": 129}
"""The signals that stop a command, and its exit status for each (128 + the number)."""

EXIT_BROKEN_PIPE = 141
"""The status of a command whose reader closed the pipe (128 + SIGPIPE), as ``yes | head``."""

_received: list[str] = []


def _stop(signum: int, frame: object) -> None:
    """A stopping signal: unwind like Ctrl-C, so every output is finished or removed."""
    import signal

    _received.append(signal.Signals(signum).name)
    raise KeyboardInterrupt


def _handle_stopping_signals() -> None:
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Argument errors end the process through ``argparse`` (``SystemExit(2)``).
    """
    if sys.stdout is None:  # started with standard output closed (linfit ... >&-)
        return _fail(
            EXIT_FAILURE,
            "linfit: error: cannot write the output: standard output is closed",
        )
    parser = build_parser()
    arguments = parser.parse_args(argv)
    from linfit.errors import LinfitError

    _received.clear()
    if argv is None:  # the real command line, not a call from Python
        _handle_stopping_signals()
    try:
        status = _run(arguments, parser)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
        return status
    except KeyboardInterrupt as interrupt:
        history = getattr(interrupt, "history", None)
        done = f" after {len(history) - 1} epochs" if history is not None else ""
        name = _received[0] if _received else "SIGINT"
        what = "interrupted" if name == "SIGINT" else f"stopped by {name}"
        return _fail(STOPPING_SIGNALS[name], f"linfit: {what}{done}")
    except LinfitError as error:
        return _fail(EXIT_USAGE, f"linfit: error: {_one_line(error)}")
    except ImportError as error:  # TensorFlow (or matplotlib, JAX) missing: the extra
        return _fail(EXIT_USAGE, f"linfit: error: {_one_line(error)}")
    except OSError as error:
        if _is_broken_pipe(error):  # the reader has gone: nobody is left to tell
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        if _is_output_failure(error):
            return _fail(
                EXIT_FAILURE,
                f"linfit: error: cannot write the output: {error.strerror}",
                stdout_broken=True,
            )
        if os.environ.get("LINFIT_DEBUG"):
            raise
        return _fail(EXIT_FAILURE, f"linfit: error: {error.strerror or error}")
    except Exception as error:  # a bug: still no traceback, but a way to get one
        if os.environ.get("LINFIT_DEBUG"):
            raise
        return _fail(
            EXIT_FAILURE,
            f"linfit: internal error: {type(error).__name__}: {_one_line(error)}\n"
            "linfit: please report it; LINFIT_DEBUG=1 shows the traceback",
        )


def _is_broken_pipe(error: OSError) -> bool:
    import errno

    return isinstance(error, BrokenPipeError) or error.errno == errno.EPIPE


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _is_output_failure(error: OSError) -> bool:
    import errno

    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


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


def __getattr__(name: str) -> object:
    """The subcommands' modules (``linfit.cli.bench`` ...), imported on first use."""
    from linfit._imports import lazy_submodules

    return lazy_submodules(__name__, ("bench", "demo", "fit", "parser"))(name)
