"""tracer: where does news content really come from?"""

from __future__ import annotations

import os as _os
import sys as _sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__version__ = "0.1.0"


class _SourcesFirst:
    """An import finder that loads the named tracer modules from their ``.py`` sources,
    ahead of their compiled forms (see :func:`_guard_compiled_build`); a C helper (a
    compiled module without a ``.py`` source, ``tracer/NAME.c``) is not found at all, so
    its user takes its pure-Python twin."""

    def __init__(self, folder: str, names: frozenset[str]) -> None:
        self.folder, self.names = folder, names

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __name__ or name not in self.names:
            return None
        if not _os.path.exists(_os.path.join(self.folder, name + ".py")):
            raise ModuleNotFoundError(f"{fullname}: a C helper, and tracer runs pure Python")
        from importlib.util import spec_from_file_location

        return spec_from_file_location(fullname, _os.path.join(self.folder, name + ".py"))


def _guard_compiled_build() -> None:
    """Run the modules that ``make compiled`` compiled (``scripts/build_compiled.py``)
    from their sources instead when TRACER_PURE_PYTHON is set, or when any of those
    sources is newer than its compiled module (edited since the build: a stale compiled
    module never runs; one line on stderr says so). A few file stats at start-up."""
    import _imp  # importlib.machinery.EXTENSION_SUFFIXES, without importing importlib

    folder = _os.path.dirname(__file__)
    suffix = _imp.extension_suffixes()[0]
    try:
        names = [n[: -len(suffix)] for n in _os.listdir(folder) if n.endswith(suffix)]
    except OSError:
        return
    names = [n for n in names if not n.endswith("__mypyc")]  # mypyc's shared library
    if not names:
        return
    if _os.environ.get("TRACER_PURE_PYTHON", "") in ("", "0"):
        stale = []
        for name in names:
            for extension in (".py", ".c"):  # a mypyc module's source, or a C helper's
                try:
                    source = _os.stat(_os.path.join(folder, name + extension)).st_mtime_ns
                    built = _os.stat(_os.path.join(folder, name + suffix)).st_mtime_ns
                except OSError:
                    continue
                if source > built:
                    stale.append(f"tracer/{name}{extension}")
                break
        if not stale:
            return
        print(
            f"tracer: {', '.join(sorted(stale))} changed after `make compiled`: running"
            " every compiled module from its source (`make compiled` rebuilds them)",
            file=_sys.stderr,
        )
    _sys.meta_path.insert(0, _SourcesFirst(folder, frozenset(names)))


_guard_compiled_build()
