"""The hostile sweep: every bad input is refused cleanly, and nothing of the user's is lost.

The contract (see `linfit.cli`): a problem is one line on stderr and exit 2, an
output that fails while written is one line and exit 1, Ctrl-C is one line and
exit 130; the Python API refuses with a `LinfitError` (also the matching
builtin); no run that went wrong reports success; nothing is overwritten or
deleted unless the user named it as the output. Most cases run the command line
in-process through `main(argv)`; a few run a real process where the exit code, a
signal or `/dev/full` is the point.
"""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import port_numpy
import pytest
from cli_helpers import run_cli, write_points_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import examples

import linfit
from linfit import conformance
from linfit._tensorflow import tf
from linfit.files import checkpoint

ONE_LINE = {"max_lines": 2}


def assert_refused(status: int, err: str, fragment: str, code: int = 2) -> None:
    assert status == code, err
    assert err.startswith("linfit: "), err
    assert err.count("\n") <= ONE_LINE["max_lines"], err
    assert "Traceback" not in err
    assert fragment in err, err


@pytest.fixture
def points(tmp_path) -> Path:
    return write_points_csv(tmp_path / "points.csv")


# 1. Checkpoints never delete what the user has ------------------------------

names = st.text(
    alphabet=st.sampled_from("v-0123456789abcdef.LATEST_"), min_size=1, max_size=14
).filter(lambda name: name not in (".", "..", checkpoint.POINTER, checkpoint.MANIFEST))


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder`` with its content (files) or link target (links)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[key] = path.read_bytes()
        else:
            found[key] = "<dir>"
    return found


@settings(
    max_examples=examples(15),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    files=st.lists(names, max_size=5, unique=True),
    folders=st.lists(names, max_size=5, unique=True),
    saves=st.integers(1, 3),
)
def test_saving_checkpoints_keeps_every_file_and_folder_of_the_user(
    tmp_path_factory, files, folders, saves
) -> None:
    directory = tmp_path_factory.mktemp("run")
    for name in folders:
        if not (directory / name).exists():
            (directory / name).mkdir()
            (directory / name / "notes.txt").write_text(f"user data in {name}")
    for name in files:
        if not (directory / name).exists():
            (directory / name).write_text(f"user file {name}")
    (directory / "v-link").symlink_to(directory / "elsewhere", target_is_directory=True)
    before = snapshot(directory)
    x, y = linfit.synthesize(n=50, seed=1)
    model = linfit.LinearModel()
    history = linfit.train(model, x, y, epochs=1, learning_rate=0.1, mode="moments")
    for _ in range(saves):
        history = history.extended(
            linfit.train(model, x, y, epochs=1, learning_rate=0.1, mode="moments")
        )
        checkpoint.save(directory, model, history)
    after = snapshot(directory)
    assert {
        key: after.get(key) for key in before
    } == before  # all of it still there, unchanged
    _, restored_history = checkpoint.restore(directory)
    assert restored_history.equals(history)
    versions = [p for p in directory.iterdir() if p.name not in before and p.is_dir()]
    assert len(versions) == 1  # linfit's own older versions are gone


def test_a_user_file_inside_an_old_version_folder_keeps_that_folder(tmp_path) -> None:
    x, y = linfit.synthesize(n=50, seed=1)
    model = linfit.LinearModel()
    history = linfit.train(model, x, y, epochs=1, learning_rate=0.1)
    first = checkpoint.save(tmp_path, model, history)
    (first / "my-notes.txt").write_text("mine")
    checkpoint.save(tmp_path, model, history)
    assert (first / "my-notes.txt").read_text() == "mine"
    assert not (first / "state.index").exists()  # linfit's own files went


# 2. Every trainer stops a diverging run --------------------------------------


