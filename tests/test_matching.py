"""Inferred edges through Store.apply: the rules of tracer.matching on small hand-made cases.

Each test that uses a store runs on both engines (the ``target`` fixture of
conftest.py: a SQLite file, then a fresh PostgreSQL schema)."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tracer.fingerprint import fingerprint_item, keys_from_blob
from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.store import Store

WORDS = [
    "ministry",
    "officials",
    "harbour",
    "grain",
    "quota",
    "border",
    "talks",
    "envoy",
    "winter",
    "supplies",
    "pipeline",
    "tariff",
    "budget",
    "reservoir",
    "drought",
    "smelter",
    "furnace",
    "customs",
    "inspection",
    "ballot",
    "observers",
    "turnout",
    "parliament",
    "coalition",
    "cabinet",
    "spokesperson",
    "delegation",
    "summit",
    "analysts",
    "markets",
    "freight",
]


def article(seed: int, words: int = 220) -> str:
    rng = random.Random(seed)
    return " ".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(20)) + ".</p>" for _ in range(words // 20)
    )


def post(url: str, html: str, published: str, title: str = "A title") -> PostRecord:
    return PostRecord(url, url, url, title, published, None, fingerprint_item(title, (html,)))


def apply(store: Store, feed: str, *posts: PostRecord, edges: list[EdgeRecord] | None = None):
    store.add_feed(feed)
    row = store.feed_by_url(feed)
    assert row is not None
    return store.apply(FeedUpdate(row["id"], FeedChanges(), list(posts), edges or []))


def inferred(store: Store) -> list[tuple[str, str]]:
    return [
        tuple(row)
        for row in store.execute(
            "SELECT repost_url, source_url FROM edges WHERE kind = 'inferred' ORDER BY 1, 2"
        ).fetchall()
    ]


ORIGINAL = "https://outlet.example/a/1/"
COPY = "https://blog.example/p/1/"


def test_a_copy_points_to_the_earlier_post_and_carries_score_and_evidence(target: str) -> None:
    store = Store.open(target)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    body = "<p>Shared for our readers.</p>" + article(1)[:900]
    apply(store, "https://blog.example/feed", post(COPY, body, "2026-03-01T12:00:00Z", "New"))
    assert inferred(store) == [(COPY, ORIGINAL)]
    score, evidence, pattern = store.execute(
        "SELECT score, evidence, pattern FROM edges WHERE kind = 'inferred'"
    ).fetchone()
    assert 0.9 <= score <= 1.0 and pattern == "shared-text"
    assert evidence and all(part.strip() in article(1).lower() for part in evidence.split("…"))


def test_only_a_post_sharing_text_keeps_its_phrases_and_rematch_finds_the_same_evidence(
    target: str,
) -> None:
    """A post's phrases serve only as evidence: the later post of a pair that shares
    text stores all of them, the others none. rematch then gives the evidence it gives
    on a store from before, where every post kept its first 16 phrases."""
    from tracer.rematch import rematch

    store = Store.open(target)
    original = post(ORIGINAL, article(1), "2026-03-01T10:00:00Z")
    apply(store, "https://outlet.example/feed", original)
    lead = article(7, 60)  # the copy's first phrases are its own text, not the original's
    copy = post(COPY, lead + article(1), "2026-03-01T12:00:00Z", "New")
    apply(store, "https://blog.example/feed", copy)
    other = post("https://other.example/p/2/", article(2), "2026-03-02T12:00:00Z")
    apply(store, "https://other.example/feed", other)
    store.flush_matching()

    def stored() -> dict[str, str]:
        return dict(
            store.execute(
                "SELECT p.url, f.phrases FROM fingerprints AS f JOIN posts AS p ON p.id = f.post_id"
            ).fetchall()
        )

    assert copy.fingerprint is not None
    assert stored() == {ORIGINAL: "", COPY: "\n".join(copy.fingerprint.phrases), other.url: ""}
    rematch(store)
    evidence = store.execute("SELECT evidence FROM edges WHERE kind = 'inferred'").fetchall()
    assert inferred(store) == [(COPY, ORIGINAL)] and evidence[0][0]
    for record in (original, copy, other):  # as stored before: the first 16 phrases of each
        assert record.fingerprint is not None
        store.execute(
            "UPDATE fingerprints SET phrases = ? WHERE post_id = (SELECT id FROM posts"
            " WHERE url = ?)",
            [record.fingerprint.stored_phrases, record.url],
        )
    rematch(store)
    assert store.execute("SELECT evidence FROM edges WHERE kind = 'inferred'").fetchall() == (
        evidence
    )
    store.close()


def test_short_excerpts_are_found_both_ways_through_the_coarser_index(target: str) -> None:
    """The index holds 1 key in 16 shingles (about half of those scored): a 60-90-word
    excerpt with a read-more link still finds its original, and the original polled
    after its excerpts finds them."""
    store = Store.open(target)
    original = article(1, 400)
    words = original.replace("<p>", " ").replace("</p>", " ").split()
    excerpts = [
        (
            f"https://blog{n}.example/p/1/",
            " ".join(words[: 60 + 10 * n]) + " <a href=x>Read more</a>",
        )
        for n in range(4)
    ]
    for url, body in excerpts[:2]:  # polled after the original
        apply(store, url.rsplit("/p/", 1)[0] + "/feed", post(url, body, "2026-03-01T12:00:00Z"))
    apply(store, "https://outlet.example/feed", post(ORIGINAL, original, "2026-03-01T10:00:00Z"))
    for url, body in excerpts[2:]:
        apply(store, url.rsplit("/p/", 1)[0] + "/feed", post(url, body, "2026-03-01T12:00:00Z"))
    store.flush_matching()
    assert inferred(store) == sorted((url, ORIGINAL) for url, _body in excerpts)
    keys = [k for (k,) in store.execute("SELECT key FROM text_keys")]
    assert keys and all(k % 16 == 0 for k in keys)
    (sampled,) = store.execute("SELECT sum(length(keys)) / 8 FROM fingerprints").fetchone()
    assert len(keys) < 0.7 * sampled


def test_different_texts_short_texts_and_same_site_copies_are_no_edges(target: str) -> None:
    store = Store.open(target)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    short = " ".join(article(1).split()[:40])  # under 50 words
    apply(
        store,
        "https://blog.example/feed",
        post(COPY, article(2), "2026-03-01T12:00:00Z"),
        post("https://blog.example/p/2/", short, "2026-03-01T12:00:00Z", "x"),
    )
    apply(
        store,
        "https://outlet.example/feed2",
        post("https://outlet.example/a/2/", article(1), "2026-03-01T13:00:00Z"),
    )
    assert inferred(store) == []


def test_a_declared_edge_between_the_two_posts_leaves_no_inferred_edge(target: str) -> None:
    store = Store.open(target)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    credit = EdgeRecord(COPY, ORIGINAL, "source-label", "Source: outlet", ORIGINAL)
    apply(
        store,
        "https://blog.example/feed",
        post(COPY, article(1), "2026-03-01T12:00:00Z"),
        edges=[credit],
    )
    kinds = [tuple(row) for row in store.execute("SELECT kind FROM edges").fetchall()]
    assert kinds == [("declared",)]


def test_the_original_polled_last_takes_the_edges_of_its_copies(target: str) -> None:
    store = Store.open(target)
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    second = "https://other.example/p/9/"
    apply(store, "https://other.example/feed", post(second, article(1), "2026-03-01T14:00:00Z"))
    assert inferred(store) == [(second, COPY)]
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    assert inferred(store) == [(COPY, ORIGINAL), (second, ORIGINAL)]


def test_boilerplate_learned_per_site_never_links_posts(target: str) -> None:
    footer = article(99, 120)  # the same long footer on every post of both blogs
    store = Store.open(target)
    for n in range(4):
        apply(
            store,
            "https://blog.example/feed",
            post(f"https://blog.example/p/{n}/", article(10 + n, 80) + footer, f"2026-03-0{n + 1}"),
        )
    apply(
        store,
        "https://other.example/feed",
        *[
            post(f"https://other.example/p/{n}/", article(20 + n, 80) + footer, f"2026-03-0{n + 5}")
            for n in range(4)
        ],
    )
    assert store.execute("SELECT count(*) FROM boilerplate").fetchone()[0] > 0
    assert inferred(store) == []


def test_a_feed_batch_teaches_its_template_below_the_index_level(target: str) -> None:
    """A footer on every post of one feed's batch is learned whole, also its keys that
    the index does not hold, before any post of the batch is scored: the batch's first
    post, an excerpt in that template, matches its original (a footer as long as the
    excerpt left in its score would halve it)."""
    footer = article(98, 120)
    store = Store.open(target)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    excerpt = " ".join(article(1).split()[:100])
    apply(
        store,
        "https://blog.example/feed",
        post(COPY, excerpt + footer, "2026-03-01T12:00:00Z"),
        *[
            post(
                f"https://blog.example/own/{n}/", article(30 + n, 80) + footer, f"2026-03-0{n + 2}"
            )
            for n in range(4)
        ],
    )
    learned = [k for (k,) in store.execute("SELECT key FROM boilerplate")]
    assert any(k % 16 for k in learned) and any(k % 16 == 0 for k in learned)
    assert inferred(store) == [(COPY, ORIGINAL)]


def test_index_rows_left_pending_by_a_killed_run_are_indexed_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = Store.open(path)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    store.db.close()  # killed: the pending index rows were never written
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM text_keys").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM fingerprints").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM unindexed_spans").fetchone() == (1,)
    store = Store.open(path)
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(COPY, ORIGINAL)]
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM unindexed_spans").fetchone() == (0,)
        assert conn.execute("SELECT count(DISTINCT post_id) FROM text_keys").fetchone() == (2,)


def index_rows_and_spans(path: Path) -> tuple[int, int]:
    """The rows of ``text_keys`` and of ``unindexed_spans`` in the file at ``path``."""
    with closing(sqlite3.connect(path)) as conn:
        keys = conn.execute("SELECT count(*) FROM text_keys").fetchone()[0]
        spans = conn.execute("SELECT count(*) FROM unindexed_spans").fetchone()[0]
    return keys, spans


def test_a_failed_flush_leaves_the_pending_posts_listed_for_the_next_run(tmp_path: Path) -> None:
    """A flush whose transaction fails (here its DELETE of unindexed_spans: a full disk,
    Ctrl-C) rolls back the index rows it wrote. Closing the store after it (the tracer
    command closes every store it opened) must not then commit the DELETE alone: the
    post would keep its fingerprint with no index row and no span to recover it from."""
    from tracer.exceptions import StorageError

    path = tmp_path / "t.db"
    store = Store.open(path)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    store.execute(
        "CREATE TEMP TRIGGER full BEFORE DELETE ON main.unindexed_spans"
        " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    with pytest.raises(StorageError):
        store.flush_matching()
    store.execute("DROP TRIGGER temp.full")
    store.close()
    keys, spans = index_rows_and_spans(path)
    assert (keys, spans) == (0, 1)  # nothing indexed, the post still listed
    store = Store.open(path)
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(COPY, ORIGINAL)]
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM unindexed_spans").fetchone() == (0,)
        assert conn.execute("SELECT count(DISTINCT post_id) FROM text_keys").fetchone() == (2,)


def test_a_poll_batch_that_fails_to_commit_leaves_no_index_row_of_its_posts(
    tmp_path: Path,
) -> None:
    """A poll's writer commits its feeds in batches (each feed a savepoint inside). A batch
    whose COMMIT fails is rolled back (SQLite does so itself on a full disk or an I/O error
    at COMMIT; here a ROLLBACK first stands in for it): its posts were never committed,
    so the matcher's pending index rows of them must not be written by the close that
    follows (the tracer command closes every store it opened). Their ids go to the next
    posts stored: such rows would index those."""
    from tracer.exceptions import StorageError
    from tracer.models import FeedChanges, FeedState
    from tracer.poll import PollSummary
    from tracer.poll_loop import _Recorder

    path = tmp_path / "t.db"
    store = Store.open(path)
    feed = "https://outlet.example/feed"
    store.add_feed(feed)
    row = store.feed_by_url(feed)
    assert row is not None
    recorder = _Recorder(store, PollSummary(), None)
    update = FeedUpdate(row["id"], FeedChanges(), [post(ORIGINAL, article(1), "2026-03-01")], [])
    recorder.write_now(FeedState(row["id"], feed), update, "2026-03-01T12:00:00Z")
    store.conn.execute("ROLLBACK")  # the batch is lost: its COMMIT fails
    with pytest.raises(StorageError):
        recorder.commit()
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM posts").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM text_keys").fetchone() == (0,)


def test_a_killed_run_s_pending_posts_are_listed_as_spans_and_all_indexed_by_the_next(
    tmp_path: Path,
) -> None:
    """Two feeds' posts, one too short for keys between them: each feed's posts are one
    span of consecutive ids, and the next run indexes every fingerprinted post of them."""
    path = tmp_path / "t.db"
    store = Store.open(path)
    apply(
        store,
        "https://outlet.example/feed",
        post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"),
        post("https://outlet.example/a/short/", "too short to match", "2026-03-01T10:30:00Z"),
        post("https://outlet.example/a/2/", article(2), "2026-03-01T11:00:00Z"),
    )
    apply(
        store,
        "https://other.example/feed",
        post(OTHER := "https://other.example/a/3/", article(3), "2026-03-02"),
    )
    store.db.close()  # killed: the pending index rows were never written
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM text_keys").fetchone() == (0,)
        spans = conn.execute(
            "SELECT first_post, last_post FROM unindexed_spans ORDER BY 1"
        ).fetchall()
        ids = [i for (i,) in conn.execute("SELECT post_id FROM fingerprints ORDER BY 1")]
    assert len(ids) == 4 and spans == [(ids[0], ids[2]), (ids[3], ids[3])]
    store = Store.open(path)
    apply(store, "https://blog.example/feed", post(COPY, article(3), "2026-03-03T12:00:00Z"))
    assert inferred(store) == [(COPY, OTHER)]
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM unindexed_spans").fetchone() == (0,)
        indexed = conn.execute("SELECT DISTINCT post_id FROM text_keys ORDER BY 1").fetchall()
    assert [i for (i,) in indexed] == [ids[0], ids[2], ids[3], ids[3] + 1]


def test_a_poller_sees_the_index_rows_another_connection_wrote_since_it_read_them(
    tmp_path: Path,
) -> None:
    """A SQLite matcher keeps the stored index keys in memory (only their keys are looked
    up); another connection's rows (a poller of another shard) are found all the same."""
    path = tmp_path / "t.db"
    first, second = Store.open(path), Store.open(path)
    other = post("https://other.example/a/1/", article(7), "2026-03-01T09:00:00Z")
    apply(first, "https://other.example/feed", other)  # the first poller reads the index
    apply(second, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    second.flush_matching()  # the original's index rows are written and committed
    second.close()
    apply(first, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert inferred(first) == [(COPY, ORIGINAL)]
    first.close()


def test_a_sqlite_matcher_asks_for_others_commits_once_per_write_transaction(
    tmp_path: Path,
) -> None:
    """No other connection can commit while this one holds the write lock, so the feeds of
    one write transaction (a poll's batch) ask ``PRAGMA data_version`` once, not once a
    feed; the next transaction asks again (the test above: rows written in between)."""
    store = Store.open(tmp_path / "t.db")
    asked: list[str] = []
    store.engine.conn.set_trace_callback(  # type: ignore[attr-defined]
        lambda sql: asked.append(sql) if "data_version" in sql else None
    )
    with store.transaction():
        for n in range(3):
            url, feed = f"https://site{n}.example/a/", f"https://site{n}.example/feed"
            apply(store, feed, post(url, article(n), "2026-03-01T10:00:00Z"))
    assert len(asked) == 1
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert len(asked) == 2 and inferred(store) == [(COPY, "https://site1.example/a/")]
    store.close()


def test_a_candidate_stored_by_the_same_matcher_is_scored_from_memory(tmp_path: Path) -> None:
    """A copy's candidate posts stored by this run are scored from the rows the matcher
    kept (no read of ``fingerprints``), and SQLite's boilerplate generation (a constant)
    costs no statement; a new store (another run) reads the candidate back and finds
    the same copy."""
    db = tmp_path / "t.db"
    store = Store.open(db)
    statements: list[str] = []
    store.engine.conn.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(COPY, ORIGINAL)]
    assert not [sql for sql in statements if "FROM fingerprints WHERE" in sql]
    assert "SELECT 0" not in statements
    store.close()
    again = Store.open(db)
    read: list[str] = []
    again.engine.conn.set_trace_callback(read.append)  # type: ignore[attr-defined]
    other = "https://mirror.example/p/1/"
    apply(again, "https://mirror.example/feed", post(other, article(1), "2026-03-01T13:00:00Z"))
    assert (other, ORIGINAL) in inferred(again)
    assert [sql for sql in read if "FROM fingerprints WHERE" in sql]
    again.close()


def test_sqlite_reads_the_boilerplate_table_once_and_again_after_another_connection_commits(
    tmp_path: Path,
) -> None:
    """New sites (a cold poll's) cost no boilerplate read each: the table is read once;
    a key another connection (a poller of another shard) stored since is used for a
    site read after that connection's commit."""
    db = tmp_path / "t.db"
    store = Store.open(db)
    reads: list[str] = []
    store.engine.conn.set_trace_callback(  # type: ignore[attr-defined]
        lambda sql: (
            reads.append(sql) if sql.startswith("SELECT") and "FROM boilerplate" in sql else None
        )
    )
    for n in range(4):
        url, feed = f"https://site{n}.example/a/", f"https://site{n}.example/feed"
        apply(store, feed, post(url, article(n), "2026-03-01T10:00:00Z"))
    assert len(reads) == 1
    with closing(sqlite3.connect(db)) as other, other:
        (site,) = other.execute(
            "INSERT INTO domains (name) VALUES ('late.example') RETURNING id"
        ).fetchone()
        other.execute("INSERT INTO boilerplate (domain_id, key) VALUES (?, 12345)", [site])
    apply(
        store,
        "https://late.example/feed",
        post("https://late.example/a/", article(9), "2026-03-01T11:00:00Z"),
    )
    assert len(reads) == 2
    assert 12345 in store._matching().boilerplate(site)
    store.close()


def test_sqlite_sees_boilerplate_another_connection_learned_for_a_site_it_has_cached(
    tmp_path: Path,
) -> None:
    """A site whose boilerplate the matcher has in memory: keys that another connection
    (a poller of another shard) commits for it are ignored from the next transaction on,
    and a post of that site no longer copies another site's post through them."""
    db = tmp_path / "t.db"
    store = Store.open(db)
    # two sites: a post of each, no shared text; both sites' boilerplate cached
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    apply(store, "https://blog.example/feed", post(COPY, article(2), "2026-03-01T11:00:00Z"))
    matcher = store._matching()
    (blog,) = store.execute("SELECT id FROM domains WHERE name = 'blog.example'").fetchone()
    assert blog in matcher._boiler
    # another connection learns every index key of the original's text as the blog's
    from tracer.matching import index_keys_of

    later = "https://blog.example/p/2/"
    copy = post(later, article(1), "2026-03-02T10:00:00Z")
    assert copy.fingerprint is not None
    keys = sorted(index_keys_of(copy.fingerprint))
    with closing(sqlite3.connect(db)) as other, other:
        other.executemany(
            "INSERT INTO boilerplate (domain_id, key) VALUES (?, ?)", [(blog, k) for k in keys]
        )
    # the blog copies the original: all its shared text is now the blog's boilerplate
    apply(store, "https://blog.example/feed", copy)
    assert set(keys) <= matcher.boilerplate(blog)
    assert inferred(store) == []
    store.close()


def test_rematch_progress_names_each_phase_with_counts_that_only_grow(target: str) -> None:
    from tracer.rematch import rematch

    store = Store.open(target)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    third = "https://other.example/p/2/"
    apply(store, "https://other.example/feed", post(third, article(2), "2026-03-02T12:00:00Z"))
    seen: list[tuple[str, int, int]] = []
    summary = rematch(store, batch=2, progress=lambda *step: seen.append(step))
    assert summary.posts == 3 and inferred(store) == [(COPY, ORIGINAL)]
    assert seen == [
        ("index", 2, 3),
        ("index", 3, 3),
        ("boilerplate", 3, 3),
        ("match", 2, 3),
        ("match", 3, 3),
    ]


def _six_posts(db: Path) -> None:
    store = Store.open(db)
    for n in range(6):
        url, day = f"https://site{n}.example/p/{n}/", f"2026-03-0{n + 1}"
        apply(store, f"https://site{n}.example/feed", post(url, article(n % 2), day))
    store.close()


def test_rematch_off_a_terminal_prints_phase_ends_not_every_batch(db_path: Path) -> None:
    """In cron mail or a log (stderr not a terminal) `rematch --batch 1` over 6 posts prints
    the end of each phase and its summary: 4 lines, not one per batch (13)."""
    from cli_helpers import run

    _six_posts(db_path)
    lines = run(db_path, "rematch", "--batch", "1").stderr.splitlines()
    assert lines[:-1] == ["index: 6/6", "boilerplate: 6/6", "match: 6/6"]
    assert lines[-1].startswith("rematched 6 posts:")


def test_rematch_on_a_terminal_still_prints_every_batch(db_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    _six_posts(db_path)
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "tracer", "--db", str(db_path), "rematch", "--batch", "2"]
    done = subprocess.run(command, stderr=follower, stdout=subprocess.DEVNULL, timeout=120)
    os.close(follower)
    text = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's other side is closed and read to its end
            break
        if not chunk:
            break
        text += chunk
    os.close(leader)
    assert done.returncode == 0
    lines = text.decode().replace("\r\n", "\n").splitlines()
    assert lines[:-1] == [
        "index: 2/6",
        "index: 4/6",
        "index: 6/6",
        "boilerplate: 6/6",
        "match: 2/6",
        "match: 4/6",
        "match: 6/6",
    ]


def test_a_new_store_matches_at_the_default_threshold_on_both_engines(target: str) -> None:
    from tracer.matching import DEFAULT_MIN_SCORE

    store = Store.open(target)  # PostgreSQL's 0005 had 0.6; migration 0010 gives it 0.65
    try:
        assert [tuple(row) for row in store.execute("SELECT min_score FROM match_state")] == [
            (DEFAULT_MIN_SCORE,)
        ]
    finally:
        store.close()


def test_a_failed_feed_transaction_leaves_no_index_rows_of_its_posts(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed whose transaction fails after its posts were matched stores nothing; the
    index rows the matcher kept pending for them must not be written later (on SQLite
    the next feed's posts may take the same ids), and the other feeds' rows still are."""
    from tracer.exceptions import StorageError

    store = Store.open(target)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    match_posts = Store.match_posts  # Matcher.add_posts, and then the failure

    def match_then_fail(self: Store, *args: object, **kwargs: object) -> object:
        match_posts(self, *args, **kwargs)  # type: ignore[arg-type]
        raise StorageError("disk full")

    monkeypatch.setattr(Store, "match_posts", match_then_fail)
    failed = post("https://failed.example/p/1/", article(2), "2026-03-01T11:00:00Z")
    with pytest.raises(StorageError):
        apply(store, "https://failed.example/feed", failed)
    monkeypatch.setattr(Store, "match_posts", match_posts)
    later = post("https://later.example/p/1/", article(3), "2026-03-01T12:00:00Z")
    apply(store, "https://later.example/feed", later)
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T13:00:00Z"))
    store.flush_matching()
    own_keys = {
        post_id: set(keys_from_blob(blob))
        for post_id, blob in store.execute("SELECT post_id, keys FROM fingerprints").fetchall()
    }
    rows = store.execute("SELECT key, post_id FROM text_keys").fetchall()
    stray = [(key, post_id) for key, post_id in rows if key not in own_keys.get(post_id, ())]
    indexed = store.execute(
        "SELECT p.url FROM posts AS p WHERE p.id IN (SELECT post_id FROM text_keys) ORDER BY 1"
    ).fetchall()
    assert not stray, f"{len(stray)} index rows name a post whose text has not their key"
    assert [url for (url,) in indexed] == [COPY, "https://later.example/p/1/", ORIGINAL]
    assert inferred(store) == [(COPY, ORIGINAL)]
    store.close()


def test_the_command_end_closes_its_stores_without_writing_pending_index_rows(
    tmp_path: Path,
) -> None:
    """The tracer command closes every store it opened when it ends (close_stores), after
    its poll's locks are released: pending index rows (left only by a failed or cut
    poll) are not written then but stay listed for the next run, which indexes them."""
    import importlib

    commands = importlib.import_module("tracer.cli.app")  # (the attribute is the app)
    path = tmp_path / "t.db"
    store = Store.open(path)
    apply(store, "https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    commands._opened.add(store)
    commands.close_stores()
    assert not (tmp_path / "t.db-wal").exists()  # closed: the log checkpointed
    keys, spans = index_rows_and_spans(path)
    assert (keys, spans) == (0, 1)
    store = Store.open(path)
    apply(store, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(COPY, ORIGINAL)]
    store.close()
