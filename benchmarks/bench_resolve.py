"""Throughput and peak memory of `tracer resolve --delay 0` over many loopback hosts.

Issue #14 asks for >= 200 pages/s with a peak RSS < 200 MB when resolving
10,000 origins spread over 100 hosts (127.0.0.1 … 127.0.0.100). A separate
process serves, on one port of each of those addresses, a robots.txt and one
article page per origin (about 6 kB of HTML with a canonical link, Open Graph
tags, a JSON-LD date). The database holds one edge per origin, citing a
spelling with a tracking parameter, so every page is also an identity merge.
The resolver runs as a child process; its peak RSS comes from ``wait4``.

    .venv/bin/python benchmarks/bench_resolve.py [--origins 10000] [--hosts 100] [--concurrency 50]
        [--postgresql URL]   # resolve into an empty PostgreSQL database instead

The last line reads ``resolve: N pages in S s = R pages/s, peak RSS M MB``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def article(host: int, number: int, port: int) -> bytes:
    filler = "<p>" + "Paragraph of the article, written for the benchmark. " * 8 + "</p>"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Article {number} | Outlet {host}</title>"
        f"<link rel='canonical' href='http://127.0.0.{host}:{port}/a/{number}'>"
        f"<meta property='og:title' content='Article {number}'>"
        f"<meta property='og:site_name' content='Outlet {host}'>"
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle",'
        f' "datePublished": "2019-03-23T{number % 24:02d}:00:00+03:00"}}</script>'
        f"</head><body><article><h1>Article {number}</h1>{filler * 12}</article></body></html>"
    ).encode()


def response(body: bytes, content_type: str) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def serve(hosts: int, port_file: Path) -> None:
    """Child process: serve every host on one port; write the port; run until stdin closes."""

    async def main() -> None:
        port = 0
        servers = []
        cache: dict[tuple[int, int], bytes] = {}
        robots = response(b"User-agent: *\nDisallow: /private/\n", "text/plain")

        def handler(host: int):
            async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                try:
                    while True:
                        head = await reader.readuntil(b"\r\n\r\n")
                        path = head.split(b" ", 2)[1].decode()
                        if path == "/robots.txt":
                            writer.write(robots)
                        elif path.startswith("/a/"):
                            number = int(path[3:].split("?", 1)[0])
                            key = (host, number)
                            if key not in cache:
                                cache[key] = response(article(host, number, port), "text/html")
                            writer.write(cache.pop(key))
                        else:
                            writer.write(NOT_FOUND)
                        await writer.drain()
                except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                    pass
                finally:
                    writer.close()

            return handle

        for host in range(1, hosts + 1):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((f"127.0.0.{host}", port))
            port = sock.getsockname()[1]
            sock.listen(512)
            servers.append(await asyncio.start_server(handler(host), sock=sock))
        port_file.write_text(str(port))
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

    asyncio.run(main())


def build_database(db: Path | str, origins: int, hosts: int, port: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tracer.store import Store

    store = Store.open(db)
    now = "2026-11-30T00:00:00Z"
    rows = []
    for i in range(origins):
        host = i % hosts + 1
        source = f"http://127.0.0.{host}:{port}/a/{i}?id={i}"
        rows.append((f"https://blog{i % 300}.example/post/{i}/", source, "bench", source, now, now))
    with store.transaction():
        store.executemany(
            "INSERT INTO edges (repost_url, source_url, pattern, raw_source_url, first_seen,"
            " last_seen) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    store.rebuild_reach()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--origins", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--postgresql", metavar="URL", help="resolve into this (empty) PostgreSQL database"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.hosts, args.port_file)
        return
    with tempfile.TemporaryDirectory() as folder:
        port_file = Path(folder) / "port"
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                "--hosts",
                str(args.hosts),
                "--port-file",
                str(port_file),
            ],
            stdin=subprocess.PIPE,
        )
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            port = int(port_file.read_text())
            db: Path | str = args.postgresql or Path(folder) / "bench.db"
            build_database(db, args.origins, args.hosts, port)
            tracer = Path(sys.executable).with_name("tracer")
            command = [str(tracer), "--db", str(db), "resolve", "--delay", "0", "--quiet",
                       "--concurrency", str(args.concurrency)]  # fmt: skip
            if os.environ.get("BENCH_PROFILE"):
                profile = Path(os.environ["BENCH_PROFILE"])
                command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command]
            env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
            started = time.monotonic()
            child = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
            _pid, status, usage = os.wait4(child.pid, 0)
            seconds = time.monotonic() - started
            errors = child.stderr.read() if child.stderr else ""
            if status != 0:
                raise SystemExit(f"resolve failed ({status}): {errors}")
            from tracer.store import Store

            store = Store.open(db)
            outcomes = dict(store.execute("SELECT outcome, count(*) FROM pages GROUP BY 1"))
            dated = store.execute(
                "SELECT count(*) FROM pages WHERE published IS NOT NULL"
            ).fetchone()[0]
            merged = store.execute(
                "SELECT count(*) FROM edges WHERE cited_url IS NOT NULL"
            ).fetchone()[0]
            store.close()
            pages = sum(outcomes.values())
            print(f"outcomes: {outcomes}, dated: {dated}, edges merged: {merged}")
            if errors.strip():
                print(errors.strip().splitlines()[-1])
            print(
                f"resolve: {pages} pages in {seconds:.1f} s = {pages / seconds:.0f} pages/s,"
                f" peak RSS {usage.ru_maxrss / 1024:.0f} MB,"
                f" CPU {usage.ru_utime + usage.ru_stime:.1f} s"
                f" = {pages / (usage.ru_utime + usage.ru_stime):.0f} pages per CPU second"
                f" ({args.hosts} hosts, --concurrency {args.concurrency},"
                f" load {os.getloadavg()[0]:.1f})"
            )
        finally:
            if server.stdin:
                server.stdin.close()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
