"""A fast loopback feed server for the benchmark (asyncio, keep-alive, 304s).

Run as a process: ``python benchmarks/loopserver.py --count N --hosts H --urls FILE``.
It generates the feeds of :mod:`feedgen`, listens on one port of the
addresses 127.0.0.1 … 127.0.0.H (all loopback on Linux), writes the feed
URLs to FILE (feed *i* on host *i mod H*, so per-host politeness limits
behave as with real, distinct sites) and prints ``READY`` once serving.

Every response is prebuilt bytes: the server answers a request in a few
microseconds, so it is never what the benchmark measures. ``ETag`` and
``Last-Modified`` are sent; a matching ``If-None-Match`` (or, without one,
``If-Modified-Since``) gets ``304 Not Modified``. ``GET /stats`` returns the
counts of 200 and 304 answers as JSON. ``--latency 50-200`` holds every answer
back a random 50–200 ms (uniform, seeded), as a server across the internet
would: the poll then waits on the network as real polls do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import socket
import sys
from email.utils import formatdate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import make_feeds

LAST_MODIFIED = formatdate(1553342400, usegmt=True)  # 2019-03-23 12:00 UTC


class Route:
    def __init__(self, body: bytes, content_type: str) -> None:
        self.etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        common = (
            f"Content-Type: {content_type}\r\nETag: {self.etag}\r\n"
            f"Last-Modified: {LAST_MODIFIED}\r\n"
        )
        self.ok = f"HTTP/1.1 200 OK\r\n{common}Content-Length: {len(body)}\r\n\r\n".encode() + body
        self.not_modified = f"HTTP/1.1 304 Not Modified\r\n{common}\r\n".encode()


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class Server:
    def __init__(self, routes: dict[str, Route], latency: tuple[float, float] = (0, 0)) -> None:
        self.routes = routes
        self.counts = {"200": 0, "304": 0, "404": 0}
        self.latency = latency  # seconds, (low, high): each answer waits a uniform draw
        self.random = random.Random(0)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                path = parts[1] if len(parts) > 1 else "/"
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if self.latency[1]:
                    await asyncio.sleep(self.random.uniform(*self.latency))
                writer.write(self.answer(path, headers))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def answer(self, path: str, headers: dict[str, str]) -> bytes:
        if path == "/stats":
            body = json.dumps(self.counts).encode()
            return (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        route = self.routes.get(path)
        if route is None:
            self.counts["404"] += 1
            return NOT_FOUND
        tag = headers.get("if-none-match")
        if (tag is not None and route.etag in tag) or (
            tag is None and headers.get("if-modified-since") == LAST_MODIFIED
        ):
            self.counts["304"] += 1
            return route.not_modified
        self.counts["200"] += 1
        return route.ok


def parse_latency(text: str) -> tuple[float, float]:
    """``"50-200"`` (ms) → ``(0.05, 0.2)`` seconds; ``"100"`` → ``(0.1, 0.1)``.

    >>> parse_latency("50-200"), parse_latency("100"), parse_latency("0")
    ((0.05, 0.2), (0.1, 0.1), (0.0, 0.0))
    """
    low, _, high = text.partition("-")
    return float(low) / 1000, float(high or low) / 1000


async def main(
    count: int, hosts: int, urls_file: Path, seed: int, latency: tuple[float, float] = (0, 0)
) -> None:
    feeds = make_feeds(count, seed)
    server = Server({feed.path: Route(feed.body, feed.content_type) for feed in feeds}, latency)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    addresses = [f"127.0.0.{1 + i}" for i in range(hosts)]
    servers = [
        await asyncio.start_server(server.handle, address, port, backlog=1024, limit=65536)
        for address in addresses
    ]
    urls = [f"http://{addresses[i % hosts]}:{port}{feed.path}" for i, feed in enumerate(feeds)]
    urls_file.write_text("\n".join(urls) + "\n")
    print(f"READY {port}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--hosts", type=int, default=32)
    parser.add_argument("--urls", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=parse_latency, default=(0, 0), help="ms, e.g. 50-200")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(args.count, args.hosts, args.urls, args.seed, args.latency))
