"""Finding copies on a large store: time per new post, index size, peak memory.

Builds (once, cached in ``.bench/matching-N.db``) a store of N fingerprinted
posts (default 1,000,000) on 5,000 sites, with the text index of migration
0005 filled the way polls fill it: each post has ``--keys`` sampled keys
(random 47-bit values kept at level 1, as :mod:`tracer.fingerprint` makes them), a few of
them its site's template (boilerplate, learned and left out of the index).
Then it applies ``--feeds`` feeds of 50 new posts each through
:meth:`Store.apply`, the poller's path: a third of them copies of stored posts
(their keys, some dropped), the rest new texts; and prints the time per new
post (wall and CPU), the inferred edges found, the index size and the peak RSS
(goal: < 500 MB).

    python benchmarks/bench_matching.py [--posts 1000000] [--keys 32] [--feeds 40]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import time
from array import array
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / ".bench"
sys.path.insert(0, str(ROOT))

from tracer.fingerprint import Fingerprint, keys_from_blob  # noqa: E402
from tracer.models import FeedChanges, FeedUpdate, PostRecord  # noqa: E402
from tracer.store import Store  # noqa: E402

SITES = 5000
TEMPLATE_KEYS = 4  # per site, on every post: boilerplate


def site_url(site: int) -> str:
    return f"https://site{site}.example"


def build(path: Path, posts: int, keys: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    store = Store.open(path, create=True)
    conn = store.db.conn
    templates = {s: [rng.getrandbits(43) << 4 for _ in range(TEMPLATE_KEYS)] for s in range(SITES)}
    with store.transaction():
        conn.executemany(
            "INSERT INTO domains (name) VALUES (?)",
            [(site_url(s).split("//")[1],) for s in range(SITES)],
        )
        ids = {name: i for i, name in conn.execute("SELECT id, name FROM domains")}
        conn.execute("INSERT INTO feeds (url, added_at) VALUES ('https://bench.example/feed', 'x')")
        conn.execute("CREATE TEMP TABLE rows (key INTEGER, domain_id INTEGER, post_id INTEGER)")
    chunk = 20_000
    for start in range(0, posts, chunk):
        post_rows, prints, index_rows = [], [], []
        for post_id in range(start + 1, min(posts, start + chunk) + 1):
            site = post_id % SITES
            domain = ids[site_url(site).split("//")[1]]
            own = [rng.getrandbits(43) << 4 for _ in range(keys - TEMPLATE_KEYS)]
            post_rows.append(
                (
                    post_id,
                    f"{site_url(site)}/p/{post_id}/",
                    1,
                    f"2026-01-01T00:{post_id % 60:02d}:00Z",
                )
            )
            blob = array("Q", templates[site] + own).tobytes()
            prints.append((post_id, domain, 300, 1, blob, ""))
            index_rows.extend((k, domain, post_id) for k in own)
        with store.transaction():
            conn.executemany(
                "INSERT INTO posts (id, url, feed_id, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z')",
                post_rows,
            )
            conn.executemany(
                "INSERT INTO fingerprints (post_id, domain_id, words, level, keys, phrases)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                prints,
            )
            conn.executemany("INSERT INTO temp.rows VALUES (?, ?, ?)", index_rows)
        print(f"  built {min(posts, start + chunk)} posts", file=sys.stderr, flush=True)
    with store.transaction():
        conn.execute("INSERT INTO text_keys SELECT * FROM temp.rows ORDER BY 1, 2, 3")
        conn.execute("DROP TABLE temp.rows")
        conn.executemany(
            "INSERT INTO site_texts (domain_id, posts) VALUES (?, ?)",
            [(ids[site_url(s).split("//")[1]], posts // SITES) for s in range(SITES)],
        )
        conn.executemany(
            "INSERT INTO boilerplate (domain_id, key) VALUES (?, ?)",
            [(ids[site_url(s).split("//")[1]], k) for s, ks in templates.items() for k in ks],
        )
    store.close()


def new_feeds(store: Store, feeds: int, keys: int, posts: int) -> list[FeedUpdate]:
    rng = random.Random(99)
    conn = store.db.conn
    updates = []
    for f in range(feeds):
        records = []
        for i in range(50):
            url = f"https://newsite{f}.example/p/{i}/"
            if i % 3 == 0:  # a copy of a stored post: its keys, a few dropped
                (blob,) = conn.execute(
                    "SELECT keys FROM fingerprints WHERE post_id = ?", [rng.randint(1, posts)]
                ).fetchone()
                copied = keys_from_blob(blob)[TEMPLATE_KEYS:]
                chosen = [k for k in copied if rng.random() > 0.1]
            else:
                chosen = [rng.getrandbits(43) << 4 for _ in range(keys)]
            fp = Fingerprint(300, 1, tuple(chosen), tuple(f"w{k}" for k in chosen))
            records.append(PostRecord(url, url, url, None, f"2026-02-01T00:{i:02d}:00Z", None, fp))
        updates.append(FeedUpdate(feed_id=1, feed=FeedChanges(), posts=records))
    return updates


def _table_sizes(path: Path) -> dict[str, int]:
    """Bytes per table (SQLite's dbstat), or nothing when dbstat is not compiled in."""
    import sqlite3

    try:
        with sqlite3.connect(path) as conn:
            return dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    except sqlite3.Error:
        return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=32)
    parser.add_argument("--feeds", type=int, default=40)
    args = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    path = BENCH / f"matching-{args.posts}-{args.keys}.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.posts, args.keys)
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    work = BENCH / "matching-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copy(path, work)
    store = Store.open(work)
    conn = store.db.conn
    (rows,) = conn.execute("SELECT count(*) FROM text_keys").fetchone()
    updates = new_feeds(store, args.feeds, args.keys, args.posts)
    wall, cpu = time.perf_counter(), time.process_time()
    for update in updates:
        store.apply(update)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    new = args.feeds * 50
    (found,) = conn.execute("SELECT count(*) FROM edges WHERE kind = 'inferred'").fetchone()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    sizes = _table_sizes(work)
    size = path.stat().st_size
    print(
        f"matching: {args.posts} stored posts, {rows} index rows, database {size / 1e6:.0f} MB"
        f" (about {size / args.posts:.0f} B per post); {new} new posts:"
        f" {wall / new * 1e3:.2f} ms/post wall, {cpu / new * 1e3:.2f} ms/post CPU;"
        f" {found} inferred edges (expected {args.feeds * 17});"
        f" peak RSS {peak:.0f} MB (goal < 500);"
        f" index (text_keys) {sizes.get('text_keys', 0) / 1e6:.0f} MB"
        f" ({sizes.get('text_keys', 0) / max(rows, 1):.1f} B per row), fingerprints"
        f" {sizes.get('fingerprints', 0) / 1e6:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
