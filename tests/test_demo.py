"""`make demo` is the first thing a new user runs: it must finish and say where the report is."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_demo_polls_the_samples_and_writes_a_report() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=600,  # about 20 s alone; a saturated machine stretches it
    )
    assert done.returncode == 0, done.stderr
    assert "chain ends at: rt.com" in done.stdout
    assert '"resolved": 0, "gone": 0' in done.stdout  # origins --json, before any resolve
    assert "edges_by_kind:\n  declared: 27\n" in done.stdout  # stats: every sample edge
    found = re.search(r"^report: (\S+)", done.stdout, re.MULTILINE)
    assert found is not None, done.stdout
    report = Path(found.group(1))
    try:
        html = report.read_text(encoding="utf-8")
        assert "<h2>Origin ranking</h2>" in html and "rt.com" in html
    finally:
        shutil.rmtree(report.parent)
    # every command is printed as it can be pasted into a shell (the URL holds '&')
    assert "$ tracer reposts 'https://www.rt.com/" in done.stdout
