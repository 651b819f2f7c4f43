"""Copies without credit, end to end over loopback (issue 13).

The generated world of ``benchmarks/copyworld.py`` (an outlet's full-text
feed; blogs republishing its articles without credit as whole copies,
excerpts and edited copies in templates heavy with boilerplate; copies of
copies; a credited copy; rival outlets' own articles on the same stories and
blogs' own posts) is served on 127.0.0.1 and polled with ``tracer poll``.
The inferred edges are scored against the world's truth; the declared-only
answers are compared with a database polled with ``--no-match``.

Every test runs on both engines: the world polled into SQLite files, then
into fresh PostgreSQL schemas (issue 16).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Static
from test_reach_layers import check

from tracer.matching import order_key
from tracer.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
copyworld = pytest.importorskip("copyworld")

SEED = 11


class Polled:
    def __init__(self, engine: str, new_db: Callable[[str], str]) -> None:
        self.engine = engine
        self.new_db = new_db  # a fresh store: a SQLite file path or a PostgreSQL URL
        self.world = copyworld.build(SEED)
        self.matched = new_db("matched")
        self.plain = new_db("plain")
        self.late = new_db("late")  # the outlet polled last: copies re-pointed to it
        routes = {path: Static(body) for path, body in self.world.feeds.items()}
        with FeedServer(routes) as server:
            self.urls = {path: server.url(path) for path in self.world.feeds}
            for db, extra in ((self.matched, ()), (self.plain, ("--no-match",))):
                run(db, "feeds", "add", *self.urls.values())
                run(db, "poll", "--all", *extra)
            outlet = self.urls["/feeds/outlet.xml"]
            run(self.late, "feeds", "add", *self.urls.values())
            for url in self.urls.values():
                if url != outlet:
                    run(self.late, "poll", "--feed", url)
            run(self.late, "poll", "--feed", outlet)

    def inferred(self, db: str) -> list[tuple[str, str, float, str]]:
        return sql_rows(
            db,
            "SELECT repost_url, source_url, score, evidence FROM edges"
            " WHERE kind = 'inferred' ORDER BY 1, 2",
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def polled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Polled:
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("copies")
        return Polled("sqlite", lambda name: str(folder / f"{name}.db"))
    schemas = request.getfixturevalue("pg_schemas")
    return Polled("postgresql", lambda _name: schemas())


def test_copies_are_found_with_high_precision_and_recall(polled: Polled) -> None:
    edges = polled.inferred(polled.matched)
    result = copyworld.score(polled.world, [(r, s) for r, s, _sc, _e in edges])
    assert result["precision"] >= 0.97, result
    assert result["recall"] >= 0.90, result
    kinds = {polled.world.kinds[r] for r, _s, _sc, _e in edges if r in polled.world.kinds}
    assert kinds == {"whole", "excerpt", "edited", "copy-of-copy"}
    for _r, _s, score, evidence in edges:
        assert 0.65 <= score <= 1.0
        assert evidence and len(evidence) <= 200


def test_each_copy_points_to_the_earliest_post_it_shares_text_with(polled: Polled) -> None:
    when = {
        url: order_key(published, first_seen, url)
        for url, published, first_seen in sql_rows(
            polled.matched, "SELECT url, published, first_seen FROM posts"
        )
    }
    edges = polled.inferred(polled.matched)
    assert all(when[r] > when[s] for r, s, _sc, _e in edges)
    assert len({r for r, _s, _sc, _e in edges}) == len(edges)  # one inferred edge per copy
    exact = sum(1 for r, s, _sc, _e in edges if polled.world.original_of.get(r) == s)
    copies_found = sum(1 for r, _s, _sc, _e in edges if r in polled.world.original_of)
    assert exact >= 0.95 * copies_found  # copies of copies too point to the original


def test_copies_polled_before_their_original_are_re_pointed_to_it(polled: Polled) -> None:
    edges = polled.inferred(polled.late)
    result = copyworld.score(polled.world, [(r, s) for r, s, _sc, _e in edges])
    assert result["precision"] >= 0.97 and result["recall"] >= 0.90, result
    exact = sum(1 for r, s, _sc, _e in edges if polled.world.original_of.get(r) == s)
    assert exact >= 0.9 * result["found"]
    check(Store.open(polled.late))  # both reach layers exact after the removals


def test_boilerplate_is_learned_per_site_and_never_matches(polled: Polled) -> None:
    per_site = dict(
        sql_rows(
            polled.matched,
            "SELECT d.name, count(*) FROM boilerplate AS b JOIN domains AS d"
            " ON d.id = b.domain_id GROUP BY d.name",
        )
    )
    blogs = {url.split("/")[2] for url in polled.world.posts if "blog" in url}
    assert blogs <= set(per_site)
    for repost, source, _sc, _e in polled.inferred(polled.matched):
        assert repost.split("/")[2] != source.split("/")[2]  # never within a site
    own = [u for u in polled.world.not_copies if "/own/" in u]
    touched = {u for r, s, _sc, _e in polled.inferred(polled.matched) for u in (r, s)}
    assert len(set(own) & touched) <= 1  # blogs' own posts (same template) are no copies


def test_a_credited_copy_keeps_only_its_declared_edge(polled: Polled) -> None:
    [(credited, original)] = polled.world.declared
    for db in (polled.matched, polled.late):
        kinds = sql_rows(
            db,
            "SELECT kind FROM edges WHERE (repost_url = :a AND source_url = :b)"
            " OR (repost_url = :b AND source_url = :a)",
            {"a": credited, "b": original},
        )
        assert kinds == [("declared",)]
    rows = run_json(polled.matched, "copies", original, "--json")["copies"]
    by_url = {row["url"]: row for row in rows}
    assert by_url[credited]["declared_edge"] == "to"
    assert by_url[credited]["relation"] == "later"
    copies = [u for u, o in polled.world.original_of.items() if o == original]
    assert {u for u in copies if by_url.get(u, {}).get("inferred_edge") == "to"}
    for row in rows:
        assert set(row) == {
            "url",
            "domain",
            "score",
            "relation",
            "published",
            "first_seen",
            "declared_edge",
            "inferred_edge",
        }


def _without_times(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: _without_times(v)
            for k, v in data.items()
            if k not in {"first_seen", "last_seen", "lag_seconds"}
        }
    if isinstance(data, list):
        return [_without_times(v) for v in data]
    return data


def test_declared_only_answers_equal_a_poll_without_matching(polled: Polled) -> None:
    matched, plain = polled.matched, polled.plain
    assert polled.inferred(plain) == []
    urls = sorted(polled.world.posts)[::3] + [r for r, _s in polled.world.declared]
    for command in ("chain", "reposts"):
        for url in urls:
            got = run_json(matched, command, url, "--json", "--declared-only")
            assert _without_times(got) == _without_times(run_json(plain, command, url, "--json"))
    for command in ("origins", "sites"):
        got = run_json(matched, command, "--json", "--declared-only")
        assert got == run_json(plain, command, "--json")
        assert got != run_json(matched, command, "--json")  # inferred edges do count by default
    stats = run_json(matched, "stats", "--json", "--declared-only")
    assert _without_times(stats) == _without_times(run_json(plain, "stats", "--json"))
    both = run_json(matched, "stats", "--json")
    assert both["edges_by_kind"]["inferred"] == len(polled.inferred(matched))
    assert both["edges"] == stats["edges"] + both["edges_by_kind"]["inferred"]
    for fmt in ("csv", "dot"):
        got = run(matched, "export", "--format", fmt, "--declared-only").stdout
        want = run(plain, "export", "--format", fmt).stdout
        assert _drop_times(got) == _drop_times(want)
    chains = run_json(matched, "chain", next(iter(polled.world.original_of)), "--json")["chains"]
    hops = [hop for chain in chains for hop in chain[1:]]
    assert any(hop["kind"] == "inferred" and 0.65 <= hop["score"] <= 1 for hop in hops)
    check(Store.open(matched))


def _drop_times(text: str) -> list[str]:
    import re

    return sorted(re.sub(r"\d{4}-\d\d-\d\dT[\d:]+Z", "T", line) for line in text.splitlines())


def test_rematch_resumes_after_kill_9_and_ends_as_an_uninterrupted_run(polled: Polled) -> None:
    straight = _backup(polled, "straight")
    run(straight, "rematch", "--min-score", "0.7")
    # The kill lands while the match phase runs; on a saturated machine the
    # rematch may finish before the signal does, so that try is started again.
    for attempt in range(5):
        killed = _backup(polled, f"killed{attempt}")
        if _rematch_killed_mid_match(killed):
            break
    else:
        pytest.fail("rematch always finished before the kill landed")
    assert sql_rows(killed, "SELECT phase FROM match_state") == [("match",)]
    resumed = run(killed, "rematch")
    assert "(resumed)" in resumed.stderr
    assert polled.inferred(killed) == polled.inferred(straight)
    assert sql_rows(killed, "SELECT min_score, phase FROM match_state") == [(0.7, None)]
    assert all(score >= 0.7 for _r, _s, score, _e in polled.inferred(killed))
    check(Store.open(killed))


def _backup(polled: Polled, name: str) -> str:
    """A copy of the matched store: SQLite's backup API (a file copy would miss what is
    in the WAL), ``tracer copy-db`` into a fresh schema on PostgreSQL."""
    target = polled.new_db(name)
    if polled.engine == "postgresql":
        run(polled.matched, "copy-db", polled.matched, target)
        return target
    Path(target).unlink(missing_ok=True)
    src, dst = sqlite3.connect(polled.matched), sqlite3.connect(target)
    with closing(src), closing(dst):
        src.backup(dst)
    return target


def _rematch_killed_mid_match(db: str) -> bool:
    """Run ``tracer rematch`` on ``db`` and kill -9 it in its match phase; True if it died.

    Its stderr is a terminal (a pty): there it reports every batch (elsewhere only the
    end of each phase)."""
    import pty

    command = ["--db", str(db), "rematch", "--min-score", "0.7", "--batch", "3"]
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracer", *command],
        stderr=follower,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    os.close(follower)
    with os.fdopen(leader, "r", errors="replace") as lines:
        try:
            for line in lines:
                phase, _, counts = line.strip().partition(": ")
                done, _, total = counts.partition("/")
                if phase == "match" and 0 < int(done) < int(total) // 2:
                    os.kill(process.pid, signal.SIGKILL)
                    break
        except OSError:  # EIO: the process ended and its terminal was read to the end
            pass
    process.wait()
    return process.returncode == -signal.SIGKILL
