"""Compile tracer's hot pure-Python modules with mypyc, in place (``make compiled``).

``python scripts/build_compiled.py`` compiles :data:`MODULES` with mypyc (it comes
with mypy, a dev dependency) into extension modules beside their sources
(``tracer/extract.cpython-311-….so`` next to ``tracer/extract.py``, plus one shared
``tracer/native__mypyc….so``; all git-ignored). Python imports an extension module
before a source file of the same name, so an editable install and the tests run the
compiled build; the sources stay the only code, and without the ``.so`` files tracer
is the same program in pure Python (the way black and mypy ship).

It is quick when nothing changed: the SHA-256 of each compiled module's source, the
Python and the mypy version are recorded in ``tracer/native.json``, and the
build runs only when one of them differs. ``tracer/__init__.py`` refuses to run a
compiled module whose source is newer (it runs every module uncompiled then, and says
so), and ``tests/test_compiled.py`` checks the record against the sources.

The pure-Python fallback: with ``TRACER_PURE_PYTHON=1`` (``make test
TRACER_PURE_PYTHON=1``), or when there is no C compiler, no Python headers or no mypyc,
the compiled files are removed and one line on stderr says why; tracer then runs from
its sources. A module mypyc cannot compile is a bug of this build: the script
prints mypyc's or the compiler's error, removes the compiled files, and exits 1.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tracer"
RECORD = PACKAGE / "native.json"
# mypyc's shared library of the whole group: tracer/native__mypyc.<suffix>
GROUP = "tracer.native"
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]

# What pays to compile (measured with callgrind, see the commit that chose them):
# the extraction (1.24x fewer instructions per entry), the plain feed reader and its
# item builder (1.12x per feed) and URL canonicalization (2x). Not compiled: the data
# modules credits.py, trackers.py (their tables are read the same either way, and
# trackers alone would be 230 kB of C) and vocabulary.py (import-time set-up;
# vocabulary.Phrase works attributes out lazily through __getattr__, which a compiled
# class cannot do), fingerprint.py (1.07x) and everything doing I/O. matching.py is
# (match-cost): the writer's matching is now mostly Python over sets and dicts, not SQL
# (callgrind, benchmarks/replay_writes.py over 200 feeds of a cold poll, less the same
# replay without fingerprints: 1,842 M -> 1,645 M instructions, 1.12x).
MODULES = (
    "extract",
    "trigger_search",
    "html_links",
    "credit_rules",
    "closing_link",
    "plain_feeds",
    "items",
    "urls",
    "matching",
)
# Hand-written C helpers, compiled with the mypyc modules (tracer/NAME.c ->
# tracer/NAME.<suffix>): each does one hot step of a compiled module that Python can
# only do in several passes, and that module keeps a pure-Python twin with the same
# results, used without the build (tests/test_compiled_fold.py compares them).
# _fold_bytes: the trigger search's folding of a post's bytes (tags blanked,
# symbols as spaces, lower case) in one loop; it was a fifth of an entry's instructions.
# _shingles: fingerprint.py's tag stripping, folding and word hashing (its keys,
# 426 k -> 79 k instructions a post; tests/test_fingerprint_native.py compares them).
# _pairs: matching.py's pending index rows (RowTable: a C hash table of 64-bit key ->
# row pairs, given in key order at the end of a poll), a post's index keys, a batch's
# boilerplate counts and a candidate's shared keys counted from its blob
# (tests/test_pairs_native.py compares them with the Python ways).
C_HELPERS = ("_fold_bytes", "_shingles", "_pairs")


def source(name: str) -> Path:
    return PACKAGE / f"{name}.py"


def c_source(name: str) -> Path:
    return PACKAGE / f"{name}.c"


def compiled(name: str) -> Path:
    return PACKAGE / f"{name}{SUFFIX}"


def shared_library() -> Path:
    return PACKAGE / f"native__mypyc{SUFFIX}"


def wanted_record() -> dict[str, object]:
    """What the compiled files in place must have been built from."""
    import mypy.version

    return {
        "python": sys.version,
        "mypy": mypy.version.__version__,
        "sources": {
            name: hashlib.sha256(source(name).read_bytes()).hexdigest() for name in MODULES
        },
        "c_helpers": {
            name: hashlib.sha256(c_source(name).read_bytes()).hexdigest() for name in C_HELPERS
        },
    }


def remove_compiled() -> list[Path]:
    """Delete every compiled file in the package (a module taken off :data:`MODULES`
    included) and the record; return them."""
    gone = []
    for path in [*PACKAGE.glob("*.so"), *PACKAGE.glob("*.pyd"), RECORD]:
        if path.exists():
            path.unlink()
            gone.append(path)
    return gone


def missing_toolchain() -> str | None:
    """Why this machine cannot compile, or None when it can."""
    if sys.implementation.name != "cpython":
        return f"mypyc needs CPython, this is {sys.implementation.name}"
    try:
        import mypyc.build  # noqa: F401
    except ImportError as error:
        return f"mypyc is not installed ({error}; pip install -e '.[dev]')"
    try:
        import setuptools  # noqa: F401
    except ImportError:
        return "setuptools is not installed (pip install -e '.[dev]')"
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.exists():
        return f"no Python headers ({headers} is missing; e.g. apt-get install python3-dev)"
    # setuptools runs $CC when it is set, else the compiler Python was built with
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler!r} not found; e.g. apt-get install gcc)"
    return None


def up_to_date(record: dict[str, object]) -> bool:
    try:
        recorded = json.loads(RECORD.read_text())
    except (OSError, ValueError):
        return False
    paths = [*(compiled(name) for name in MODULES + C_HELPERS), shared_library()]
    return recorded == record and all(path.exists() for path in paths)


def build(record: dict[str, object]) -> None:
    """mypyc over :data:`MODULES` in a temporary folder; the results moved in place."""
    with tempfile.TemporaryDirectory(prefix="tracer-mypyc-") as folder:
        # A child process: mypyc's setuptools run changes the working directory and
        # prints a line per compiler call; only a failure's output is shown.
        done = subprocess.run(
            [sys.executable, __file__, "--mypyc", folder],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(
                "tracer: mypyc could not compile tracer (above); the pure-Python build is"
                " in place (TRACER_PURE_PYTHON=1 makes that the choice)"
            )
        out = Path(folder) / "out" / "tracer"
        for target in [*(compiled(name) for name in MODULES + C_HELPERS), shared_library()]:
            os.replace(out / target.name, target)
    RECORD.write_text(json.dumps(record, indent=1) + "\n")


def run_mypyc(folder: str) -> None:
    """The compile itself (``--mypyc FOLDER``): C sources in FOLDER/c, results in FOLDER/out."""
    from mypyc.build import mypycify
    from setuptools import Distribution, Extension

    extensions = mypycify(
        ["--config-file", str(ROOT / "pyproject.toml"), *(f"tracer/{n}.py" for n in MODULES)],
        opt_level="3",
        multi_file=True,  # one C file per module: the compiler runs on both cores
        target_dir=str(Path(folder) / "c"),
        group_name=GROUP,
    )
    for extension in extensions:  # mypyc writes the group's headers under c/tracer/
        extension.include_dirs.append(str(Path(folder) / "c" / GROUP.rpartition(".")[0]))
    helpers = [
        Extension(f"tracer.{name}", [f"tracer/{name}.c"])
        for name in C_HELPERS
    ]
    dist = Distribution({"name": "tracer-native", "ext_modules": [*extensions, *helpers]})
    command = dist.get_command_obj("build_ext")
    command.build_lib = str(Path(folder) / "out")
    command.build_temp = str(Path(folder) / "tmp")
    command.parallel = os.cpu_count() or 1
    dist.run_command("build_ext")


def main() -> int:
    if sys.argv[1:2] == ["--mypyc"]:
        run_mypyc(sys.argv[2])
        return 0
    if os.environ.get("TRACER_PURE_PYTHON", "") not in ("", "0"):
        remove_compiled()
        print("tracer: pure-Python build (TRACER_PURE_PYTHON is set): nothing compiled",
              file=sys.stderr)
        return 0
    why = missing_toolchain()
    if why is not None:
        remove_compiled()
        print(f"tracer: pure-Python build: {why}", file=sys.stderr)
        return 0
    record = wanted_record()
    if up_to_date(record):
        # the sources are as compiled: a source merely touched (same bytes) must not
        # look newer than its compiled module to tracer/__init__.py
        now = time.time()
        for name in MODULES + C_HELPERS:
            os.utime(compiled(name), (now, now))
        return 0
    remove_compiled()
    started = time.perf_counter()
    build(record)
    print(
        f"tracer: compiled {len(MODULES)} modules with mypyc and {len(C_HELPERS)} C helpers in"
        f" {time.perf_counter() - started:.0f} s (TRACER_PURE_PYTHON=1 for pure Python)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
