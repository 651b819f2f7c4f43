"""Every output is the same whatever PYTHONHASHSEED: no order comes from set iteration.

Python randomizes the hash of ``str`` per process, so iterating a ``set`` (or a
dict built from one) gives a different order in each run. The same database
written and read by processes with different seeds must print byte-identical
output: ids (domains, nodes) are given in a stable order, and every listing
is sorted by its data, never by an id or a set's order.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import graph_fixture as g
from conftest import ROOT, SAMPLES
from feedserver import FeedServer, serve_directory

SEEDS = ("1", "2")  # two processes whose string hashes differ
TESTS = Path(__file__).resolve().parent
FIXED = "2026-11-20T08:00:00Z"


READS: list[tuple[str, ...]] = [
    ("origins",), ("origins", "--json"), ("origins", "--by", "outlet", "--json"),
    ("origins", "--by", "outlet"), ("origins", "--declared-only"),
    ("sites",), ("sites", "--json"), ("sites", "--by", "outlet", "--json"),
    ("sites", "--by", "outlet"),
    ("stats",), ("stats", "--json"),
    ("feeds", "list", "--json"), ("feeds", "list"), ("feeds", "export", "--format", "opml"),
    ("outlets", "list", "--json"), ("outlets", "list"), ("outlets", "export"),
    ("outlets", "export", "--format", "csv"),
    ("watch", "list", "--json"), ("watch", "feed"),
    ("datasette-metadata",),
] + [
    ("export", "--format", fmt, "--level", level)
    for fmt in ("jsonl", "csv", "gexf", "dot")
    for level in ("post", "domain", "outlet")
]  # fmt: skip
WATCHES: list[tuple[str, ...]] = [
    ("outlets", "add", "RT", "rt.com", "*.rt.com", "--source", "test"),
    ("outlets", "add", "Sputnik", "sputniknews.com"),
    ("watch", "add", "--outlet", "RT"),
    ("watch", "add", "--domain", "sputniknews.com"),
    ("watch", "add", "--site", "truth-digest.example"),
]

# One process per seed runs a list of commands in-process (CliRunner) and prints
# what each one wrote, as JSON: a process per command would take minutes.
RUNNER = """
import json, sys
from typer.testing import CliRunner
from tracer.cli import app
db, commands = sys.argv[1], json.loads(sys.argv[2])
seen = {}
for args in commands:
    result = CliRunner().invoke(app, ["--db", db, *args])
    if result.exit_code != 0:
        sys.exit(f"tracer {args} exited {result.exit_code}: {result.stderr} {result.exception!r}")
    seen[" ".join(args)] = result.stdout + "\\n--- stderr ---\\n" + result.stderr
print(json.dumps(seen))
"""


def tracer(db: Path, seed: str, commands: list[tuple[str, ...]]) -> dict[str, str]:
    """Run ``commands`` on ``db`` in one process with this hash seed; what each printed."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(db), json.dumps(commands)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def build_fixture(db: Path, seed: str) -> None:
    """The query tests' graph, written by a process with this seed."""
    code = (
        f"import sys; sys.path.insert(0, {str(TESTS)!r}); import graph_fixture as g;"
        " g.build(sys.argv[1])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(db)], check=True, timeout=120,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )  # fmt: skip


def pin_clock(db: Path) -> None:
    """Set every time tracer took from the clock to one value (runs a second apart differ)."""
    conn = sqlite3.connect(db)
    with conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for column in columns:
                if column in ("first_seen", "last_seen") or column.endswith("_at"):
                    conn.execute(
                        f"UPDATE {table} SET {column} = ? WHERE {column} IS NOT NULL", [FIXED]
                    )
    conn.close()


def outputs(db: Path, seed: str, urls: list[str]) -> dict[str, str]:
    """What every read command prints (and the report), run by a process with this seed."""
    report = db.parent / "report.html"
    commands = [*READS, ("report", "--out", str(report))]
    for url in urls:
        commands += [
            ("chain", url), ("chain", url, "--json"),
            ("reposts", url), ("reposts", url, "--json"), ("copies", url, "--json"),
        ]  # fmt: skip
    seen = tracer(db, seed, commands)
    del seen[f"report --out {report}"]  # its path, which differs
    seen["report.html"] = report.read_text()
    seen = {name: unclocked(text) for name, text in seen.items()}
    conn = sqlite3.connect(db)  # the ids too: the database is the same, row for row
    seen["database"] = "\n".join(conn.iterdump())
    conn.close()
    return seen


def unclocked(text: str) -> str:
    """``text`` with the times outputs take from the clock (OPML's, the report's) masked."""
    text = re.sub(r"<dateCreated>[^<]*</dateCreated>", "<dateCreated>…</dateCreated>", text)
    return re.sub(r"generated \d{4}-\d\d-\d\dT[\d:]+Z", "generated …", text)


def database(tmp: Path, seed: str) -> Path:
    """``tracer.db`` in a folder per seed: the file's name shows in some outputs."""
    folder = tmp / f"seed-{seed}"
    folder.mkdir()
    return folder / "tracer.db"


def assert_same(seen: dict[str, dict[str, str]]) -> None:
    (seed, first), *others = seen.items()
    for other_seed, other in others:
        differ = [name for name in first if first[name] != other[name]]
        diffs = [
            "".join(
                difflib.unified_diff(
                    first[name].splitlines(keepends=True),
                    other[name].splitlines(keepends=True),
                    f"{name} (PYTHONHASHSEED={seed})",
                    f"{name} (PYTHONHASHSEED={other_seed})",
                    n=1,
                )
            )
            for name in differ
        ]
        assert not differ, f"{len(differ)} outputs differ: {differ}\n" + "\n".join(diffs)


def test_the_query_graph_prints_the_same_under_every_hash_seed(tmp_path: Path) -> None:
    seen = {}
    for seed in SEEDS:
        db = database(tmp_path, seed)
        build_fixture(db, seed)
        tracer(db, seed, WATCHES)
        pin_clock(db)
        seen[seed] = outputs(db, seed, [g.RT1, g.SP, g.MIRROR1, g.LOOPC])
    assert_same(seen)


def test_the_polled_samples_print_the_same_under_every_hash_seed(tmp_path: Path) -> None:
    seen = {}
    with FeedServer(serve_directory(SAMPLES)) as server:
        feeds = [server.url(path) for path in sorted(server.routes)]
        for seed in SEEDS:
            db = database(tmp_path, seed)
            # one feed at a time: the order feeds are written in is the same in every run
            tracer(
                db,
                seed,
                [("feeds", "add", *feeds), ("poll", "--all", "--concurrency", "1"), *WATCHES],
            )
            pin_clock(db)
            seen[seed] = outputs(
                db,
                seed,
                [
                    "https://truth-digest.example/world/isis-total-elimination-bluff/",
                    "https://www.rt.com/news/454555-sdf-declare-victory-syria/",
                ],
            )
    assert_same(seen)
