"""The compiled build (``make compiled``: scripts/build_compiled.py compiles tracer's hot
modules with mypyc, in place): fresh, really used, the same results as pure Python, and
a pure-Python fallback that works.

A module of ``MODULES`` in scripts/build_compiled.py must stay compilable by mypyc
(its annotations are checked at run time there; no ``__getattr__`` tricks, no
``cls.__new__``): its owner runs ``make test``, which compiles it first. Without a
compiled build (TRACER_PURE_PYTHON=1, or no C compiler) the tests of the compiled
build skip, except in CI (CI=true), which must test the compiled build.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

PACKAGE = ROOT / "tracer"
REBUILD = "run `make compiled` (or set TRACER_PURE_PYTHON=1 for pure Python)"


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_compiled", ROOT / "scripts" / "build_compiled.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_script()


def _pure_env(pure: str = "1") -> dict[str, str]:
    return {**os.environ, "TRACER_PURE_PYTHON": pure}


@pytest.fixture
def compiled_build() -> None:
    """Skip unless this tree has a compiled build in use (CI: fail)."""
    present = [name for name in build.MODULES if build.compiled(name).exists()]
    if os.environ.get("TRACER_PURE_PYTHON", "") not in ("", "0"):
        why = "TRACER_PURE_PYTHON is set: the tests run pure Python"
    elif not present:
        why = "no compiled build (make compiled: pure Python on this machine?)"
    else:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must test the compiled build: {why}")
    pytest.skip(why)


def test_compiled_modules_match_their_sources(compiled_build: None) -> None:
    assert build.RECORD.exists(), f"tracer/native.json is missing: {REBUILD}"
    record = json.loads(build.RECORD.read_text())
    assert sorted(record["sources"]) == sorted(build.MODULES), (
        f"the compiled set differs from scripts/build_compiled.py's MODULES: {REBUILD}"
    )
    assert record["python"] == sys.version, f"compiled for another Python: {REBUILD}"
    for name in build.MODULES:
        digest = hashlib.sha256(build.source(name).read_bytes()).hexdigest()
        assert digest == record["sources"][name], (
            f"tracer/{name}.py changed since it was compiled: {REBUILD}"
        )
        assert build.compiled(name).exists(), f"tracer/{name} was not compiled: {REBUILD}"
        assert build.compiled(name).stat().st_mtime_ns >= build.source(name).stat().st_mtime_ns, (
            f"tracer/{name}.py is newer than its compiled module: {REBUILD}"
        )
    assert sorted(record["c_helpers"]) == sorted(build.C_HELPERS), REBUILD
    for name in build.C_HELPERS:
        digest = hashlib.sha256(build.c_source(name).read_bytes()).hexdigest()
        assert digest == record["c_helpers"][name], f"tracer/{name}.c changed: {REBUILD}"
        assert build.compiled(name).exists(), f"tracer/{name}.c was not compiled: {REBUILD}"
    allowed = {build.compiled(name).name for name in build.MODULES + build.C_HELPERS}
    allowed.add(build.shared_library().name)
    strays = sorted(p.name for p in PACKAGE.glob("*.so") if p.name not in allowed)
    assert not strays, f"compiled modules that no source is compiled into: {strays}: {REBUILD}"


def test_the_tests_run_the_compiled_modules(compiled_build: None) -> None:
    for name in build.MODULES + build.C_HELPERS:
        module = importlib.import_module(f"tracer.{name}")
        assert str(module.__file__).endswith(build.SUFFIX), (
            f"tracer.{name} was imported from {module.__file__}, not its compiled module"
        )


def _files_imported(cwd: Path, env: dict[str, str]) -> tuple[list[str], str]:
    code = (
        "import importlib, sys\n"
        f"for name in {list(build.MODULES)!r}:\n"
        "    print(importlib.import_module('tracer.' + name).__file__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split(), done.stderr


def test_tracer_pure_python_runs_every_module_from_its_source() -> None:
    files, stderr = _files_imported(ROOT, _pure_env())
    assert files == [str(build.source(name)) for name in build.MODULES]
    assert stderr == ""


def _copy_package(into: Path) -> Path:
    copy = into / "tracer"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_a_compiled_module_older_than_its_source_never_runs(tmp_path: Path) -> None:
    """An edit after ``make compiled``: every module runs from its source, one line says why.

    In a copy of the package; without a compiled build, a file that is not a
    valid extension module stands in for one (importing it would fail)."""
    copy = _copy_package(tmp_path)
    past = time.time() - 3600
    for name in build.MODULES:
        built = copy / build.compiled(name).name
        if not built.exists():
            built.write_bytes(b"not an extension module")
        os.utime(built, (past, past))
        os.utime(copy / f"{name}.py", (past - 60, past - 60))
    os.utime(copy / "html_links.py")  # edited now
    files, stderr = _files_imported(tmp_path, _pure_env("0"))
    assert files == [str(copy / f"{name}.py") for name in build.MODULES]
    assert stderr.count("\n") == 1, stderr
    assert "tracer/html_links.py changed after `make compiled`" in stderr
    assert "make compiled" in stderr


def test_a_c_helper_older_than_its_source_never_runs(tmp_path: Path) -> None:
    """An edit of a C helper's source after ``make compiled``: every module runs from its
    source and the helper's user takes its pure-Python twin; one line says why."""
    copy = _copy_package(tmp_path)
    past = time.time() - 3600
    for name in build.MODULES + build.C_HELPERS:
        built = copy / build.compiled(name).name
        if not built.exists():
            built.write_bytes(b"not an extension module")
        os.utime(built, (past, past))
        os.utime(copy / f"{name}.py" if name in build.MODULES else copy / f"{name}.c",
                 (past - 60, past - 60))
    os.utime(copy / "_fold_bytes.c")  # edited now
    code = "import tracer.trigger_search as t; print(t.__file__, t._FOLD_NATIVE)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=_pure_env("0"),
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(copy / "trigger_search.py"), "None"]
    assert done.stderr.count("\n") == 1, done.stderr
    assert "tracer/_fold_bytes.c changed after `make compiled`" in done.stderr


