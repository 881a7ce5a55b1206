"""Run the training on several worker processes with MultiWorkerMirroredStrategy.

``python -m linfit.multiworker --workers 2 --epochs 10`` (or
[`run`][linfit.parallel.multiworker.run]) starts the workers on this machine, each
with its own ``TF_CONFIG`` naming every worker's ``127.0.0.1`` port (chosen free at
run time), waits for them and returns the History the chief wrote, which equals the
single-device run within the rounding bound. The same worker code runs unchanged on
several hosts when ``TF_CONFIG`` lists their addresses instead
([`linfit.parallel.workers`][]).

**Network exposure.** TensorFlow's gRPC server listens on *all* interfaces (its
address is hard-coded as ``0.0.0.0:PORT`` in TensorFlow's ``grpc_server_lib.cc``)
and its distributed runtime has no authentication: anyone who can reach the ports can
run operations in the workers. So on Linux the launcher starts the workers in a
network namespace of their own that has only loopback (``unshare --user
--map-root-user --net``, which needs no root): nothing outside can reach them. Where
that is impossible (no ``unshare``, user namespaces disabled, not Linux) it says
plainly on stderr that the ports are open on every interface.

**Liveness, not a deadline.** The supervisor polls every worker. A worker that exits
with an error stops the run at once, with the end of its log. A worker that stays
alive but makes no progress (no new epoch for ``stall_timeout`` seconds; the first
epoch gets ``startup_timeout``, which covers importing TensorFlow and connecting) is
declared stuck. Either way the other workers are killed and a
[`LinfitError`][linfit.errors.LinfitError] names the worker; a long, healthy run is
never cut short. (There is no timeout on the collective operations: with one set,
TensorFlow 2.21 starts a thread per collective that sleeps for the whole timeout,
some 600 a second per worker, until the process can start no more.)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from linfit.errors import DivergenceError, InputValueError, LinfitError
from linfit.history import History

__all__ = ["EXPOSURE_NOTE", "MAX_WORKERS", "isolation_available", "run"]

MAX_WORKERS = 64
"""The most worker processes one run starts."""

EXPOSURE_NOTE = (
    "linfit: note: the workers run without network isolation here, so TensorFlow's "
    "servers listen on all network interfaces (0.0.0.0) with no authentication; "
    "run this only on a trusted machine or network"
)

ISOLATE = ("unshare", "--user", "--map-root-user", "--net")


@cache
def isolation_available() -> bool:
    """Whether the workers can run in a network namespace with only loopback (Linux)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        [*ISOLATE, "true"], capture_output=True, timeout=30, check=False
    )
    return probe.returncode == 0


def run(
    x: Any,
    y: Any,
    *,
    epochs: int,
    learning_rate: float,
    w: float = 5.0,
    b: float = 0.0,
    batch_size: int | None = None,
    workers: int = 2,
    stall_timeout: float = 120.0,
    startup_timeout: float = 300.0,
    on_divergence: str = "raise",
) -> History:
    """Train on ``workers`` local processes; return the chief's History.

    Args:
        x: Inputs, shape ``(N,)``.
        y: Targets, shape ``(N,)``.
        epochs: Number of epochs.
        learning_rate: Step size.
        w: Initial slope.
        b: Initial intercept.
        batch_size: Global batch size (``None``: full batch).
        workers: Number of worker processes (one replica each), 1 to 64.
        stall_timeout: Seconds a worker may go without finishing an epoch
            before it is declared stuck.
        startup_timeout: Seconds a worker may take to finish its first epoch.
        on_divergence: ``"raise"`` or ``"continue"``, as for
            [`linfit.train`][linfit.loop.train].

    Raises:
        InputTypeError: If an argument has the wrong type.
        InputValueError: If an argument has a value that cannot be used.
        DivergenceError: If the run diverges and ``on_divergence="raise"``.
        LinfitError: If a worker fails or gets stuck.
    """
    return _launch(
        x,
        y,
        epochs=epochs,
        learning_rate=learning_rate,
        w=w,
        b=b,
        batch_size=batch_size,
        workers=workers,
        stall_timeout=stall_timeout,
        startup_timeout=startup_timeout,
        on_divergence=on_divergence,
    )


