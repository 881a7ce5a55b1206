"""Run the training on several worker processes with MultiWorkerMirroredStrategy.

``python -m linfit.multiworker --workers 2 --epochs 10`` (or
[`run`][linfit.parallel.multiworker.run])
starts the workers on this machine, each with its own ``TF_CONFIG`` naming
every worker's ``127.0.0.1`` port (chosen free at run time), waits for them
and prints the History the chief wrote. The same worker code runs unchanged on
several hosts when ``TF_CONFIG`` lists their addresses instead.

**Network exposure.** TensorFlow's gRPC server listens on *all* interfaces
(its address is hard-coded as ``0.0.0.0:PORT`` in TensorFlow's
``grpc_server_lib.cc``; nothing in ``TF_CONFIG`` or the server options binds
it to 127.0.0.1), and TensorFlow's distributed runtime has no authentication:
anyone who can reach the ports can run operations in the workers. The
launcher says so on stderr when it starts. Run it only on a trusted machine
or network (or behind a firewall that closes the ports).

**Liveness, not a deadline.** The launcher polls every worker. A worker that
exits with an error stops the run at once, with the end of its log. A worker
that stays alive but makes no progress (no new epoch for ``stall_timeout``
seconds; the first epoch gets ``startup_timeout``, which covers importing
TensorFlow and connecting) is declared stuck. Either way the other workers are
killed and a [`LinfitError`][linfit.errors.LinfitError] names the worker; a long,
healthy run is never cut short.

Why there is no timeout on the collective operations: with one set
(``CommunicationOptions(timeout_seconds=...)``), TensorFlow 2.21 starts a
thread per collective that sleeps for the whole timeout, so a fast run piles up
threads (measured here: about 600 a second per worker, 9000 after half a
minute, until the process cannot start more and aborts). Without it the count
stays flat (about 110 per worker), and the launcher's liveness check does the
timeout's job.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from linfit.errors import LinfitError
from linfit.history import History

__all__ = ["HEARTBEAT_SECONDS", "free_ports", "run"]

HEARTBEAT_SECONDS = 0.5
"""How often a worker writes its progress (epochs done, threads in use)."""

EXPOSURE_NOTE = (
    "linfit: note: TensorFlow's workers listen on all network interfaces (0.0.0.0) and its "
    "distributed runtime has no authentication; run this only on a trusted machine or network"
)


def free_ports(count: int) -> list[int]:
    """Ports on 127.0.0.1 that were free a moment ago (the OS picks them)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def _heartbeat(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None  # not written yet, or being replaced


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
        workers: Number of worker processes (one replica each).
        stall_timeout: Seconds a worker may go without finishing an epoch
            before it is declared stuck.
        startup_timeout: Seconds a worker may take to finish its first epoch.

    Raises:
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
    )


def _launch(
    x: Any,
    y: Any,
    *,
    epochs: int,
    learning_rate: float,
    w: float,
    b: float,
    batch_size: int | None,
    workers: int,
    stall_timeout: float,
    startup_timeout: float,
    fail_worker_after_epochs: dict[int, int] | None = None,
    diagnostics: dict[str, Any] | None = None,
) -> History:
    """[`run`][linfit.parallel.multiworker.run], with two hooks for the tests.

    ``fail_worker_after_epochs={index: k}`` makes worker ``index`` exit with
    status 3 after ``k`` epochs; ``diagnostics``, if given, is filled with
    ``{"max_threads": [...]}``, the most threads each worker had at any heartbeat.
    """
    from linfit.validation import as_data, check_epochs, check_learning_rate

    x, y = as_data(x, y)
    epochs, learning_rate = check_epochs(epochs), check_learning_rate(learning_rate)
    print(EXPOSURE_NOTE, file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="linfit-multiworker-") as folder:
        work = Path(folder)
        np.save(work / "x.npy", x)
        np.save(work / "y.npy", y)
        settings = {
            "epochs": epochs,
            "learning_rate": learning_rate,
            "w": w,
            "b": b,
            "batch_size": batch_size or len(x),
        }
        (work / "settings.json").write_text(json.dumps(settings))
        addresses = [f"127.0.0.1:{port}" for port in free_ports(workers)]
        processes: list[subprocess.Popen[bytes]] = []
        logs = []
        threads = [0] * workers
        try:
            for index in range(workers):
                env = dict(os.environ)
                env["TF_CONFIG"] = json.dumps(
                    {
                        "cluster": {"worker": addresses},
                        "task": {"type": "worker", "index": index},
                    }
                )
                failing = (fail_worker_after_epochs or {}).get(index)
                if failing is not None:
                    env["LINFIT_FAIL_AFTER_EPOCHS"] = str(failing)
                log = open(work / f"worker{index}.log", "wb")  # noqa: SIM115
                logs.append(log)
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "linfit.parallel.multiworker",
                            "--worker",
                            str(work),
                        ],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            progress = [
                (-1, time.monotonic())
            ] * workers  # (epochs done, when it last changed)
            while any(process.poll() is None for process in processes):
                now = time.monotonic()
                for index, process in enumerate(processes):
                    if process.poll() not in (None, 0):
                        raise LinfitError(
                            f"worker {index} failed with exit status {process.returncode}; "
                            "the run was stopped. Its log ends with: "
                            + _tail(work / f"worker{index}.log")
                        )
                    beat = _heartbeat(work / f"heartbeat{index}.json")
                    done = -1 if beat is None else int(beat["epochs"])
                    if beat is not None:
                        threads[index] = max(threads[index], int(beat["threads"]))
                    if done != progress[index][0]:
                        progress[index] = (done, now)
                    elif process.poll() is None:
                        allowed = startup_timeout if done < 1 else stall_timeout
                        if now - progress[index][1] > allowed:
                            raise LinfitError(
                                f"worker {index} made no progress for {allowed:g} s "
                                f"(after {max(done, 0)} epochs); it is stuck, and the run "
                                "was stopped. Its log ends with: "
                                + _tail(work / f"worker{index}.log")
                            )
                time.sleep(0.1)
            for index, process in enumerate(processes):
                if process.returncode != 0:
                    raise LinfitError(
                        f"worker {index} failed with exit status {process.returncode}: "
                        + _tail(work / f"worker{index}.log")
                    )
            columns = json.loads((work / "history.json").read_text())
            for index in range(workers):
                beat = _heartbeat(work / f"heartbeat{index}.json")
                if beat is not None:
                    threads[index] = max(threads[index], int(beat["threads"]))
            if diagnostics is not None:
                diagnostics["max_threads"] = threads
            return History.from_rows(
                columns["w"], columns["b"], columns["loss"], dtype="float32"
            )
        finally:
            _stop(processes)
            for log in logs:
                log.close()


