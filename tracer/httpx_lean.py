"""httpx, imported without the parts tracer never uses: ``from tracer.httpx_lean import httpx``.

Two adjustments, made once before httpx is first imported:

- ``httpx/__init__`` imports ``httpx._main`` (its own ``httpx`` command) at
  once, and that imports rich, click and pygments whenever they are
  installed (typer brings rich): about half of what importing httpx costs,
  for a command tracer never runs. A stand-in module with the same ``main``
  imports the real one if ``httpx.main()`` is ever called.
- httpcore runs ``import sniffio`` on every lock it takes (several per
  request) to learn it runs under asyncio. Without sniffio installed each
  of those is a failed import, a full search of ``sys.path``. Recording the
  absence once makes the failure immediate; httpcore then assumes asyncio,
  which is what we run.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["httpx"]


def _defer_httpx_cli() -> None:
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return  # too late (or done): httpx as it is
    stand_in = types.ModuleType("httpx._main")

    def main(*args: Any, **kwargs: Any) -> Any:
        """httpx's command line, imported now (``httpx.main``)."""
        if sys.modules.get("httpx._main") is stand_in:
            del sys.modules["httpx._main"]
        real = importlib.import_module("httpx._main")
        return real.main(*args, **kwargs)

    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in


def _record_missing_sniffio() -> None:
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


_defer_httpx_cli()
_record_missing_sniffio()

import httpx  # noqa: E402  (after the adjustments above)