@pytest.mark.parametrize(
    "trainer",
    ["train", "train_functional", "train_with_optimizer", "fit_keras"],
)
def test_every_trainer_refuses_to_return_a_diverged_run(
    canonical_data, trainer
) -> None:
    x, y = canonical_data
    rate = 100.0  # 2/λ_max is about 0.95 for this data
    runs = {
        "train": lambda: linfit.train(
            linfit.LinearModel(), x, y, epochs=200, learning_rate=rate
        ),
        "fit_keras": lambda: linfit.fit_keras(
            linfit.KerasLinearModel(), x, y, epochs=200, learning_rate=rate
        ),
        "train_functional": lambda: linfit.train_functional(
            x, y, steps=200, learning_rate=rate
        ),
        "train_with_optimizer": lambda: linfit.train_with_optimizer(
            x, y, steps=200, learning_rate=rate
        ),
    }
    with pytest.raises(linfit.DivergenceError) as info:
        runs[trainer]()
    assert info.value.stable_learning_rate == linfit.stable_learning_rate(x)
    assert "2/λ_max" in str(info.value)


def test_the_classifier_refuses_nan_and_stops_on_a_non_finite_loss() -> None:
    from linfit.variants.classifier import synthesize_classes, train_classifier

    train, validation = synthesize_classes(n_train=200, n_validation=50, seed=0)
    with pytest.raises(linfit.InputValueError, match="learning_rate must be finite"):
        train_classifier(train, validation, epochs=1, learning_rate=float("nan"))
    with pytest.raises(linfit.DivergenceError, match="too large for this model"):
        train_classifier(train, validation, epochs=3, learning_rate=1e30)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--variant", "keras", "--learning-rate", "100"], "diverged"),
        (["--variant", "functional", "--learning-rate", "100"], "diverged"),
        (["--variant", "optimizer", "--learning-rate", "100"], "diverged"),
        (["--variant", "loop", "--learning-rate", "100"], "diverged"),
        (
            ["--variant", "mlp", "--learning-rate", "nan"],
            "learning_rate must be finite",
        ),
        (["--variant", "mlp", "--epochs", "-1"], "epochs must be >= 0"),
        (["--variant", "minibatch", "--learning-rate", "1e-50"], "float32"),
    ],
)
def test_demo_variants_that_go_wrong_exit_2(capsys, argv, fragment) -> None:
    status, out, err = run_cli(capsys, "demo", *argv)
    assert_refused(status, err, fragment)
    assert "nan" not in out.lower().replace("learning rate nan", "")


# 3. Numbers out of range ------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--epochs", "2147483648"], "epochs must be between 0 and 100,000,000"),
        (["--epochs", str(10**30)], "epochs must be between"),
        (["--epochs", "1e30"], "invalid int value"),
        (["--learning-rate", "1e-50"], "below float32's smallest normal number"),
        (["--learning-rate", "1e39"], "beyond the float32 range"),
        (["--init-w", "1e39"], "w = 1e+39 is beyond the float32 range"),
        (["--batch-size", str(2**64)], "batch_size must be between 1 and"),
    ],
)
def test_fit_numbers_out_of_range(capsys, points, argv, fragment) -> None:
    base = {"--epochs": "3", "--learning-rate": "0.1"}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        base[flag] = value
    args = [item for pair in base.items() for item in pair]
    status, _, err = run_cli(capsys, "fit", "--data", str(points), *args)
    assert_refused(status, err, fragment)


@settings(
    max_examples=examples(25),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.one_of(st.integers(-(2**70), -1), st.integers(2**63, 2**80)))
def test_seeds_out_of_range_are_refused(capsys, seed) -> None:
    with pytest.raises(linfit.InputValueError, match="seed must be between 0 and"):
        linfit.synthesize(n=5, seed=seed)
    status, _, err = run_cli(capsys, "demo", "--seed", str(seed))
    assert_refused(status, err, "seed must be between 0 and")


@pytest.mark.parametrize("seed", [1.5, "3", True, None])
def test_seeds_of_the_wrong_type_are_refused(seed) -> None:
    with pytest.raises(linfit.InputTypeError, match="seed must be an integer"):
        linfit.synthesize(n=5, seed=seed)


