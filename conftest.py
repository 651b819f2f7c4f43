"""pytest, for the doctests of tracer's modules (``testpaths`` includes ``tracer``).

A module that ``make compiled`` compiled is imported as its extension module, which
carries no doctests (and pytest refuses its ``__file__``): its doctests run from its
source in ``tests/test_compiled.py`` instead, with TRACER_PURE_PYTHON=1.
"""

from __future__ import annotations

import importlib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent / "tracer"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.parent != PACKAGE or collection_path.suffix != ".py":
        return None
    if not collection_path.with_name(collection_path.stem + EXTENSION_SUFFIXES[0]).exists():
        return None
    module = importlib.import_module(f"tracer.{collection_path.stem}")
    return True if not str(module.__file__).endswith(".py") else None
