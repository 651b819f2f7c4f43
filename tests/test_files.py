"""tracer.files.write_atomically: whole files, with the permissions a file written in
place would have."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tracer.files import write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    """A report kept private (0600) or for a group (0640) does not become world-readable
    (it came back 0644 whatever it was)."""
    for kept in (0o600, 0o640, 0o664):
        out = tmp_path / f"report-{kept:o}.html"
        out.write_bytes(b"old")
        out.chmod(kept)
        write_atomically(out, b"new")
        assert (out.read_bytes(), mode(out)) == (b"new", kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report-600.html",
        "report-640.html",
        "report-664.html",
    ]


def test_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    before = os.umask(0o077)
    try:
        write_atomically(tmp_path / "private.xml", b"x")
        os.umask(0o022)
        write_atomically(tmp_path / "public.xml", b"x")
    finally:
        os.umask(before)
    assert mode(tmp_path / "private.xml") == 0o600
    assert mode(tmp_path / "public.xml") == 0o644


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    """A published feed linked from a web folder stays a link (it was replaced by a
    file, and the link's target kept the old feed)."""
    target = tmp_path / "data" / "feed.xml"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "feed.xml"
    link.symlink_to(target)
    write_atomically(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["feed.xml"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(OSError):
        write_atomically(tmp_path / "taken", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]
