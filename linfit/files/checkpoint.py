"""Saving a run and picking it up later, bit for bit.

A checkpoint holds the model's variables (through ``tf.train.Checkpoint``,
TensorFlow's format for tracked objects) together with the training position:
the History so far, whose length is the number of epochs done. Restoring it
and training for the remaining epochs gives exactly the History an
uninterrupted run would have given.

Writes are atomic. Each save goes into a fresh version folder inside the
checkpoint directory; only when it is complete does a small pointer file,
``LATEST``, switch to it (written to a temporary name and renamed, which is
atomic). A crash in the middle of a save, even SIGKILL, leaves ``LATEST`` naming
the previous complete version, so a good checkpoint is never replaced by a corrupt
one; the next save removes what the crash left. A process saving into a folder
while another is saving there is refused with a clear error.

Nothing else in the directory is touched. linfit records the versions it wrote
in a manifest it owns (``linfit-checkpoint.json``); after a save it removes
only the older versions listed there, and of those only the files it wrote
itself. A folder of the user's that happens to be called ``v-…``, a file the
user put inside a version folder, a link: all stay where they are.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from linfit._tensorflow import tf
from linfit.errors import DataFileError, InputTypeError, InputValueError
from linfit.files.atomic import read_bounded, write_atomically
from linfit.history import History
from linfit.model import LinearModel, check_model

__all__ = ["MANIFEST", "POINTER", "restore", "save"]

POINTER = "LATEST"
MANIFEST = "linfit-checkpoint.json"
LOCK = ".linfit-checkpoint.lock"
MANIFEST_FORMAT = "linfit-checkpoint/v1"
PREFIX = "state"
OWN_FILES = (f"{PREFIX}.index", f"{PREFIX}.data-00000-of-00001")
TEMPORARY = f"{PREFIX}_temp"
"""The files ``tf.train.Checkpoint.write`` makes in a version folder, and the
folder it stages them in: the only ones linfit ever removes."""


def _tracked(
    model: LinearModel, history_columns: dict[str, np.ndarray]
) -> tf.train.Checkpoint:
    columns = {
        name: tf.Variable(values, shape=tf.TensorShape(None), name=name)
        for name, values in history_columns.items()
    }
    return tf.train.Checkpoint(model=model, **columns)


def _read_manifest(directory: Path) -> list[str]:
    """The versions linfit recorded writing in ``directory`` (none if there is no manifest)."""
    path = directory / MANIFEST
    if not path.exists():
        return []
    try:
        document = json.loads(
            read_bounded(path, 2**20, "a checkpoint manifest").decode("utf-8")
        )
        versions = document["versions"]
        if document.get("format") != MANIFEST_FORMAT or not all(
            isinstance(v, str) and v.startswith("v-") and "/" not in v for v in versions
        ):
            raise ValueError("unexpected content")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise DataFileError(
            str(path),
            "is not a linfit checkpoint manifest (damaged, or not written by linfit)",
        ) from None
    return list(versions)


def _write_manifest(directory: Path, versions: list[str]) -> None:
    document = {"format": MANIFEST_FORMAT, "versions": versions}
    write_atomically(
        directory / MANIFEST, (json.dumps(document, indent=1) + "\n").encode()
    )


def _remove_version(directory: Path, version: str) -> bool:
    """Remove the files linfit wrote for ``version``, and its folder if that leaves it empty.

    Returns whether the version is gone (False when the user's files keep the folder).
    """
    folder = directory / version
    if folder.is_symlink() or not folder.is_dir():
        return not folder.exists() and not folder.is_symlink()
    for name in OWN_FILES:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
    staging = folder / TEMPORARY  # left by a write that was killed midway
    if staging.is_dir() and not staging.is_symlink():
        for path in staging.iterdir():
            if path.is_file() and not path.is_symlink():
                path.unlink()
        with contextlib.suppress(OSError):
            staging.rmdir()
    try:
        folder.rmdir()  # only succeeds when nothing of the user's is inside
    except OSError:
        return False
    return True


def save(
    directory: str | os.PathLike[str], model: LinearModel, history: History
) -> Path:
    """Save ``model`` and the ``history`` that led to it, atomically.

    Args:
        directory: Checkpoint directory (created if missing). Older versions
            that linfit wrote there are removed after the new one is in place;
            nothing else in the directory is touched.
        model: The model, whose ``(w, b)`` must equal the last History row.
        history: The training History so far.

    Returns:
        The folder of the version just written.

    Raises:
        InputTypeError: If ``model`` or ``history`` is not what linfit trains and returns.
        InputValueError: If the model is not in the History's last state, or
            ``directory`` cannot be used.
    """
    model = check_model(model)
    if not isinstance(history, History):
        raise InputTypeError(
            f"history must be a linfit.History, got {type(history).__name__}"
        )
    if len(history) == 0:
        raise InputValueError("history is empty; train at least zero epochs first")
    if model.w.numpy().tobytes() != history.w[-1:].astype(np.float32).tobytes() or (
        model.b.numpy().tobytes() != history.b[-1:].astype(np.float32).tobytes()
    ):
        raise InputValueError(
            "model's (w, b) differ from the History's last row; save them together"
        )
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise InputValueError(f"checkpoint directory {directory} is a file")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputValueError(
            f"checkpoint directory {directory}: {error.strerror}"
        ) from None
    with _only_saver(directory):
        earlier = _read_manifest(directory)
        version = f"v-{len(history) - 1:08d}-{uuid.uuid4().hex[:8]}"
        # Listed before it is written: if the process dies mid-write, the next save
        # finds the partial version in the manifest and removes it.
        _write_manifest(directory, [*earlier, version])
        columns = {"w": history.w, "b": history.b, "loss": history.loss}
        _tracked(model, columns).write(str(directory / version / PREFIX))
        write_atomically(directory / POINTER, (version + "\n").encode())
        kept = [old for old in earlier if not _remove_version(directory, old)]
        _write_manifest(directory, [*kept, version])
    return directory / version


@contextlib.contextmanager
def _only_saver(directory: Path) -> Iterator[None]:
    """Hold the directory's lock while saving; refuse if another process holds it.

    Two processes saving into one folder at once would each rewrite the manifest
    from what they read and could remove the other's new version. With the lock
    the second is refused with a clear error instead. (The lock is an ``flock`` on
    a file of linfit's, so it is released however the holder ends, even by
    SIGKILL. Where ``fcntl`` does not exist, saves are not locked.)
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    with open(directory / LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputValueError(
                f"another process is saving a checkpoint into {directory} right now; "
                "save each run into a folder of its own"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def restore(directory: str | os.PathLike[str]) -> tuple[LinearModel, History]:
    """Load the latest complete checkpoint in ``directory``.

    Returns:
        ``(model, history)``: a new LinearModel in the saved state, and the
        History up to it. Continue with [`linfit.train`][linfit.loop.train] for the remaining
        epochs and join the two with [`History.extended`][linfit.history.History.extended].

    Raises:
        InputValueError: If there is no checkpoint in ``directory``.
        DataFileError: If the checkpoint is damaged (the message names the file).
    """
    directory = Path(directory)
    pointer = directory / POINTER
    try:
        text = read_bounded(pointer, 4096, "a checkpoint pointer").decode("utf-8")
        version = text.strip()
    except FileNotFoundError:
        raise InputValueError(
            f"{directory}: no checkpoint (missing {POINTER} file)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = (
            "is not text" if isinstance(error, UnicodeDecodeError) else error.strerror
        )
        raise DataFileError(str(pointer), f"cannot be read: {reason}") from None
    if (
        not version.startswith("v-")
        or "/" in version
        or "\\" in version
        or "\n" in version
    ):
        raise DataFileError(
            str(pointer), f"does not name a checkpoint version: {version[:40]!r}"
        )
    folder = directory / version
    if not (folder / OWN_FILES[0]).is_file():
        raise DataFileError(str(folder), "is missing; the checkpoint is incomplete")
    model = LinearModel()
    empty = np.zeros(0, dtype=np.float32)
    checkpoint = _tracked(model, {"w": empty, "b": empty, "loss": empty})
    try:
        checkpoint.read(str(folder / PREFIX)).assert_consumed()
        columns = [getattr(checkpoint, name).numpy() for name in ("w", "b", "loss")]
        history = History.from_rows(columns[0], columns[1], columns[2], dtype="float32")
    except Exception as error:  # TensorFlow reports damage in many forms
        raise DataFileError(str(folder), f"is damaged: {_first_line(error)}") from None
    if len(history) == 0 or (
        model.w.numpy().tobytes() != history.w[-1:].tobytes()
        or model.b.numpy().tobytes() != history.b[-1:].tobytes()
    ):
        raise DataFileError(
            str(folder), "is damaged: the model and its History disagree"
        )
    return model, history


def _first_line(error: Any) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
