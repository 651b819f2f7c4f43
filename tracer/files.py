"""Files tracer writes for people and other programs (the report, the watch feed): whole or
not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file beside ``path`` and rename it over ``path``, so a
    reader (a feed reader polling the file, a browser reloading it) never sees half of
    it; on any failure (a folder named as ``path``, a full disk) nothing is left behind.
    The file is readable by everyone (0644), as a file written in place would be."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