def test_synthesized_data_that_overflows_is_refused() -> None:
    with pytest.raises(linfit.InputValueError, match="overflows float32"):
        linfit.synthesize(n=100, true_w=3e38, seed=0)


# 4. Outputs are checked before the work starts, and written atomically ------


def must_not_run(*args, **kwargs):
    raise AssertionError("the work started before the output was checked")


def test_plot_naming_an_existing_file_is_refused_before_training(
    capsys, tmp_path, monkeypatch
) -> None:
    target = tmp_path / "figures"
    target.write_text("my file")
    monkeypatch.setattr(linfit, "train", must_not_run)
    status, out, err = run_cli(
        capsys, "demo", "--epochs", "100000", "--plot", str(target)
    )
    assert_refused(status, err, "is a file")
    assert out == ""  # nothing was trained
    assert target.read_text() == "my file"


def test_bench_output_naming_a_folder_is_refused_before_benchmarking(
    capsys, tmp_path, monkeypatch
) -> None:
    from linfit.cli import bench

    monkeypatch.setattr(bench, "main", must_not_run)
    status, out, err = run_cli(capsys, "bench", "--output", str(tmp_path))
    assert_refused(status, err, "is a folder")
    assert out == ""


def test_outputs_get_ordinary_permissions(capsys, tmp_path) -> None:
    """The temporary file's private mode must not survive the rename."""
    old = os.umask(0o022)
    try:
        status, _, _ = run_cli(
            capsys, "demo", "--epochs", "2", "--plot", str(tmp_path / "f")
        )
        x, y = linfit.synthesize(n=20, seed=1)
        model = linfit.LinearModel()
        history = linfit.train(model, x, y, epochs=1, learning_rate=0.1)
        checkpoint.save(tmp_path / "run", model, history)
        from linfit.variants.keras_model import (
            KerasLinearModel,
            save_weights_atomically,
        )

        save_weights_atomically(KerasLinearModel(), tmp_path / "k.weights.h5")
    finally:
        os.umask(old)
    assert status == 0
    written = [
        *(tmp_path / "f").iterdir(),
        tmp_path / "run" / checkpoint.POINTER,
        tmp_path / "run" / checkpoint.MANIFEST,
        tmp_path / "k.weights.h5",
    ]
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in written} == {
        p.name: 0o644 for p in written
    }


def test_writing_over_a_file_keeps_its_mode(capsys, tmp_path) -> None:
    """As ``open(path, "w")`` would: a private figure stays private."""
    folder = tmp_path / "figs"
    folder.mkdir()
    for name in ("data.png", "loss.png"):
        (folder / name).write_bytes(b"old")
        (folder / name).chmod(0o600)
    status, _, err = run_cli(capsys, "demo", "--epochs", "2", "--plot", str(folder))
    assert status == 0, err
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes == {"data.png": 0o600, "loss.png": 0o600, "parameters.png": 0o644}
    from linfit.variants.keras_model import KerasLinearModel, save_weights_atomically

    weights = tmp_path / "k.weights.h5"
    save_weights_atomically(KerasLinearModel(), weights)
    weights.chmod(0o640)
    save_weights_atomically(KerasLinearModel(), weights)
    assert stat.S_IMODE(weights.stat().st_mode) == 0o640


def test_a_set_of_files_is_published_whole_or_not_at_all(tmp_path, monkeypatch):
    """The disk fills while the second of three figures is written: none changes."""
    from linfit.files import atomic

    targets = {tmp_path / f"{name}.png": name.encode() for name in ("a", "b", "c")}
    for path in targets:
        path.write_bytes(b"old")
    real, calls = atomic._write_temporary, []

    def full_disk_on_the_second(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "_write_temporary", full_disk_on_the_second)
    with pytest.raises(OSError, match="No space left"):
        atomic.write_all_atomically(targets)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "b.png", "c.png"]
    assert all(path.read_bytes() == b"old" for path in targets)  # no new beside old


