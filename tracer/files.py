"""Files tracer writes for people and other programs (the report, the watch feed): whole or
not at all."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file beside ``path`` and rename it over ``path``, so a
    reader (a feed reader polling the file, a browser reloading it) never sees half of
    it; on any failure (a folder named as ``path``, a full disk) nothing is left behind.
    The file gets the permissions a file written in place would have: those of the file
    it replaces, else 0666 less the umask. A symbolic link is written through (its target
    replaced), as a file opened for writing would be."""
    path = Path(os.path.realpath(path))
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None  # a new file: os.open's 0o666, less the umask
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
