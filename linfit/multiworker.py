"""Run the training on several worker processes with MultiWorkerMirroredStrategy.

``python -m linfit.multiworker --workers 2 --epochs 10`` (or :func:`run`)
starts the workers on this machine, each with its own ``TF_CONFIG`` naming
every worker's ``127.0.0.1`` port (chosen free at run time), waits for them
and prints the History the chief wrote. The same worker code runs unchanged on
several hosts when ``TF_CONFIG`` lists their addresses instead.

Failure handling: the launcher polls every worker. If any exits with an error
(or the whole run exceeds ``timeout``), it stops the others and raises a
:class:`~linfit.errors.LinfitError` naming the worker — no hang, no partial
History. The collectives also carry a timeout, so a worker whose peer died
stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
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

__all__ = ["free_ports", "run"]

COLLECTIVE_TIMEOUT_SECONDS = 30


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
            with _ignore_missing():
                os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        with _ignore_missing():
            process.wait(timeout=10)


class _ignore_missing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, value: Any, trace: Any) -> bool:
        return kind is not None and issubclass(
            kind, (ProcessLookupError, subprocess.TimeoutExpired)
        )


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
    timeout: float = 180.0,
    fail_worker_after_epochs: dict[int, int] | None = None,
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
        timeout: Seconds before the whole run is abandoned.
        fail_worker_after_epochs: Fault injection for tests: ``{index: k}``
            makes worker ``index`` exit with status 3 after ``k`` epochs.

    Raises:
        LinfitError: If a worker fails or the run times out.
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
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
        try:
            for index in range(workers):
                env = dict(os.environ)
                env["TF_CONFIG"] = json.dumps(
                    {"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
                )
                failing = (fail_worker_after_epochs or {}).get(index)
                if failing is not None:
                    env["LINFIT_FAIL_AFTER_EPOCHS"] = str(failing)
                log = open(work / f"worker{index}.log", "wb")  # noqa: SIM115
                logs.append(log)
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "linfit.multiworker", "--worker", str(work)],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            deadline = time.monotonic() + timeout
            while any(process.poll() is None for process in processes):
                for index, process in enumerate(processes):
                    if process.poll() not in (None, 0):
                        raise LinfitError(
                            f"worker {index} failed with exit status {process.returncode}; "
                            "the run was stopped. Its log ends with: "
                            + _tail(work / f"worker{index}.log")
                        )
                if time.monotonic() > deadline:
                    raise LinfitError(f"multi-worker run exceeded {timeout:g} s; stopped")
                time.sleep(0.1)
            for index, process in enumerate(processes):
                if process.returncode != 0:
                    raise LinfitError(
                        f"worker {index} failed with exit status {process.returncode}: "
                        + _tail(work / f"worker{index}.log")
                    )
            columns = json.loads((work / "history.json").read_text())
            return History.from_rows(columns["w"], columns["b"], columns["loss"], dtype="float32")
        finally:
            _stop(processes)
            for log in logs:
                log.close()


def _tail(path: Path, lines: int = 3) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) if text else "(empty)"


def _worker(folder: Path) -> None:
    """One worker: build the strategy from TF_CONFIG, train, and (chief) write the History."""
    from linfit._tensorflow import tf
    from linfit.distributed import train_distributed

    options = tf.distribute.experimental.CommunicationOptions(
        timeout_seconds=COLLECTIVE_TIMEOUT_SECONDS
    )
    strategy = tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)
    settings = json.loads((folder / "settings.json").read_text())
    x, y = np.load(folder / "x.npy"), np.load(folder / "y.npy")
    fail_after = os.environ.get("LINFIT_FAIL_AFTER_EPOCHS")
    if fail_after is not None:  # fault injection: train a little, then die abruptly
        train_distributed(
            strategy,
            settings["w"],
            settings["b"],
            x,
            y,
            epochs=int(fail_after),
            learning_rate=settings["learning_rate"],
            batch_size=settings["batch_size"],
        )
        os._exit(3)
    ws, bs, losses = train_distributed(
        strategy,
        settings["w"],
        settings["b"],
        x,
        y,
        epochs=settings["epochs"],
        learning_rate=settings["learning_rate"],
        batch_size=settings["batch_size"],
    )
    if json.loads(os.environ["TF_CONFIG"])["task"]["index"] == 0:
        temporary = folder / "history.json.tmp"
        temporary.write_text(json.dumps({"w": ws, "b": bs, "loss": losses}))
        os.replace(temporary, folder / "history.json")


def main(argv: list[str] | None = None) -> int:
    """``python -m linfit.multiworker``: run the example, or act as one worker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--points", type=int, default=1001)
    arguments = parser.parse_args(argv)
    if arguments.worker is not None:
        _worker(arguments.worker)
        return 0
    import linfit

    x, y = linfit.synthesize(n=arguments.points, seed=0)
    history = run(
        x.numpy(),
        y.numpy(),
        epochs=arguments.epochs,
        learning_rate=arguments.learning_rate,
        workers=arguments.workers,
    )
    print("\n".join(history.lines()))
    single = linfit.train(
        linfit.LinearModel(), x, y, epochs=arguments.epochs, learning_rate=arguments.learning_rate
    )
    gap = float(np.max(np.hypot(history.w - single.w, history.b - single.b)))
    print(f"\nlargest distance from the single-device run: {gap:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
