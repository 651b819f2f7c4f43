"""Peak memory of `tracer poll --all` over 1,000 feeds plus one 200 MB response.

Issue #6 asks for a peak RSS under 200 MB. The feeds are served on 127.0.0.1
by a separate process (so the server's memory is not counted): 1,000 RSS
feeds of 50 items each, and one feed whose answer is a 200 MB chunked body
(no Content-Length, so the poller has to stream it and stop at its cap). The
poller runs as a child process; its peak RSS comes from ``wait4``.

    .venv/bin/python benchmarks/bench_poll_memory.py [--feeds 1000] [--huge-mb 200]

The last line reads ``poll memory: peak RSS NNN MB at 1000 feeds + 200 MB response``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHUNK = 64 * 1024


def feed_body(number: int, items: int = 50) -> bytes:
    entries = "".join(
        f"<item><title>Post {i} of feed {number}</title>"
        f"<link>https://site{number}.example/{2026}/post-{i}/</link>"
        f"<guid>https://site{number}.example/?p={i}</guid>"
        f"<pubDate>Wed, 25 Nov 2026 10:{i % 60:02d}:00 +0000</pubDate>"
        f"<description><![CDATA[<p>{'Some reposted text. ' * 40}</p>"
        f'<p>Source Article from <a href="https://origin{number % 37}.example/news/{i}">'
        f"origin</a></p>]]></description></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {number}</title><link>https://site{number}.example/</link>{entries}"
        "</channel></rss>"
    ).encode()


def serve(feeds: int, huge_mb: int) -> None:
    """Child process: serve the feeds, print the port, run until stdin closes."""
    from feedserver import FeedServer, Reply, Static

    def huge(_request: object) -> Reply:
        block = b"<item>" + b"x" * (CHUNK - 6)
        return Reply(200, (block for _ in range(huge_mb * 1024 * 1024 // CHUNK)))

    routes = {f"/feed{n}.xml": Static(feed_body(n)) for n in range(feeds)}
    routes["/huge.xml"] = huge
    with FeedServer(routes) as server:
        print(server.port, flush=True)
        sys.stdin.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--huge-mb", type=int, default=200)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.feeds, args.huge_mb)
        return

    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--feeds",
            str(args.feeds),
            "--huge-mb",
            str(args.huge_mb),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bench.db"
            from tracer.store import Store

            store = Store.open(db)
            for n in range(args.feeds):
                store.add_feed(f"http://127.0.0.1:{port}/feed{n}.xml")
            store.add_feed(f"http://127.0.0.1:{port}/huge.xml")
            store.close()
            peaks = []
            for label in ("cold", "warm"):  # warm: every feed answers 304, the huge one again
                started = time.monotonic()
                poller = subprocess.Popen(
                    [sys.executable, "-m", "tracer", "--db", str(db), "poll", "--all"],
                    stderr=subprocess.PIPE,
                    text=True,
                    cwd=ROOT,
                )
                assert poller.stderr is not None
                errors = poller.stderr.read()
                _pid, status, usage = os.wait4(poller.pid, 0)
                seconds = time.monotonic() - started
                peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
                summary = [line for line in errors.splitlines() if line.startswith("polled")]
                print(f"{label}: {summary[-1] if summary else errors.strip()}")
                print(
                    f"{label}: wall {seconds:.1f} s, exit status"
                    f" {os.waitstatus_to_exitcode(status)}, peak RSS {peaks[-1]:.0f} MB"
                )
            print(
                f"poll memory: peak RSS {max(peaks):.0f} MB at {args.feeds} feeds"
                f" + {args.huge_mb} MB response"
            )
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
