"""A command leaves its SQLite store whole: the write-ahead log checkpointed and removed.

Until its last connection closes, what a SQLite store in WAL mode wrote since
the last checkpoint lives only in ``tracer.db-wal``: the database file alone,
copied elsewhere, lacks it. A poll used to end with its store never closed (a
reference outlived the command), so after a cold poll the file alone held no
post at all. The ``tracer`` command now closes every store it opened
(:func:`tracer.cli.app.close_stores`). Real commands in child processes, a
real feed over loopback.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from feedserver import FeedServer, Static

ROOT = Path(__file__).resolve().parent.parent


def rss(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Harbour story {i}</title><link>https://quay.example/{i}/</link>"
        f"<description>{'The ferry left the harbour late again this week. ' * 12}"
        f"Source Article from https://port-news.example/story-{i}/</description></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Quay</title><link>https://quay.example/</link>{entries}</channel></rss>"
    ).encode()


def tracer(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracer", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def counts(db: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(db)) as conn:
        posts = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
        edges = conn.execute("SELECT count(*) FROM edges").fetchone()[0]
    return posts, edges


def test_after_a_poll_the_database_file_alone_holds_everything(tmp_path: Path) -> None:
    db = tmp_path / "tracer.db"
    with FeedServer({"/quay.xml": Static(rss(6))}) as server:
        assert tracer(db, "feeds", "add", server.url("/quay.xml")).returncode == 0
        polled = tracer(db, "poll", "--all")
    assert polled.returncode == 0, polled.stderr
    assert "6 new posts, 6 new edges" in polled.stderr
    assert not (tmp_path / "tracer.db-wal").exists()
    alone = tmp_path / "copy" / "tracer.db"
    alone.parent.mkdir()
    shutil.copy(db, alone)  # the file only, as a user copies it
    assert counts(alone) == (6, 6)


def test_a_command_that_fails_closes_its_store_too(tmp_path: Path) -> None:
    db = tmp_path / "tracer.db"
    with FeedServer({"/quay.xml": Static(rss(3))}) as server:
        tracer(db, "feeds", "add", server.url("/quay.xml"))
        polled = tracer(
            db, "poll", "--feed", server.url("/quay.xml"), "--feed", "https://gone.example/rss"
        )
    assert polled.returncode == 1  # the feed it has is polled; the other is an error
    assert "not an active feed" in polled.stderr
    assert "3 new posts" in polled.stderr
    assert not (tmp_path / "tracer.db-wal").exists()
    alone = tmp_path / "copy" / "tracer.db"
    alone.parent.mkdir()
    shutil.copy(db, alone)
    assert counts(alone) == (3, 3)


def test_a_store_closed_twice_is_closed_once(tmp_path: Path) -> None:
    from tracer.store import Store

    store = Store.open(tmp_path / "t.db")
    store.close()
    store.close()  # (close_stores after a command that closed its own store)


def test_a_ctrl_c_while_the_store_closes_exits_130_with_no_traceback(tmp_path: Path) -> None:
    """A second Ctrl-C, pressed while the command closes its store (after a big poll,
    closing copies the write-ahead log into the file), ends the command with status 130
    and one line, not a traceback; the next command opens the store as usual."""
    db = tmp_path / "tracer.db"
    assert tracer(db, "feeds", "add", "https://quay.example/feed").returncode == 0
    interrupted = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tracer.store import Store\n"
            "opened = []  # alive at the end, as a poll's store is (its threads refer to it)\n"
            "def close(self, flush=True): raise KeyboardInterrupt\n"
            "Store.close, store_open = close, Store.open\n"
            "Store.open = lambda *a, **k: opened.append(store_open(*a, **k)) or opened[-1]\n"
            "from tracer.__main__ import main\n"
            f"sys.argv = ['tracer', '--db', {str(db)!r}, 'feeds', 'list']\n"
            "main()",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert interrupted.returncode == 130, interrupted.stderr
    assert "https://quay.example/feed" in interrupted.stdout  # the command itself ran
    assert "Traceback" not in interrupted.stderr
    assert interrupted.stderr.startswith("interrupted while closing")
    listed = tracer(db, "feeds", "list")
    assert listed.returncode == 0 and "https://quay.example/feed" in listed.stdout
