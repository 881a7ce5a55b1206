"""Saving a run and picking it up later, bit for bit.

A checkpoint holds the model's variables (through ``tf.train.Checkpoint``,
TensorFlow's format for tracked objects) together with the training position:
the History so far, whose length is the number of epochs done. Restoring it
and training for the remaining epochs gives exactly the History an
uninterrupted run would have given.

Writes are atomic. Each save goes into a fresh version folder inside the
checkpoint directory; only when it is complete does a small pointer file,
``LATEST``, switch to it (written to a temporary name and renamed, which is
atomic). A crash in the middle of a save leaves ``LATEST`` naming the previous
complete version, so a good checkpoint is never replaced by a corrupt one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import numpy as np

from linfit._tensorflow import tf
from linfit.errors import InputValueError
from linfit.history import History
from linfit.model import LinearModel

__all__ = ["restore", "save"]

POINTER = "LATEST"
PREFIX = "state"


def _write_pointer(directory: Path, version: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{POINTER}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(version + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, directory / POINTER)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _tracked(model: LinearModel, history_columns: dict[str, np.ndarray]) -> tf.train.Checkpoint:
    columns = {
        name: tf.Variable(values, shape=tf.TensorShape(None), name=name)
        for name, values in history_columns.items()
    }
    return tf.train.Checkpoint(model=model, **columns)


def save(directory: str | os.PathLike[str], model: LinearModel, history: History) -> Path:
    """Save ``model`` and the ``history`` that led to it, atomically.

    Args:
        directory: Checkpoint directory (created if missing). Older versions
            in it are removed after the new one is in place.
        model: The model, whose ``(w, b)`` must equal the last History row.
        history: The training History so far.

    Returns:
        The folder of the version just written.

    Raises:
        InputValueError: If the model is not in the History's last state.
    """
    if model.w.numpy().tobytes() != history.w[-1:].tobytes() or (
        model.b.numpy().tobytes() != history.b[-1:].tobytes()
    ):
        raise InputValueError(
            "model's (w, b) differ from the History's last row; save them together"
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    version = f"v-{len(history) - 1:08d}-{uuid.uuid4().hex[:8]}"
    columns = {"w": history.w, "b": history.b, "loss": history.loss}
    _tracked(model, columns).write(str(directory / version / PREFIX))
    _write_pointer(directory, version)
    for old in directory.iterdir():
        if old.is_dir() and old.name.startswith("v-") and old.name != version:
            shutil.rmtree(old, ignore_errors=True)
    return directory / version


def restore(directory: str | os.PathLike[str]) -> tuple[LinearModel, History]:
    """Load the latest complete checkpoint in ``directory``.

    Returns:
        ``(model, history)``: a new LinearModel in the saved state, and the
        History up to it. Continue with :func:`linfit.train` for the remaining
        epochs and join the two with :meth:`History.extended`.

    Raises:
        InputValueError: If there is no complete checkpoint in ``directory``.
    """
    directory = Path(directory)
    try:
        version = (directory / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        raise InputValueError(f"{directory}: no checkpoint (missing {POINTER} file)") from None
    model = LinearModel()
    empty = np.zeros(0, dtype=np.float32)
    checkpoint = _tracked(model, {"w": empty, "b": empty, "loss": empty})
    try:
        checkpoint.read(str(directory / version / PREFIX)).assert_consumed()
    except (tf.errors.OpError, AssertionError, ValueError) as error:
        raise InputValueError(
            f"{directory}: checkpoint {version} cannot be read: {error}"
        ) from None
    history = History.from_rows(
        checkpoint.w.numpy(), checkpoint.b.numpy(), checkpoint.loss.numpy(), dtype="float32"
    )
    return model, history
