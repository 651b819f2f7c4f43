"""The C word hashing of fingerprints (``tracer/_shingles.c``, built by ``make compiled``
beside mypyc's modules): used when built, never when stale, and without it (no C
compiler, TRACER_PURE_PYTHON=1, other constants) the Python code gives the same
fingerprints. tests/test_fingerprint_native.py compares both paths text by text.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import types
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from conftest import ROOT, require_native

import tracer
from tracer import fingerprint

PACKAGE = ROOT / "tracer"
BUILT = [p for p in PACKAGE.glob("_shingles.*") if p.suffix in (".so", ".pyd")]

# every item of a few benchmark feeds and a copy world, fingerprinted; prints whether the
# C module was used, then a digest of the fingerprints
_DIGEST = """
import hashlib, sys
sys.path.insert(0, {benchmarks!r})
import copyworld, feedgen
import tracer
from tracer import fingerprint
from tracer.feeds import parse_feed
bodies = [(f.body, f.content_type) for f in feedgen.make_feeds(6)]
bodies += [(b, "text/xml") for b in copyworld.build(7).feeds.values()]
digest = hashlib.sha256()
for body, content_type in bodies:
    for item in parse_feed(body, "https://example.org/feed", content_type, None).items:
        fp = fingerprint.fingerprint_item(item.title, item.bodies)
        digest.update(repr((fp.words, fp.level, fp.blob, fp.stored_phrases,
                            fp.other_phrases)).encode())
print(fingerprint._shingle_keys is not None, digest.hexdigest())
"""


def _digest(cwd: Path, env: dict[str, str]) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _DIGEST.format(benchmarks=str(ROOT / "benchmarks"))],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr


@pytest.fixture
def built() -> None:
    """Skip unless tracer._shingles is built and in use (CI: fail)."""
    in_use = bool(BUILT) and fingerprint._shingle_keys is not None
    require_native(in_use, "the C fingerprint path (tracer._shingles)")


def test_the_built_module_is_used_and_pure_python_gives_the_same_fingerprints(
    built: None,
) -> None:
    native, stderr = _digest(ROOT, {**os.environ, "TRACER_PURE_PYTHON": "0"})
    pure, _ = _digest(ROOT, {**os.environ, "TRACER_PURE_PYTHON": "1"})
    assert native.startswith("True ") and pure.startswith("False ")
    assert native.split()[1] == pure.split()[1]
    assert stderr == ""


def test_a_stale_c_module_never_runs(tmp_path: Path) -> None:
    """``tracer/_shingles.c`` edited after the build: the module is not loaded (a file that
    is not an extension module stands in for it: loading it would fail), the Python
    code gives the same fingerprints, and one line says why."""
    copy = tmp_path / "tracer"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_shingles.*"))
    shutil.copy(PACKAGE / "_shingles.c", copy)
    module = copy / f"_shingles{EXTENSION_SUFFIXES[0]}"
    module.write_bytes(b"not an extension module")
    past = time.time() - 3600
    for path in copy.iterdir():
        os.utime(path, (past, past))
    os.utime(copy / "_shingles.c")  # edited now
    stale, stderr = _digest(tmp_path, {**os.environ, "TRACER_PURE_PYTHON": "0"})
    pure, _ = _digest(ROOT, {**os.environ, "TRACER_PURE_PYTHON": "1"})
    assert stale == pure and stale.startswith("False ")
    assert stderr.count("\n") == 1, stderr
    assert "tracer/_shingles.c changed after `make compiled`" in stderr


def test_a_module_built_with_other_constants_is_not_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its constants (PARAMS) are not fingerprint.py's: not used, and one line on stderr
    says why; with the same ones all of its functions are."""
    other = types.ModuleType("tracer._shingles")
    other.PARAMS = (5, 50, 32, 7, 12, 16, 16, 4)  # type: ignore[attr-defined]
    other.shingle_keys_text = lambda *args: (0, 0, b"", "", "")  # type: ignore[attr-defined]
    other.strip_tags = lambda text: None  # type: ignore[attr-defined]
    other.item_keys = lambda *args: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tracer._shingles", other)
    monkeypatch.setattr(tracer, "_shingles", other, raising=False)
    assert fingerprint._native() == (None, None, None)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tracer/_shingles.c has other constants" in err, err
    other.PARAMS = (  # type: ignore[attr-defined]
        fingerprint.SHINGLE, fingerprint.MIN_WORDS, fingerprint.MAX_KEYS, fingerprint.BASE_MASK,
        fingerprint.MAX_LEVEL, fingerprint.SELECTOR_BITS, fingerprint.EVIDENCE_PHRASES,
        fingerprint.CHUNK,
    )  # fmt: skip
    assert fingerprint._native() == (
        other.shingle_keys_text,  # type: ignore[attr-defined]
        other.strip_tags,  # type: ignore[attr-defined]
        other.item_keys,  # type: ignore[attr-defined]
    )
    assert capsys.readouterr().err == ""


def test_the_build_records_the_c_source() -> None:
    """scripts/build_compiled.py rebuilds when tracer/_shingles.c changes (its digest is
    part of the record that decides whether to build)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_compiled", ROOT / "scripts" / "build_compiled.py"
    )
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert "_shingles" in build.C_HELPERS
    assert build.c_source("_shingles") == PACKAGE / "_shingles.c"
    pytest.importorskip("mypy")
    record = build.wanted_record()
    digest = hashlib.sha256((PACKAGE / "_shingles.c").read_bytes()).hexdigest()
    assert record["c_helpers"]["_shingles"] == digest