def _build_copy(tmp_path: Path) -> Path:
    """A copy of the build script and the package, with a stand-in compiled build."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "build_compiled.py", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    copy = _copy_package(tmp_path)
    (copy / build.compiled("extract").name).write_bytes(b"stand-in")
    (copy / "native.json").write_text("{}")
    return copy


@pytest.mark.parametrize(
    ("env", "note"),
    [
        ({"CC": "/no/such/cc"}, "tracer: pure-Python build: no C compiler ('/no/such/cc'"),
        ({"TRACER_PURE_PYTHON": "1"}, "tracer: pure-Python build (TRACER_PURE_PYTHON is set)"),
    ],
)
def test_the_build_falls_back_to_pure_python(
    tmp_path: Path, env: dict[str, str], note: str
) -> None:
    copy = _build_copy(tmp_path)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "build_compiled.py")],
        env={**os.environ, "TRACER_PURE_PYTHON": "", **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(note) and done.stderr.count("\n") == 1, done.stderr
    assert not list(copy.glob("*.so")) and not (copy / "native.json").exists()
    files, _ = _files_imported(tmp_path, _pure_env("0"))
    assert files == [str(copy / f"{name}.py") for name in build.MODULES]


def test_the_doctests_of_compiled_modules_pass_from_source(compiled_build: None) -> None:
    """The root conftest.py leaves compiled modules out of the doctest run (an extension
    module carries none): here they run from the sources."""
    sources = [str(build.source(name).relative_to(ROOT)) for name in build.MODULES]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *sources],
        cwd=ROOT,
        env=_pure_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout, done.stdout


@pytest.mark.slow
def test_pure_python_and_the_compiled_build_give_identical_results(
    compiled_build: None,
) -> None:
    """benchmarks/compiled_differential.py: extraction (one item in 3 of its 270 k: about
    15 s of CPU), feed parsing and URL canonicalization of the same inputs, pure and
    compiled, line by line."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "compiled_differential.py"), "--step", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ", 0 different" in done.stdout, done.stdout


def test_the_session_rebuilds_what_changed_after_make_compiled(tmp_path: Path) -> None:
    """The root conftest rebuilds (runs scripts/build_compiled.py) before a session when a
    compiled module's source is newer than it: it finds exactly those modules."""
    root_conftest = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    assert root_conftest is not None and root_conftest.loader is not None
    module = importlib.util.module_from_spec(root_conftest)
    root_conftest.loader.exec_module(module)
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    for name in ("fresh", "edited"):
        (tmp_path / f"{name}.py").write_text("x = 1\n")
        (tmp_path / f"{name}{suffix}").write_bytes(b"")
    (tmp_path / "plain.py").write_text("x = 1\n")  # never compiled: not stale
    for name in ("helper", "kept"):  # C helpers: tracer/NAME.c
        (tmp_path / f"{name}.c").write_text("int x;\n")
        (tmp_path / f"{name}{suffix}").write_bytes(b"")
    past = time.time_ns() - 10**10
    for path in tmp_path.iterdir():
        os.utime(path, ns=(past, past))
    os.utime(tmp_path / "edited.py")  # edited now, after the build
    os.utime(tmp_path / "helper.c")
    assert sorted(module.stale_compiled_modules(tmp_path)) == ["edited.py", "helper.c"]
