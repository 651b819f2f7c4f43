"""pytest, for the doctests of tracer's modules (``testpaths`` includes ``tracer``).

A module that ``make compiled`` compiled is imported as its extension module, which
carries no doctests (and pytest refuses its ``__file__``): its doctests run from its
source in ``tests/test_compiled.py`` instead, with TRACER_PURE_PYTHON=1.

A source edited since ``make compiled`` (pytest run directly, not through make) is
rebuilt first (:func:`pytest_configure`): otherwise every process of the session would
run the compiled modules from their sources and say so on stderr, which the tests that
read a command's exact stderr would take for a failure.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent / "tracer"


def stale_compiled_modules(package: Path = PACKAGE) -> list[str]:
    """The compiled modules of ``package`` whose source changed after they were built.

    ``tracer/__init__.py`` makes the same check; it is not imported for it here, since
    importing ``tracer`` before the rebuild would load every module from source for the
    whole session.
    """
    stale = []
    for built in package.glob("*" + EXTENSION_SUFFIXES[0]):
        source = package / (built.name[: -len(EXTENSION_SUFFIXES[0])] + ".py")
        if not source.exists():
            source = source.with_suffix(".c")  # a C helper (scripts/build_compiled.py)
        if source.exists() and source.stat().st_mtime_ns > built.stat().st_mtime_ns:
            stale.append(source.name)
    return stale


def pytest_configure(config: pytest.Config) -> None:
    """Rebuild the compiled modules first when a source changed since ``make compiled``
    (a failed build leaves the pure-Python build, which the tests then run)."""
    if os.environ.get("TRACER_PURE_PYTHON", "") not in ("", "0") or not stale_compiled_modules():
        return
    script = PACKAGE.parent / "scripts" / "build_compiled.py"
    subprocess.run([sys.executable, str(script)], check=False)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.parent != PACKAGE or collection_path.suffix != ".py":
        return None
    if not collection_path.with_name(collection_path.stem + EXTENSION_SUFFIXES[0]).exists():
        return None
    module = importlib.import_module(f"tracer.{collection_path.stem}")
    return True if not str(module.__file__).endswith(".py") else None