def _tail(path: Path, lines: int = 3) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) if text else "(empty)"


def _threads() -> int:
    """The number of threads of this process (all of them, TensorFlow's native ones too)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^Threads:\s+(\d+)", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _worker(folder: Path) -> None:
    """One worker: build the strategy from TF_CONFIG, train, and (chief) write the History."""
    from linfit._tensorflow import tf
    from linfit.engines.distributed import distributed_rows
    from linfit.files.atomic import write_atomically

    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    beat = folder / f"heartbeat{index}.json"
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    settings = json.loads((folder / "settings.json").read_text())
    x, y = np.load(folder / "x.npy"), np.load(folder / "y.npy")
    fail_after = os.environ.get("LINFIT_FAIL_AFTER_EPOCHS")
    epochs = int(fail_after) if fail_after is not None else settings["epochs"]
    rows = distributed_rows(
        strategy,
        settings["w"],
        settings["b"],
        x,
        y,
        epochs=epochs,
        learning_rate=settings["learning_rate"],
        batch_size=settings["batch_size"],
    )
    ws, bs, losses = [], [], []
    last = 0.0
    for row in rows:
        ws.append(row[0])
        bs.append(row[1])
        losses.append(row[2])
        if time.monotonic() - last > HEARTBEAT_SECONDS:
            last = time.monotonic()
            progress = {"epochs": len(ws), "threads": _threads()}
            write_atomically(beat, json.dumps(progress).encode())
    write_atomically(
        beat, json.dumps({"epochs": len(ws), "threads": _threads()}).encode()
    )
    if fail_after is not None:  # fault injection: train a little, then die abruptly
        os._exit(3)
    if index == 0:
        document = {"w": ws, "b": bs, "loss": losses}
        write_atomically(folder / "history.json", json.dumps(document).encode())


def main(argv: list[str] | None = None) -> int:
    """``python -m linfit.multiworker``: run the example, or act as one worker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--points", type=int, default=1001)
    parser.add_argument(
        "--stall-timeout", type=float, default=120.0, help="seconds without a new epoch"
    )
    arguments = parser.parse_args(argv)
    if arguments.worker is not None:
        _worker(arguments.worker)
        return 0
    try:
        import linfit

        if not 1 <= arguments.workers <= 64:
            raise LinfitError(
                f"--workers must be between 1 and 64, got {arguments.workers}"
            )
        x, y = linfit.synthesize(n=arguments.points, seed=0)
        history = run(
            x.numpy(),
            y.numpy(),
            epochs=arguments.epochs,
            learning_rate=arguments.learning_rate,
            workers=arguments.workers,
            stall_timeout=arguments.stall_timeout,
        )
        print("\n".join(history.lines()))
        single = linfit.train(
            linfit.LinearModel(),
            x,
            y,
            epochs=arguments.epochs,
            learning_rate=arguments.learning_rate,
            mode="moments",
        )
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