def test_a_refused_run_creates_nothing(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    status, _, err = run_cli(capsys, "demo", "--plot", "newplots/a/b", "--epochs", "-1")
    assert_refused(status, err, "epochs must be >= 0")
    assert list(tmp_path.iterdir()) == []  # not even the folders


@pytest.fixture(scope="module")
def results_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("port") / "results.json"
    path.write_text(json.dumps(port_numpy.results(conformance.load_cases())))
    return path


def real_cli(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linfit", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def test_a_full_disk_on_stdout_is_one_line_and_a_failure(results_file) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "linfit", "conformance", "check", str(results_file)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert (
        result.stderr
        == "linfit: error: cannot write the output: No space left on device\n"
    )


def test_a_pipe_closed_by_its_reader_ends_quietly(results_file) -> None:
    """``linfit ... | head -1``: the reader has gone, so there is nobody to tell.

    Exit status 141 (128 + SIGPIPE), as ``yes | head -1`` ends, and no message.
    """
    with subprocess.Popen(
        [sys.executable, "-m", "linfit", "conformance", "check", str(results_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        process.stdout.close()  # the reader went away before the first line
        stderr = process.stderr.read()
        status = process.wait(timeout=60)
    assert status == 141
    assert stderr == ""


def test_standard_output_closed_at_the_start_is_one_line_and_a_failure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linfit", "--version"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 1
    assert result.stderr == (
        "linfit: error: cannot write the output: standard output is closed\n"
    )


# 5. Inputs that are not ordinary text files ----------------------------------


def test_dev_zero_is_refused_at_once() -> None:
    """/dev/zero never ends: an answer at all (within real_cli's 120 s) shows that
    the reader stopped at the first NUL byte instead of reading on."""
    result = real_cli(
        "fit", "--data", "/dev/zero", "--epochs", "1", "--learning-rate", "0.1"
    )
    assert result.returncode == 2
    assert (
        result.stderr
        == "linfit: error: /dev/zero:1: contains NUL bytes; it is not a text CSV file\n"
    )


def bytes_read_by_this_process() -> int:
    """``rchar`` of /proc/self/io: every byte this process has read (Linux)."""
    text = Path("/proc/self/io").read_text()
    return int(
        next(line for line in text.splitlines() if line.startswith("rchar:"))[6:]
    )


@pytest.mark.skipif(
    not Path("/proc/self/io").exists(), reason="counts bytes read with Linux's /proc"
)
def test_a_huge_file_of_nul_bytes_is_refused_within_its_first_block(tmp_path) -> None:
    from linfit.files import csvfile

    path = tmp_path / "zeros.csv"
    with open(path, "wb") as stream:
        stream.truncate(2 * 1024**3)  # 2 GB, sparse: costs no disk
    before = bytes_read_by_this_process()
    with pytest.raises(linfit.DataFileError, match="contains NUL bytes"):
        csvfile.read_csv(path)
    assert bytes_read_by_this_process() - before <= 2 * csvfile.BLOCK_BYTES


def test_an_endless_line_is_refused_without_reading_it_all(tmp_path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("1" * (10 * 1024**2))  # 10 MB of digits, no line end
    with pytest.raises(
        linfit.DataFileError, match=r"long\.csv:1: line is longer than 64 KiB"
    ):
        linfit.files.csvfile.read_csv(path)


@settings(
    max_examples=examples(40),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(min_size=1, max_size=300))
def test_random_bytes_are_parsed_or_refused_by_line(tmp_path_factory, content) -> None:
    path = tmp_path_factory.mktemp("bytes") / "data.csv"
    path.write_bytes(content)
    outcome: object
    try:
        outcome = linfit.files.csvfile.read_csv(path)
    except linfit.DataFileError as error:
        outcome = error
    if isinstance(outcome, linfit.DataFileError):
        assert str(outcome).startswith(str(path))
    else:
        x, y = outcome
        assert x.dtype == np.float32 and np.isfinite(x).all() and np.isfinite(y).all()


def test_an_endless_results_file_is_refused_without_filling_the_memory(
    capsys,
) -> None:
    """``/dev/zero`` never ends: only the first 64 MiB + 1 byte of it are ever read."""
    status, out, err = run_cli(capsys, "conformance", "check", "/dev/zero")
    assert_refused(status, err, "/dev/zero: cannot be read (more than 64 MiB")
    assert out == ""


@pytest.mark.parametrize("name", [checkpoint.POINTER, checkpoint.MANIFEST])
def test_an_endless_file_in_a_checkpoint_folder_is_refused(saved, name) -> None:
    (saved / name).unlink()
    (saved / name).symlink_to("/dev/zero")
    if name == checkpoint.POINTER:
        with pytest.raises(linfit.DataFileError, match=name):
            checkpoint.restore(saved)
    else:  # saving reads the manifest of the versions saved before
        x, y = linfit.synthesize(n=50, seed=1)
        model = linfit.LinearModel()
        history = linfit.train(model, x, y, epochs=1, learning_rate=0.1)
        with pytest.raises(linfit.DataFileError, match=name):
            checkpoint.save(saved, model, history)


# 6. A bad first row is a bad row, not a header --------------------------------


@pytest.mark.parametrize(
    ("first", "fragment"),
    [
        ("1,abc", ":1: cell 'abc' is not a number"),
        ("0x10,5", ":1: cell '0x10' is not a number"),
    ],
)
def test_a_bad_first_row_is_reported_on_line_1(tmp_path, first, fragment) -> None:
    path = tmp_path / "data.csv"
    path.write_text(f"{first}\n1,2\n3,4\n")
    with pytest.raises(linfit.DataFileError, match=fragment):
        linfit.files.csvfile.read_csv(path)


def test_a_header_is_two_cells_that_are_not_numbers(tmp_path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("\n\nx,y\n1,2\n3,4\n")
    x, _ = linfit.files.csvfile.read_csv(path)
    assert x.tolist() == [1.0, 3.0]


# 7. Damaged checkpoints --------------------------------------------------------


@pytest.fixture
def saved(tmp_path) -> Path:
    x, y = linfit.synthesize(n=50, seed=1)
    model = linfit.LinearModel()
    history = linfit.train(model, x, y, epochs=2, learning_rate=0.1)
    checkpoint.save(tmp_path / "run", model, history)
    return tmp_path / "run"


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        ("truncate-data", "is damaged"),
        ("truncate-index", "is damaged"),
        ("binary-pointer", "LATEST: cannot be read: is not text"),
        ("pointer-elsewhere", "does not name a checkpoint version"),
        ("missing-version", "is missing; the checkpoint is incomplete"),
    ],
)
def test_damaged_checkpoints_are_data_file_errors_naming_the_file(
    saved, damage, fragment
) -> None:
    version = saved / (saved / checkpoint.POINTER).read_text().strip()
    if damage == "truncate-data":
        with open(version / "state.data-00000-of-00001", "r+b") as stream:
            stream.truncate(5)
    elif damage == "truncate-index":
        with open(version / "state.index", "r+b") as stream:
            stream.truncate(7)
    elif damage == "binary-pointer":
        (saved / checkpoint.POINTER).write_bytes(b"\xff\xfe\x00\x01")
    elif damage == "pointer-elsewhere":
        (saved / checkpoint.POINTER).write_text("../../etc\n")
    else:
        for path in version.iterdir():
            path.unlink()
    with pytest.raises(linfit.DataFileError, match=fragment) as info:
        checkpoint.restore(saved)
    assert str(saved) in str(info.value)


# 8. API arguments -------------------------------------------------------------


class _Floats(tf.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w, self.b = 5.0, 0.0


def _variables(**kwargs) -> linfit.LinearModel:
    model = linfit.LinearModel()
    for name, variable in kwargs.items():
        setattr(model, name, variable)
    return model


@pytest.mark.parametrize(
    ("model", "error", "fragment"),
    [
        (lambda: _Floats(), linfit.InputTypeError, "model.w must be a tf.Variable"),
        (
            lambda: _variables(w=tf.Variable(5.0, dtype=tf.float64)),
            linfit.InputValueError,
            "model.w must be a float32 scalar variable, got float64",
        ),
        (
            lambda: _variables(b=tf.Variable([0.0, 1.0])),
            linfit.InputValueError,
            "model.b must be a float32 scalar variable, got float32 with shape (2,)",
        ),
        (
            lambda: _variables(w=tf.Variable(5.0, trainable=False)),
            linfit.InputValueError,
            "model.w is not trainable",
        ),
        (
            lambda: "a model",
            linfit.InputTypeError,
            "model must be a linfit.LinearModel",
        ),
    ],
)
def test_models_linfit_cannot_train_are_refused_by_name(model, error, fragment) -> None:
    x, y = linfit.synthesize(n=20, seed=1)
    with pytest.raises(error) as info:
        linfit.train(model(), x, y, epochs=1, learning_rate=0.1)
    assert fragment in str(info.value)
    with pytest.raises(error):
        checkpoint.save(
            "unused", model(), linfit.History.from_rows([5.0], [0.0], [1.0])
        )


def test_checkpoint_save_refuses_what_is_not_a_history(tmp_path) -> None:
    with pytest.raises(
        linfit.InputTypeError, match=r"history must be a linfit\.History"
    ):
        checkpoint.save(tmp_path, linfit.LinearModel(), {"w": [5.0]})


def test_masked_values_are_refused_not_silently_used() -> None:
    x = np.ma.masked_array([1.0, 2.0, 3.0], mask=[False, True, False])
    with pytest.raises(linfit.InputTypeError, match="masked array with masked values"):
        linfit.train(linfit.LinearModel(), x, np.ones(3), epochs=1, learning_rate=0.1)
    unmasked = np.ma.masked_array([1.0, 2.0, 3.0], mask=False)
    history = linfit.train(
        linfit.LinearModel(), unmasked, np.ones(3), epochs=1, learning_rate=0.1
    )
    assert len(history) == 2


@pytest.mark.parametrize(
    ("argument", "fragment"),
    [
        ({"callback": 3}, "callback must be callable or None, got int"),
        ({"callback": "print"}, "callback must be callable or None, got str"),
        ({"strategy": 3}, "strategy must be a tf.distribute.Strategy or None, got int"),
        ({"strategy": "mirrored"}, "strategy must be a tf.distribute.Strategy"),
    ],
)
def test_arguments_used_only_later_are_checked_before_training(
    argument, fragment
) -> None:
    """A callback or strategy of the wrong type is refused before the first epoch."""
    x, y = linfit.synthesize(n=20, seed=1)
    model = linfit.LinearModel()
    with pytest.raises(linfit.InputTypeError, match=fragment):
        linfit.train(model, x, y, epochs=1, learning_rate=0.1, **argument)
    assert (float(model.w), float(model.b)) == (5.0, 0.0)  # nothing was trained


def test_a_reporter_that_cannot_be_called_is_refused() -> None:
    x, y = linfit.synthesize(n=20, seed=1)
    with pytest.raises(linfit.InputTypeError, match="report must be callable or None"):
        linfit.train_with_optimizer(x, y, steps=5, learning_rate=0.1, report=3)


def test_histories_refuse_what_is_not_a_history_by_name() -> None:
    one = linfit.History.from_rows([5.0], [0.0], [1.0])
    with pytest.raises(linfit.InputValueError, match="differ in length"):
        linfit.History.from_rows([5.0, 4.0], [0.0], [1.0])
    with pytest.raises(linfit.InputTypeError, match=r"History\.w must be a 1-D NumPy"):
        linfit.History(epoch=one.epoch, w=[5.0], b=one.b, loss=one.loss)
    with pytest.raises(linfit.InputTypeError, match=r"later must be a linfit\.History"):
        one.extended(3)
    with pytest.raises(linfit.InputValueError, match="does not start where"):
        one.extended(linfit.History.from_rows([4.0], [0.0], [1.0]))
    assert one.equals(one) and not one.equals("a history")


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (
            lambda x, y: linfit.load_csv(None),
            linfit.InputTypeError,
            "source must be a path (str or os.PathLike) or a binary stream, got NoneType",
        ),
        (
            lambda x, y: linfit.gradient_step(linfit.LinearModel(), x, y, "0.1"),
            linfit.InputTypeError,
            "learning_rate must be a real number, got str",
        ),
        (
            lambda x, y: linfit.gradient_step(linfit.LinearModel(), x, y, -0.1),
            linfit.InputValueError,
            "learning_rate",
        ),
        (
            lambda x, y: linfit.epoch_order(10, -1, 2),
            linfit.InputValueError,
            "shuffle_seed must be between 0 and",
        ),
        (
            lambda x, y: linfit.epoch_order(0, 1, 2),
            linfit.InputValueError,
            "n must be between 1 and",
        ),
    ],
    ids=["load_csv-None", "step-str", "step-negative", "order-seed", "order-n"],
)
def test_the_building_blocks_refuse_by_name_too(call, error, fragment) -> None:
    """Not only train(): the functions the chapters build it from check their input."""
    x, y = linfit.synthesize(n=20, seed=1)
    with pytest.raises(error) as info:
        call(x, y)
    assert fragment in str(info.value)


def test_interrupted_training_in_python_keeps_the_rows(canonical_data) -> None:
    x, y = canonical_data

    def stop(epoch, w, b, loss):
        if epoch == 5:
            raise KeyboardInterrupt

    model = linfit.LinearModel()
    with pytest.raises(linfit.TrainingInterrupted) as info:
        linfit.train(model, x, y, epochs=100, learning_rate=0.1, callback=stop)
    assert len(info.value.history) == 6 and math.isfinite(info.value.history.loss[-1])


# 10. Noise and internal errors at the edges ------------------------------------


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("[" * 100_000, "nested too deeply"),
        (
            '{"format": "linfit-conformance-results/v1", "precision": "float32", '
            '"cases": {"canonical": {"w": [' + "1" * 5000 + "]}}}",
            None,
        ),
        (
            '{"format": "linfit-conformance-results/v1", "precision": "float32", '
            '"cases": {"canonical": {"w": [' + "7" * 400 + "]}}}",
            None,
        ),
    ],
    ids=["deep", "5000-digits", "400-digits"],
)
def test_hostile_results_files_are_refused_or_failed_never_an_internal_error(
    capsys, tmp_path, content, fragment
) -> None:
    path = tmp_path / "results.json"
    path.write_text(content)
    status, out, err = run_cli(capsys, "conformance", "check", str(path))
    if fragment is not None:
        assert_refused(status, err, fragment)
    else:
        assert status == 1 and err == "" and "FAIL  canonical" in out


def test_numbers_written_as_strings_and_huge_values_fail_quietly(capsys, tmp_path):
    results = port_numpy.results(conformance.load_cases())
    canonical = results["cases"]["canonical"]
    canonical["w"] = [str(v) for v in canonical["w"]]
    for case in list(results["cases"].values())[1:]:
        case["w"] = [1e308] * len(case["w"])
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results))
    status, out, err = run_cli(capsys, "conformance", "check", str(path))
    assert status == 1 and err == ""  # no RuntimeWarning lines either
    assert "FAIL  canonical: columns must be lists of numbers" in out
    assert out.count("FAIL") == len(results["cases"])
