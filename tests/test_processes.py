"""The hostile sweep, in real processes: signals, kills, concurrent savers, a bare HOME.

What only a real process can show: the exit status and the one line a signal
leaves, that SIGKILL in the middle of a save leaves the previous checkpoint
intact, that two processes saving at once never mix their checkpoints, that an
unwritable home folder or Keras's import prints nothing. Each test starts fresh
Python processes (each importing TensorFlow), so they are few and each checks
several things.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import write_points_csv

import linfit
from linfit.files import checkpoint


@pytest.fixture
def points(tmp_path) -> Path:
    return write_points_csv(tmp_path / "points.csv")


def real_cli(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linfit", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def interrupt_after(
    argv: list[str],
    ready: str,
    tmp_path: Path,
    signum: int = signal.SIGINT,
    delay: float = 1.0,
    stdin: int | None = None,
) -> tuple[int, str, float]:
    """Start the CLI, wait for ``ready`` on stdout (or ``delay`` s if it is ""), then
    send ``signum``; return the exit status, stderr and how long the stop took."""
    with subprocess.Popen(
        [sys.executable, "-u", "-m", "linfit", *argv],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        # A test run started with SIGINT ignored (in the background) would pass
        # that on, and the child would never see the Ctrl-C sent below.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as process:
        deadline = time.monotonic() + 120
        if ready:
            seen = ""
            while ready not in seen and time.monotonic() < deadline:
                seen += process.stdout.readline()
        else:
            time.sleep(delay)
        sent = time.monotonic()
        process.send_signal(signum)
        status = process.wait(timeout=60)
        elapsed = time.monotonic() - sent
        return status, process.stderr.read(), elapsed


INTERRUPT_SECONDS = 10
"""How soon a Ctrl-C must end a run. The engines look for it between epochs (eager)
or between chunks of about 0.1 s (compiled), and the data reader between blocks of
16 MiB (a pipe is read in the caller's thread): well under a second on an idle
machine. 10 s holds with both cores busy and the process getting a third of one."""


@pytest.mark.parametrize("mode", ["eager", "xla"])
def test_ctrl_c_during_training_is_exit_130_and_one_line(
    tmp_path, points, mode
) -> None:
    argv = [
        "fit",
        "--data",
        str(points),
        "--epochs",
        "100000000",
        "--learning-rate",
        "0.01",
        "--mode",
        mode,
    ]
    status, err, seconds = interrupt_after(argv, "Epoch  1:", tmp_path)
    assert status == 130
    assert err.startswith("linfit: interrupted after ") and err.count("\n") == 1, err
    assert seconds < INTERRUPT_SECONDS


def test_ctrl_c_while_reading_the_data_is_exit_130_and_one_line(tmp_path) -> None:
    """The data comes from a pipe that never ends: the reader is waiting on it."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"x,y\n1,2\n")
        status, err, seconds = interrupt_after(
            ["fit", "--data", "-", "--epochs", "1", "--learning-rate", "0.1"],
            "",
            tmp_path,
            stdin=read_end,
        )
    finally:
        os.close(read_end)
        os.close(write_end)
    assert status == 130 and err == "linfit: interrupted\n"
    assert seconds < INTERRUPT_SECONDS


def test_ctrl_c_while_tensorflow_imports_is_exit_130_and_one_line(tmp_path):
    """Importing TensorFlow takes seconds (the demo's first line comes after it):
    a Ctrl-C half a second in ends the command as cleanly."""
    status, err, _ = interrupt_after(["demo", "--epochs", "3"], "", tmp_path, delay=0.5)
    assert (status, err) == (130, "linfit: interrupted\n"), err


@pytest.mark.parametrize(("name", "status"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_sigterm_and_sighup_stop_a_run_with_one_line_and_nothing_written(
    tmp_path, points, name, status
) -> None:
    argv = ["fit", "--data", str(points), "--epochs", "100000000"]
    argv += ["--learning-rate", "0.01", "--mode", "eager"]
    got, err, seconds = interrupt_after(
        argv, "Epoch  1:", tmp_path, signum=getattr(signal, name)
    )
    assert got == status
    assert err.startswith(f"linfit: stopped by {name} after ") and err.count("\n") == 1
    assert seconds < INTERRUPT_SECONDS
    if name == "SIGHUP":
        return  # from here on, the same path as SIGTERM
    plots = tmp_path / "new" / "plots"
    got, err, _ = interrupt_after(
        ["demo", "--epochs", "100000000", "--plot", str(plots)],
        "Epoch  1:",
        tmp_path,
        signum=signal.SIGTERM,
    )
    assert got == 143 and not (tmp_path / "new").exists()  # not even the folder


SAVER = """
import sys
import linfit
from linfit.files import checkpoint
x, y = linfit.synthesize(n=200, seed=1)
model = linfit.LinearModel(float(sys.argv[2]), 0.0)
history = linfit.train(model, x, y, epochs=0, learning_rate=0.1)
refused = 0
for _ in range(int(sys.argv[3])):
    history = history.extended(linfit.train(model, x, y, epochs=1, learning_rate=0.1))
    try:
        checkpoint.save(sys.argv[1], model, history)
    except linfit.InputValueError as error:
        assert "another process is saving" in str(error), error
        refused += 1
    print(len(history), flush=True)
print("refused", refused, flush=True)
"""


def saver(folder: Path, start: float, saves: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SAVER, str(folder), str(start), str(saves)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def expected_history(start: float, epochs: int) -> linfit.History:
    x, y = linfit.synthesize(n=200, seed=1)
    return linfit.train(
        linfit.LinearModel(start, 0.0), x, y, epochs=epochs, learning_rate=0.1
    )


@pytest.mark.parametrize("delay", [0.05])
def test_sigkill_during_saves_leaves_the_last_complete_checkpoint(tmp_path, delay):
    """Killed at any moment, the folder restores to a complete, earlier checkpoint."""
    folder = tmp_path / "run"
    with saver(folder, 5.0, 100000) as process:
        line = process.stdout.readline()  # the first save is done
        time.sleep(delay)
        process.kill()
        process.communicate(timeout=60)
    assert line.strip().isdigit()
    model, history = checkpoint.restore(folder)
    assert history.equals(expected_history(5.0, len(history) - 1))
    assert model.w.numpy() == history.w[-1] and model.b.numpy() == history.b[-1]
    x, y = linfit.synthesize(n=200, seed=1)
    more = history.extended(linfit.train(model, x, y, epochs=1, learning_rate=0.1))
    checkpoint.save(folder, model, more)  # and cleans up what the kill left
    versions = [p for p in folder.iterdir() if p.is_dir()]
    assert len(versions) == 1 and checkpoint.restore(folder)[1].equals(more)


def test_two_processes_saving_into_one_folder_never_mix(tmp_path) -> None:
    folder = tmp_path / "run"
    first, second = saver(folder, 5.0, 15), saver(folder, -3.0, 15)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    _, history = checkpoint.restore(folder)
    w0 = float(history.w[0])
    assert w0 in (5.0, -3.0)
    assert history.equals(expected_history(w0, len(history) - 1))  # one run's, whole


def test_an_unwritable_home_and_keras_imports_print_nothing(tmp_path) -> None:
    """No matplotlib warnings about its config folder (TensorFlow imports it, through
    Keras), no TensorFlow INFO lines (the classifier imports Keras), no IndexError
    for 0 epochs."""
    env = {**os.environ, "HOME": "/dev/null", "XDG_CONFIG_HOME": "", "MPLCONFIGDIR": ""}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    mlp = real_cli("demo", "--variant", "mlp", "--epochs", "0", env=env, cwd=tmp_path)
    assert mlp.returncode == 0 and mlp.stderr == "", mlp.stderr
    assert "0 epochs: nothing was trained" in mlp.stdout