def _settings(
    x: Any, y: Any, **given: Any
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """The run's data and settings, checked as [`linfit.train`][linfit.loop.train] checks."""
    from linfit import validation
    from linfit.engines.problem import check_training_data

    x, y, _ = check_training_data(x, y)
    settings = _common_settings(**given)
    settings["batch_size"] = validation.check_batch_size(given["batch_size"], len(x))
    return x, y, settings


def _common_settings(**given: Any) -> dict[str, Any]:
    """The settings that do not depend on the data, checked."""
    from linfit import validation

    settings = {
        "epochs": validation.check_epochs(given["epochs"]),
        "learning_rate": validation.check_learning_rate(given["learning_rate"]),
        "w": validation.check_float32_scalar(given["w"], "w"),
        "b": validation.check_float32_scalar(given["b"], "b"),
        "workers": validation.check_integer(
            given["workers"], "workers", 1, MAX_WORKERS
        ),
        "on_divergence": validation.check_on_divergence(given["on_divergence"]),
    }
    for name in ("stall_timeout", "startup_timeout"):
        seconds = validation.check_finite_scalar(given[name], name)
        if seconds <= 0:
            raise InputValueError(f"{name} must be > 0 seconds, got {seconds:g}")
        settings[name] = seconds
    return settings


def _launch(
    x: Any,
    y: Any,
    *,
    faults: dict[str, dict[int, int]] | None = None,
    diagnostics: dict[str, Any] | None = None,
    on_started: Callable[[list[str]], None] | None = None,
    isolate: bool | None = None,
    **given: Any,
) -> History:
    """[`run`][linfit.parallel.multiworker.run], with hooks for the tests.

    ``faults={"fail": {i: k}}`` makes worker ``i`` exit with status 3 after ``k``
    epochs, ``{"stall": {i: k}}`` makes it stop making progress; ``diagnostics`` is
    filled with ``{"max_threads": [...], "isolated": bool}``; ``on_started`` is called
    with the workers' addresses once they are chosen; ``isolate`` overrides
    [`isolation_available`][linfit.parallel.multiworker.isolation_available].
    """
    plan = given.pop("plan", None)
    if plan is None:
        x, y, settings = _settings(x, y, **given)
    else:
        settings = _common_settings(**given)
        settings["plan"] = plan.to_json()
    settings["faults"] = {
        kind: {str(index): k for index, k in which.items()}
        for kind, which in (faults or {}).items()
    }
    isolated = isolation_available() if isolate is None else isolate
    if not isolated:
        print(EXPOSURE_NOTE, file=sys.stderr, flush=True)
    role = "supervise-isolated" if isolated else "supervise"
    command = [sys.executable, "-m", "linfit.parallel.workers", role]
    with tempfile.TemporaryDirectory(prefix="linfit-multiworker-") as folder:
        work = Path(folder)
        if plan is None:
            np.save(work / "x.npy", x)
            np.save(work / "y.npy", y)
        (work / "settings.json").write_text(json.dumps(settings))
        prefix = list(ISOLATE) if isolated else []
        with subprocess.Popen(
            [*prefix, *command, folder], start_new_session=True
        ) as supervisor:
            try:
                _wait(supervisor, work, on_started)
            except BaseException:
                supervisor.terminate()  # its workers go with it
                supervisor.wait(timeout=60)
                raise
        result = json.loads((work / "result.json").read_text())
    if "error" in result:
        _raise_data_error(result["error"], plan)
        raise LinfitError(result["error"])
    if diagnostics is not None:
        diagnostics.update(
            max_threads=result["threads"],
            isolated=isolated,
            read_seconds=result.get("read_seconds", {}),
        )
    columns = result["history"]
    history = History.from_rows(columns["w"], columns["b"], columns["loss"])
    if columns["diverged"] is not None:
        from linfit.reference import stable_learning_rate

        batch = settings["batch_size"]
        if plan is not None:
            from linfit.parallel.shards import moments_of

            stable, batch, n = moments_of(plan).stable_learning_rate(), 0, 0
        else:
            stable, n = stable_learning_rate(x), len(x)
        raise DivergenceError(
            columns["diverged"]["epoch"],
            columns["diverged"]["loss"],
            settings["learning_rate"],
            stable,
            history,
            batch if batch < n else None,
        )
    return history


def _raise_data_error(error: str, plan: Any) -> None:
    """A worker's refusal of a bad row, with the row's line in the whole file."""
    if plan is None or not error.startswith("{"):
        return
    from linfit.errors import DataFileError
    from linfit.parallel.shards import line_in_file

    found = json.loads(error)
    line = found["data_error"]["line"]
    if line is not None and plan.kind == "csv":
        line = line_in_file(plan, found["worker"], line)
    raise DataFileError(plan.path, found["data_error"]["reason"], line)


def _wait(
    supervisor: subprocess.Popen[bytes],
    work: Path,
    on_started: Callable[[list[str]], None] | None,
) -> None:
    started = False
    while supervisor.poll() is None:
        if not started and on_started is not None and (work / "cluster.json").exists():
            started = True
            on_started(json.loads((work / "cluster.json").read_text())["workers"])
        time.sleep(0.05)
    if not (work / "result.json").exists():
        raise LinfitError(
            f"the workers' supervisor ended with exit status {supervisor.returncode} "
            "and no result"
        )


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line, as the ``linfit`` command gives them."""

    def error(self, message: str) -> Any:
        self.exit(2, f"linfit: error: {message} (see '{self.prog} --help')\n")


def _columns(text: str) -> tuple[str | int, str | int]:
    from linfit.files.csvfile import parse_columns

    try:
        return parse_columns(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    """``python -m linfit.multiworker``: the example on local worker processes."""
    defaults = argparse.ArgumentDefaultsHelpFormatter
    parser = _Parser(
        prog="python -m linfit.multiworker",
        description="Train y = W·x + b on several local worker processes with "
        "tf.distribute's MultiWorkerMirroredStrategy, print the History and its "
        "distance from the same run on one device.",
        formatter_class=defaults,
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--epochs", type=int, default=10, help="epochs to train")
    parser.add_argument("--learning-rate", type=float, default=0.1, help="step size")
    parser.add_argument(
        "--points", type=int, default=1001, help="synthesized points (seed 0)"
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        default=None,
        help="train full batch on a CSV or .npy file instead of the synthesized "
        "points, each worker reading its own part of it once",
    )
    parser.add_argument(
        "--columns",
        metavar="X,Y",
        type=_columns,
        default=None,
        help="with --data: the two columns, by header name or 0-based index",
    )
    parser.add_argument(
        "--comments",
        metavar="CHAR",
        default=None,
        help="with --data (CSV): skip whole lines that start with CHAR",
    )
    parser.add_argument(
        "--stall-timeout",
        type=float,
        default=120.0,
        help="seconds a worker may go without a new epoch before it is declared stuck",
    )
    parser.add_argument(
        "--startup-timeout",
        type=float,
        default=300.0,
        help="seconds a worker may take to start and finish its first epoch",
    )
    arguments = parser.parse_args(argv)
    try:
        if arguments.data is not None:
            from linfit.parallel.shards import main_on_file

            return main_on_file(arguments)
        import linfit

        x, y = (t.numpy() for t in linfit.synthesize(n=arguments.points, seed=0))
        settings = {
            "epochs": arguments.epochs,
            "learning_rate": arguments.learning_rate,
        }
        history = run(
            x,
            y,
            workers=arguments.workers,
            stall_timeout=arguments.stall_timeout,
            startup_timeout=arguments.startup_timeout,
            **settings,
        )
        print("\n".join(history.lines()))
        single = linfit.train(linfit.LinearModel(), x, y, mode="moments", **settings)
        gap = float(np.max(np.hypot(history.w - single.w, history.b - single.b)))
        print(f"\nlargest distance from the single-device run: {gap:.3g}")
    except LinfitError as error:
        print(f"linfit: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("linfit: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
