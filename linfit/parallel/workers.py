"""The processes behind [`linfit.parallel.multiworker`][]: a supervisor and its workers.

Everything passes through one work folder: the launcher writes the data
(``x.npy``, ``y.npy``) and ``settings.json``; the **supervisor** picks free
loopback ports, starts one **worker** process per replica with its ``TF_CONFIG``,
watches their heartbeats and writes ``result.json`` (the History, or why the run
failed). A worker builds a ``MultiWorkerMirroredStrategy``, trains with the
``"distributed"`` engine's rows, hands each row to a
[`Recorder`][linfit.engines.recorder.Recorder] (so a diverging run stops, on every
worker at the same row, since every worker sees the same all-reduced loss), and
writes its progress every [`HEARTBEAT_SECONDS`][linfit.parallel.workers.HEARTBEAT_SECONDS].

When the launcher can, it starts the supervisor in a network namespace of its own
that has only a loopback interface (Linux ``unshare --user --map-root-user --net``):
the workers' gRPC servers, which TensorFlow binds to every interface, are then
reachable from inside the namespace only. ``python -m linfit.parallel.workers
supervise FOLDER`` and ``... worker FOLDER`` are the two entry points.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["HEARTBEAT_SECONDS", "free_ports", "loopback_up", "supervise", "work"]

HEARTBEAT_SECONDS = 0.5
"""How often a worker writes its progress (epochs done, threads in use)."""


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


def loopback_up() -> None:
    """Bring the loopback interface up (a new network namespace starts with it down)."""
    import fcntl
    import struct

    get_flags, set_flags, up = 0x8913, 0x8914, 0x1  # SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, get_flags, request))[1]
        fcntl.ioctl(sock, set_flags, struct.pack("16sH14s", b"lo", flags | up, b""))


def _write(path: Path, document: dict[str, Any]) -> None:
    from linfit.files.atomic import write_atomically

    write_atomically(path, json.dumps(document).encode())


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return None  # not written yet, or being replaced


def _tail(path: Path, lines: int = 3) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) if text else "(empty)"


def _threads() -> int:
    """This process's threads, TensorFlow's native ones too (0 where /proc is missing)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^Threads:\s+(\d+)", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def supervise(folder: Path, isolated: bool) -> int:
    """Start the workers, watch them, write ``result.json``; return 0 (or 1 on a bug)."""
    settings = json.loads((folder / "settings.json").read_text())
    if isolated:
        loopback_up()
    count = settings["workers"]
    addresses = [f"127.0.0.1:{port}" for port in free_ports(count)]
    _write(folder / "cluster.json", {"workers": addresses, "isolated": isolated})
    processes: list[subprocess.Popen[bytes]] = []
    stop = lambda signum, frame: _stop(processes, 128 + signum)  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    try:
        for index in range(count):
            config = {
                "cluster": {"worker": addresses},
                "task": {"type": "worker", "index": index},
            }
            with open(folder / f"worker{index}.log", "wb") as log:
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "linfit.parallel.workers",
                            "work",
                            str(folder),
                        ],
                        env={**os.environ, "TF_CONFIG": json.dumps(config)},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        failure, threads = _watch(folder, processes, settings)
        if failure is not None:
            _write(folder / "result.json", {"error": failure})
        else:
            history = json.loads((folder / "history.json").read_text())
            reads = _read(folder / "read_seconds.json") or {}
            _write(
                folder / "result.json",
                {"history": history, "threads": threads, "read_seconds": reads},
            )
    finally:
        _stop(processes, None)
    return 0


def _watch(
    folder: Path, processes: list[subprocess.Popen[bytes]], settings: dict[str, Any]
) -> tuple[str | None, list[int]]:
    """Wait for the workers; say why the run failed, if it did.

    Returns:
        ``(reason or None, the most threads each worker had at any heartbeat)``.
    """
    progress = [(-1, time.monotonic())] * len(
        processes
    )  # (epochs done, when it changed)
    most = [0] * len(processes)
    while any(process.poll() is None for process in processes):
        now = time.monotonic()
        for index, process in enumerate(processes):
            log = folder / f"worker{index}.log"
            if process.poll() not in (None, 0):
                data_error = _read(folder / f"data_error{index}.json")
                if data_error is not None:
                    return json.dumps({"data_error": data_error, "worker": index}), most
                return (
                    f"worker {index} failed with exit status {process.returncode}; the run "
                    f"was stopped. Its log ends with: {_tail(log)}"
                ), most
            beat = _read(folder / f"heartbeat{index}.json")
            # Progress: a new epoch, or a heartbeat of a worker still reading its part.
            done = (
                -1 if beat is None else int(beat["epochs"]) + int(beat.get("beats", 0))
            )
            most[index] = max(most[index], 0 if beat is None else int(beat["threads"]))
            if done != progress[index][0]:
                progress[index] = (done, now)
            elif process.poll() is None:
                allowed = settings["startup_timeout" if done < 1 else "stall_timeout"]
                if now - progress[index][1] > allowed:
                    return (
                        f"worker {index} made no progress for {allowed:g} s (after "
                        f"{max(done, 0)} epochs); it is stuck, and the run was stopped. "
                        f"Its log ends with: {_tail(log)}"
                    ), most
        time.sleep(0.1)
    for index in range(len(processes)):
        beat = _read(folder / f"heartbeat{index}.json") or {}
        most[index] = max(most[index], int(beat.get("threads", 0)))
        if "read_seconds" in beat:
            reads = _read(folder / "read_seconds.json") or {}
            _write(
                folder / "read_seconds.json",
                {**reads, str(index): beat["read_seconds"]},
            )
    return None, most


def _stop(processes: list[subprocess.Popen[bytes]], exit_status: int | None) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    if exit_status is not None:  # stopped by a signal: go, as the signal would have
        os._exit(exit_status)


