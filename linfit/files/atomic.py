"""Writing files so that nothing the user has is ever half-overwritten.

Every file linfit writes goes through `write_atomically`: the content goes
to a temporary file in the target's folder, which is flushed to disk and then
renamed over the target. A rename within one file system is atomic, so a reader
(or a crash) sees either the old file or the new one, never a mixture.

The temporary file is created private (mode 0600, as ``tempfile.mkstemp``
does), and a rename keeps a file's mode, so before the rename the mode is set
to what an ordinary ``open(path, "w")`` would give: the existing file's own mode
when there is one, else 0666 minus the process's umask (0644 under the usual
umask 022). Several files that belong together (a demo's figures) are written as
one set: all written, then all renamed.

`check_writable` lets a command test an output path *before* it does
any work, and without creating anything, so a typo in ``--output`` costs nothing
and a refused run leaves no folder behind.

`read_bounded` reads the small files linfit takes (a port's results, a
checkpoint's manifest and pointer) with a size limit, so that a path such as
``/dev/zero`` is refused at once instead of filling the memory.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from linfit.errors import InputValueError

__all__ = [
    "check_writable",
    "default_mode",
    "mode_for",
    "read_bounded",
    "write_all_atomically",
    "write_atomically",
]


def default_mode() -> int:
    """The mode a newly created file gets: ``0o666`` minus the umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def read_bounded(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of the file at ``path``, which must hold at most ``limit`` of them.

    Args:
        path: The file to read.
        limit: The most bytes such a file can reasonably hold.
        what: What the file should be, for the error (``"a results file"``).

    Raises:
        OSError: If the file cannot be read, or holds more than ``limit``
            bytes (``errno.EFBIG``, with a ``strerror`` that says so); only
            ``limit + 1`` bytes are ever read.
    """
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(
            errno.EFBIG, f"more than {_size(limit)}, so not {what}", str(path)
        )
    return data


def _size(count: int) -> str:
    """``count`` bytes for a reader: ``"64 MiB"``, ``"4 KiB"``, ``"100 bytes"``."""
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def check_writable(path: str | os.PathLike[str], what: str) -> Path:
    """Make sure a file could be written at ``path``, without creating anything.

    The folders that do not exist yet are made only when the file is written (by
    [`write_atomically`][linfit.files.atomic.write_atomically]), so a run refused
    later (a bad argument, a failed computation) leaves nothing behind.

    Args:
        path: The output file.
        what: What the file is, for the error message (``"--output"``).

    Raises:
        InputValueError: If ``path`` is a folder, a part of its folder is a file,
            or the nearest existing folder cannot be written to.
    """
    path = Path(path)
    if path.is_dir():
        raise InputValueError(f"{what} {path} is a folder; name a file inside it")
    folder = path.parent
    while not folder.exists():
        if folder == folder.parent:
            break
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise InputValueError(f"{what} {path} cannot be written: {folder} is a file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputValueError(
            f"{what} {path} cannot be written: {folder} is not writable"
        )
    return path


def mode_for(path: Path) -> int:
    """The mode ``open(path, "w")`` leaves a file with: an existing file's own, else the default."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return default_mode()


def _write_temporary(path: Path, data: bytes) -> str:
    """``data`` in a new temporary file beside ``path``, flushed to disk, with ``path``'s mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode_for(path))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all, with the mode ``open(path, "w")`` gives.

    A file that exists keeps its mode (a private 0600 file stays private); a new one
    gets 0666 minus the umask. Missing folders are created.

    Raises:
        OSError: If the data cannot be written (the target is then untouched and
            no temporary file is left behind).
    """
    return write_all_atomically({Path(path): data})[0]


def write_all_atomically(files: dict[Path, bytes]) -> list[Path]:
    """Write several files as one set: all of them are written, then all renamed.

    If any write fails (a full disk), none of the targets is touched and every
    temporary file is removed: a reader never sees new files beside old ones.

    Returns:
        The paths written, in the order given.

    Raises:
        OSError: If a file cannot be written.
    """
    written: list[tuple[str, Path]] = []
    try:
        for target, data in files.items():
            path = Path(target)
            written.append((_write_temporary(path, data), path))
    except BaseException:
        for temporary, _ in written:
            Path(temporary).unlink(missing_ok=True)
        raise
    renamed = 0
    try:
        for temporary, path in written:
            os.replace(temporary, path)  # a rename: cannot fill a disk
            renamed += 1
    finally:
        for temporary, _ in written[renamed:]:
            Path(temporary).unlink(missing_ok=True)
    return [path for _, path in written]
