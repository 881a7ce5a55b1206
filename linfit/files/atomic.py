"""Writing files so that nothing the user has is ever half-overwritten.

Every file linfit writes goes through `write_atomically`: the content goes
to a temporary file in the target's folder, which is flushed to disk and then
renamed over the target. A rename within one file system is atomic, so a reader
(or a crash) sees either the old file or the new one, never a mixture.

The temporary file is created private (mode 0600, as ``tempfile.mkstemp``
does), and a rename keeps a file's mode, so before the rename the mode is set
to what an ordinary ``open(path, "w")`` would give: 0666 minus the process's
umask (0644 under the usual umask 022).

`check_writable` lets a command test an output path *before* it does
any work, so a typo in ``--output`` costs nothing.

`read_bounded` reads the small files linfit takes (a port's results, a
checkpoint's manifest and pointer) with a size limit, so that a path such as
``/dev/zero`` is refused at once instead of filling the memory.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from linfit.errors import InputValueError

__all__ = ["check_writable", "default_mode", "read_bounded", "write_atomically"]


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
    """Make sure a file can be written at ``path``, creating its folder if needed.

    Args:
        path: The output file.
        what: What the file is, for the error message (``"--output"``).

    Raises:
        InputValueError: If ``path`` is a folder, or its folder cannot be
            created or written to.
    """
    path = Path(path)
    if path.is_dir():
        raise InputValueError(f"{what} {path} is a folder; name a file inside it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".probe"
        )
    except OSError as error:
        raise InputValueError(
            f"{what} {path} cannot be written: {error.strerror or error}"
        ) from None
    os.close(handle)
    os.unlink(probe)
    return path


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all, with the usual permissions.

    Raises:
        OSError: If the data cannot be written (the target is then untouched and
            no temporary file is left behind).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, default_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