def work(folder: Path) -> None:
    """One worker: the strategy from ``TF_CONFIG``, the rows, and (chief) the History."""
    from linfit._tensorflow import tf
    from linfit.engines.distributed import distributed_rows
    from linfit.engines.problem import Problem
    from linfit.engines.recorder import Recorder
    from linfit.errors import DivergenceError
    from linfit.moments import moments

    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    beat = folder / f"heartbeat{index}.json"
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    settings = json.loads((folder / "settings.json").read_text())
    if "plan" in settings:
        work_on_part(folder, settings, strategy, index)
        return
    x, y = np.load(folder / "x.npy"), np.load(folder / "y.npy")
    faults = settings.get("faults", {})
    fail_after = faults.get("fail", {}).get(str(index))
    stall_after = faults.get("stall", {}).get(str(index))
    epochs = settings["epochs"] if fail_after is None else fail_after
    start = (settings["w"], settings["b"])
    problem = Problem(
        None,
        start,
        x,
        y,
        moments(x, y),
        epochs,
        settings["learning_rate"],
        settings["batch_size"],
    )
    recorder = Recorder(problem, on_divergence=settings["on_divergence"])
    rows = distributed_rows(
        strategy,
        *start,
        x,
        y,
        epochs=epochs,
        learning_rate=problem.learning_rate,
        batch_size=problem.batch_size,
    )
    diverged, last = None, 0.0
    try:
        for row in rows:
            recorder.record(*row)
            if time.monotonic() - last > HEARTBEAT_SECONDS:
                last = time.monotonic()
                _write(beat, {"epochs": len(recorder), "threads": _threads()})
            if stall_after is not None and len(recorder) > stall_after:
                time.sleep(10**6)  # fault injection: alive, but no more progress
    except DivergenceError as error:
        diverged = {"epoch": error.epoch, "loss": error.loss}
    _write(beat, {"epochs": len(recorder), "threads": _threads()})
    if fail_after is not None:  # fault injection: train a little, then die abruptly
        os._exit(3)
    if index == 0:
        history = recorder.history()
        columns = {
            "w": history.w.tolist(),
            "b": history.b.tolist(),
            "loss": history.loss.tolist(),
        }
        _write(folder / "history.json", {**columns, "diverged": diverged})


def work_on_part(
    folder: Path, settings: dict[str, Any], strategy: Any, index: int
) -> None:
    """One worker of a file split between workers ([`linfit.parallel.shards`][]).

    It reads its part once, summing it with the shift every worker shares; one
    all-reduce adds the sums of every part; then every worker takes the same
    epochs on the moments engine, and the chief writes the History.
    """
    import threading

    from linfit._tensorflow import tf
    from linfit.engines import moments as moments_engine
    from linfit.engines.problem import Problem
    from linfit.engines.recorder import Recorder
    from linfit.errors import DataFileError, DivergenceError
    from linfit.moments import MomentSums
    from linfit.parallel.shards import Plan, read_part

    beat = folder / f"heartbeat{index}.json"
    plan = Plan.from_json(settings["plan"])
    with contextlib.suppress(ImportError):  # the workers share the cores
        import pyarrow

        pyarrow.set_cpu_count(max(1, (os.cpu_count() or 1) // len(plan.parts)))
    reading = threading.Event()

    def heartbeats() -> None:  # alive while reading: the read makes no epochs
        count = 0
        while not reading.wait(HEARTBEAT_SECONDS):
            count += 1
            _write(beat, {"epochs": 0, "beats": count, "threads": _threads()})

    threading.Thread(target=heartbeats, daemon=True).start()
    started = time.perf_counter()
    try:
        sums = read_part(plan, index)
    except DataFileError as error:
        reason = str(error).removeprefix(f"{plan.path}:").removeprefix(f"{error.line}:")
        _write(
            folder / f"data_error{index}.json",
            {"reason": reason.strip(), "line": error.line},
        )
        os._exit(2)  # the supervisor stops the others, blocked in the all-reduce
    seconds = time.perf_counter() - started
    reading.set()
    local = tf.constant(sums.totals, dtype=tf.float64)
    summed = strategy.run(
        lambda: tf.distribute.get_replica_context().all_reduce(
            tf.distribute.ReduceOp.SUM, local
        )
    )
    totals = strategy.experimental_local_results(summed)[0].numpy()
    whole = MomentSums(plan.shift)
    whole.totals = np.asarray(totals, dtype=np.float64)
    full = whole.moments()
    empty = np.zeros(0, np.float32)
    start = (settings["w"], settings["b"])
    problem = Problem(
        None,
        start,
        empty,
        empty,
        full,
        settings["epochs"],
        settings["learning_rate"],
        full.n,
    )
    recorder = Recorder(problem, on_divergence=settings["on_divergence"])
    diverged = None
    try:
        moments_engine.run(problem, recorder)
    except DivergenceError as error:
        diverged = {"epoch": error.epoch, "loss": error.loss}
    _write(
        beat, {"epochs": len(recorder), "threads": _threads(), "read_seconds": seconds}
    )
    if index == 0:
        history = recorder.history()
        _write(
            folder / "history.json",
            {
                "w": history.w.tolist(),
                "b": history.b.tolist(),
                "loss": history.loss.tolist(),
                "diverged": diverged,
                "n": full.n,
            },
        )


def main(argv: list[str] | None = None) -> int:
    """``python -m linfit.parallel.workers supervise|supervise-isolated|work FOLDER``."""
    role, folder = argv if argv is not None else sys.argv[1:]
    if role == "work":
        work(Path(folder))
        return 0
    return supervise(Path(folder), isolated=role == "supervise-isolated")


if __name__ == "__main__":
    raise SystemExit(main())
