"""PostgreSQL beside SQLite: cold poll of N feeds, 3 pollers at once, copy-db and walks.

``python benchmarks/bench_postgres.py [--feeds 1000] [--edges 1000000]``

- Poll: the benchmark's feeds (``feedgen``, 50 items each) on loopback
  (``loopserver``); ``tracer poll --all`` as a process, cold (fresh
  database): SQLite, PostgreSQL, and three PostgreSQL pollers started at the
  same instant (they share the feeds through leases). Goals: PostgreSQL
  ≤ 1.5 × SQLite; three pollers ≤ 0.6 × one.
- Store: the 1.1 M-edge store of ``bench_queries`` built in SQLite, copied to
  PostgreSQL with ``tracer copy-db`` (goal < 3 min), then ``chain`` and
  ``reposts`` timed on PostgreSQL (goal p99 < 2 ms) beside SQLite.

The server is ``TRACER_BENCH_PG`` (a database URL whose ``public`` schema the
benchmark may wipe) or a throwaway cluster (``tests/pgcluster.py``, durable:
fsync on, ``synchronous_commit=off`` like SQLite's WAL + ``synchronous=NORMAL``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

TRACER = [sys.executable, "-m", "tracer"]
SUMMARY: list[str] = []  # printed last: `make bench` copies the last lines into its report


def report(line: str) -> None:
    print(line, flush=True)
    SUMMARY.append(line)


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL URL: ``TRACER_BENCH_PG``, or a throwaway durable cluster."""
    url = os.environ.get("TRACER_BENCH_PG")
    if url:
        yield url
        return
    import pgcluster

    folder = Path(tempfile.mkdtemp(prefix="tracer-bench-pg-"))
    folder.chmod(0o755)
    try:
        yield pgcluster.start(folder / "cluster", durable=True)
    finally:
        pgcluster.stop(folder / "cluster")
        shutil.rmtree(folder, ignore_errors=True)


def wipe(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def add_feeds(db: str, urls: list[str]) -> None:
    from tracer.store import Store

    store = Store.open(db)
    for url in urls:
        store.add_feed(url)
    store.close()


def poll_wall(db: str, pollers: int, concurrency: int) -> tuple[float, list[str]]:
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*TRACER, "--db", db, "poll", "--all", "--concurrency", str(concurrency)],
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(pollers)
    ]
    lines = [p.communicate()[1].strip().splitlines()[-1] for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit(f"a poller failed: {lines}")
    return time.perf_counter() - start, lines


def bench_poll(url: str, feeds: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        urls_file = Path(tmp) / "urls.txt"
        server = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "loopserver.py"),
                "--count",
                str(feeds),
                "--urls",
                str(urls_file),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            while "READY" not in server.stdout.readline():
                pass
            urls = urls_file.read_text().split()
            results = {}
            for name, db, pollers in (
                ("sqlite", str(Path(tmp) / "poll.db"), 1),
                ("postgresql", url, 1),
                ("postgresql x3", url, 3),
            ):
                if db == url:
                    wipe(url)
                add_feeds(db, urls)
                seconds, lines = poll_wall(db, pollers, concurrency)
                results[name] = seconds
                print(f"cold poll {feeds} feeds, {name}: {seconds:.2f} s  {' | '.join(lines)}")
        finally:
            server.terminate()
            server.wait()
    pg, three, lite = results["postgresql"], results["postgresql x3"], results["sqlite"]
    ratio_ok = "met" if pg <= 1.5 * lite else "MISSED"
    shared_ok = "met" if three <= 0.6 * pg else "MISSED"
    report(
        f"cold poll {feeds} feeds: sqlite {lite:.1f} s, postgresql {pg:.1f} s"
        f" ({pg / lite:.2f}x, goal <= 1.5: {ratio_ok}), 3 pollers {three:.1f} s"
        f" ({three / pg:.2f}x one, goal <= 0.6: {shared_ok})"
    )


def bench_store(url: str, edges: int, queries: int) -> None:
    from bench_queries import build, line, percentile, timed

    from tracer.graph import chains, origins, reposts
    from tracer.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        count, tier_urls, articles = build(path, edges)
        print(f"built {count} edges in SQLite in {time.perf_counter() - start:.1f} s")
        wipe(url)
        start = time.perf_counter()
        subprocess.run([*TRACER, "copy-db", str(path), url], check=True, cwd=ROOT)
        copy_s = time.perf_counter() - start
        report(
            f"copy-db of {count} edges SQLite -> PostgreSQL: {copy_s:.1f} s"
            f" (goal < 180 s: {'met' if copy_s < 180 else 'MISSED'})"
        )
        rng = random.Random(1)
        posts = [u for urls in tier_urls for u in urls]
        chain_urls = [rng.choice(posts) for _ in range(queries)]
        cited = tier_urls[0] + tier_urls[1] + articles
        repost_urls = [rng.choice(cited) for _ in range(queries)]
        for name, target in (("sqlite", str(path)), ("postgresql", url)):
            store = Store.open(target)
            timed(lambda u, s=store: chains(s, u), chain_urls[:200])  # warm caches
            timed(lambda u, s=store: reposts(s, u), repost_urls[:200])
            chain_t = timed(lambda u, s=store: chains(s, u), chain_urls)
            repost_t = timed(lambda u, s=store: reposts(s, u), repost_urls)
            start = time.perf_counter()
            origins(store)
            print(f"{name}: {line('chain', chain_t)}")
            print(f"{name}: {line('reposts', repost_t)}")
            print(f"{name}: origins {time.perf_counter() - start:.3f} s")
            if name == "postgresql":
                ok = [percentile(t[0], 0.99) < 2 for t in (chain_t, repost_t)]
                report(
                    f"postgresql chain p99 {percentile(chain_t[0], 0.99):.3f} ms, reposts p99"
                    f" {percentile(repost_t[0], 0.99):.3f} ms (goal < 2 ms:"
                    f" {'met' if all(ok) else 'MISSED'})"
                )
            store.close()
        start = time.perf_counter()
        back = Path(tmp) / "back.db"
        subprocess.run([*TRACER, "copy-db", url, str(back)], check=True, cwd=ROOT)
        report(f"copy-db PostgreSQL -> SQLite: {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--skip-poll", action="store_true")
    parser.add_argument("--skip-store", action="store_true")
    args = parser.parse_args()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise SystemExit(
            "skipped: psycopg is not installed (pip install -e '.[postgres]')"
        ) from None
    with postgres() as url:
        if not args.skip_poll:
            bench_poll(url, args.feeds, args.concurrency)
        if not args.skip_store:
            bench_store(url, args.edges, args.queries)
    print("summary:")
    for line in SUMMARY:
        print(f"  {line}")


if __name__ == "__main__":
    main()
