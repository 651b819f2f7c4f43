"""Layouts of PostgreSQL's ``text_keys`` measured in isolation (issue 16).

A cold poll of 1,000 feeds inserts ≈ 500,000 index rows (key, site, post) in
statements of up to thousands of rows, each sorted by key (``TEXT_KEYS_INSERT``);
the keys are random 64-bit hashes. This script fills an empty table of each
layout the same way, on a throwaway durable cluster (``tests/pgcluster.py``,
loopback only; or ``TRACER_BENCH_PG``), and measures:

- *insert*: the backend's CPU seconds (``/proc/PID/stat`` of the session's
  server process, read before and after) for all the batches, and the wall
  time; the statement is the poll's own (``unnest`` of three bigint arrays,
  ``ORDER BY key``). The statement trigger of migration 0014 is left out (the
  same for every layout).
- *lookup*: backend CPU of ``TEXT_KEYS_LOOKUP`` with 512 keys, keys mostly
  present (90 % stored keys) and mostly absent (10 %), per statement.
- *stored*: the matcher's stored-key read (``SELECT DISTINCT key … LIMIT``).
- *rematch*: rematch's two whole-index groupings (boilerplate), counted only.
- *rebuild*: the table's keys and indexes dropped and built again, as
  ``tracer copy-db`` loads a table (``Engine.bulk_load``).

The synthetic rows: posts of 100 keys on one of 1,000 sites, 80 % of a post's
keys new, 20 % taken from earlier posts (copies, boilerplate), so a key has
one row mostly and a few rows sometimes. ``--rows-from DB`` takes a poll's
real rows instead, in post order, from a SQLite store (e.g. the
``.bench/timeline.db`` of ``cold_timeline.py --feeds 1000``: ≈ 497,000 rows,
10 keys a post). The statement size matters: a cold poll of 1,000 feeds on
PostgreSQL sends 22–172 statements (3,000–23,000 rows each; the drains grow
as the drainer lags), and a B-tree's sorted inserts gain from bigger ones.
Layouts alternate round by round (``--rounds``), a ``CHECKPOINT`` before
each; the best of the rounds is printed. The host's speed swings: compare
layouts of the same run only.

    .venv/bin/python benchmarks/bench_text_keys_layout.py --rows 500000 --rounds 3
    .venv/bin/python benchmarks/bench_text_keys_layout.py --rows-from .bench/timeline.db \
        --batch 12000
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_postgres import postgres as cluster

INSERT = (
    "INSERT INTO text_keys (key, domain_id, post_id)"
    " SELECT * FROM unnest(CAST(%s AS bigint[]), CAST(%s AS bigint[]), CAST(%s AS bigint[]))"
    " AS u (key, domain_id, post_id) ORDER BY key"
)
LOOKUP = "SELECT key, domain_id, post_id FROM text_keys WHERE key = ANY(CAST(%s AS bigint[]))"
STORED = "SELECT DISTINCT key FROM text_keys LIMIT 600001"

# rematch's whole-table reads (tracer/rematch.py: the boilerplate of the whole
# index), as counts only (nothing written)
REMATCH = [
    "SELECT count(*) FROM (SELECT domain_id, key FROM text_keys"
    " GROUP BY domain_id, key HAVING count(*) >= 3) AS g",
    "SELECT count(*) FROM (SELECT key FROM text_keys GROUP BY key HAVING count(*) >= 100) AS g",
]

_COLUMNS = "key BIGINT NOT NULL, domain_id BIGINT NOT NULL, post_id BIGINT NOT NULL"

# name -> DDL creating ``text_keys`` (and its indexes)
LAYOUTS: dict[str, list[str]] = {
    "pk (key, site, post) [today]": [
        f"CREATE TABLE text_keys ({_COLUMNS}, PRIMARY KEY (key, domain_id, post_id))"
    ],
    "pk (key, post)": [f"CREATE TABLE text_keys ({_COLUMNS}, PRIMARY KEY (key, post_id))"],
    "btree (key), not unique": [
        f"CREATE TABLE text_keys ({_COLUMNS})",
        "CREATE INDEX text_keys_key ON text_keys (key)",
    ],
    "btree (key) include (site, post)": [
        f"CREATE TABLE text_keys ({_COLUMNS})",
        "CREATE INDEX text_keys_key ON text_keys (key) INCLUDE (domain_id, post_id)",
    ],
    "hash (key)": [
        f"CREATE TABLE text_keys ({_COLUMNS})",
        "CREATE INDEX text_keys_key ON text_keys USING hash (key)",
    ],
    "pk, fillfactor 70": [
        f"CREATE TABLE text_keys ({_COLUMNS},"
        " PRIMARY KEY (key, domain_id, post_id) WITH (fillfactor = 70))"
    ],
    "pk, 8 hash partitions": [
        f"CREATE TABLE text_keys ({_COLUMNS}, PRIMARY KEY (key, domain_id, post_id))"
        " PARTITION BY HASH (key)",
        *[
            f"CREATE TABLE text_keys_{i} PARTITION OF text_keys"
            f" FOR VALUES WITH (MODULUS 8, REMAINDER {i})"
            for i in range(8)
        ],
    ],
    "no index (floor)": [f"CREATE TABLE text_keys ({_COLUMNS})"],
}


def synthetic_rows(rows: int, seed: int = 16) -> list[tuple[int, int, int]]:
    """``rows`` index rows: posts of 100 distinct keys, 20 % of them from earlier posts."""
    rng = random.Random(seed)
    out: list[tuple[int, int, int]] = []
    seen: list[int] = []
    post = 0
    while len(out) < rows:
        post += 1
        site = rng.randrange(1, 1001)
        keys: set[int] = set()
        while len(keys) < 100:
            if seen and rng.random() < 0.2:
                keys.add(rng.choice(seen))
            else:
                keys.add(rng.randrange(-(1 << 63), 1 << 63))
        for key in keys:
            out.append((key, site, post))
        seen.extend(keys)
    return out[:rows]


def batches(rows: list[tuple[int, int, int]], size: int) -> Iterator[list[tuple[int, int, int]]]:
    """The rows in statements of ``size``, post by post, each sorted by key (the drain's order)."""
    for start in range(0, len(rows), size):
        yield sorted(rows[start : start + size])


def backend_cpu(conn: psycopg.Connection) -> float:
    """CPU seconds (user + system) of the session's server process so far."""
    (pid,) = conn.execute("SELECT pg_backend_pid()").fetchone() or (0,)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rebuild(conn: psycopg.Connection) -> None:
    """Drop the table's keys and indexes and build them again, as copy-db's load does."""
    keys = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'text_keys'::regclass AND contype = 'p'"
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
        " WHERE indrelid = 'text_keys'::regclass AND NOT indisprimary"
    ).fetchall()
    with conn.transaction():
        for name, _definition in keys:
            conn.execute(f"ALTER TABLE text_keys DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            conn.execute(f"DROP INDEX {name}")
        for name, definition in keys:
            conn.execute(f"ALTER TABLE text_keys ADD CONSTRAINT {name} {definition}")
        for _name, definition in indexes:
            conn.execute(definition)


def measure(
    url: str, ddl: list[str], rows: list[tuple[int, int, int]], size: int, probes: int
) -> dict[str, float]:
    """Fill a fresh ``text_keys`` of one layout; the costs of its insert and reads."""
    rng = random.Random(7)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS text_keys CASCADE")
        for statement in ddl:
            conn.execute(statement)
        conn.execute("CHECKPOINT")
        cpu, wall = backend_cpu(conn), time.perf_counter()
        for batch in batches(rows, size):
            keys, sites, posts = (list(column) for column in zip(*batch, strict=True))
            conn.execute(INSERT, [keys, sites, posts], prepare=False)
        result = {
            "insert_cpu": backend_cpu(conn) - cpu,
            "insert_wall": time.perf_counter() - wall,
        }
        conn.execute("VACUUM ANALYZE text_keys")
        (size_bytes,) = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class AS c"
            " WHERE c.relname LIKE 'text_keys%' AND c.relkind IN ('r', 'p')"
        ).fetchone() or (0,)
        result["mb"] = float(size_bytes or 0) / 1e6
        stored = [row[0] for row in rows]
        for name, present in (("present", 0.9), ("absent", 0.1)):
            lists = [
                [
                    rng.choice(stored)
                    if rng.random() < present
                    else rng.randrange(-(1 << 63), 1 << 63)
                    for _ in range(512)
                ]
                for _ in range(probes)
            ]
            cpu = backend_cpu(conn)
            found = 0
            for keys in lists:
                found += len(conn.execute(LOOKUP, [keys], prepare=False).fetchall())
            result[f"lookup_{name}_ms"] = (backend_cpu(conn) - cpu) / probes * 1000
            result[f"rows_{name}"] = found / probes
        cpu = backend_cpu(conn)
        reads = 3
        for _ in range(reads):
            distinct = len(conn.execute(STORED).fetchall())
        result["stored_s"] = (backend_cpu(conn) - cpu) / reads
        result["distinct"] = distinct
        cpu = backend_cpu(conn)
        for statement in REMATCH:
            conn.execute(statement)
        result["rematch_s"] = backend_cpu(conn) - cpu
        cpu = backend_cpu(conn)
        rebuild(conn)
        result["rebuild_s"] = backend_cpu(conn) - cpu
        conn.execute("DROP TABLE text_keys CASCADE")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--batch", type=int, default=500, help="rows a statement (a drain)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probes", type=int, default=200, help="lookups of 512 keys a kind")
    parser.add_argument("--rows-from", help="a SQLite store whose text_keys rows to insert")
    parser.add_argument("--only", action="append", help="layouts whose name has this")
    args = parser.parse_args()
    layouts = {
        name: ddl
        for name, ddl in LAYOUTS.items()
        if not args.only or any(part in name for part in args.only)
    }
    if args.rows_from:
        with sqlite3.connect(args.rows_from) as db:
            rows = db.execute(
                "SELECT key, domain_id, post_id FROM text_keys ORDER BY post_id, key"
            ).fetchall()
    else:
        rows = synthetic_rows(args.rows)
    best: dict[str, dict[str, float]] = {}
    with cluster() as url:
        for round_ in range(args.rounds):
            for name, ddl in layouts.items():
                result = measure(url, ddl, rows, args.batch, args.probes)
                print(f"round {round_ + 1} {name}: insert {result['insert_cpu']:.2f} s", flush=True)
                kept = best.setdefault(name, result)
                for key, value in result.items():
                    kept[key] = min(kept[key], value)
    print(
        f"\n{len(rows):,} rows in statements of {args.batch}, best of {args.rounds}"
        " (backend CPU; lookups: 512 keys, ms a statement; stored: s a read)"
    )
    print(
        "| layout | insert CPU s | insert wall s | MB | lookup present ms | lookup absent ms"
        " | stored-key read s | rematch's groups s | rebuild s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in best.items():
        print(
            f"| {name} | {r['insert_cpu']:.2f} | {r['insert_wall']:.2f} | {r['mb']:.0f}"
            f" | {r['lookup_present_ms']:.2f} ({r['rows_present']:.0f} rows)"
            f" | {r['lookup_absent_ms']:.2f} | {r['stored_s']:.2f} | {r['rematch_s']:.2f}"
            f" | {r['rebuild_s']:.2f} |"
        )


if __name__ == "__main__":
    main()
