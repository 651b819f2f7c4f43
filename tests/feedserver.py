"""A small HTTP server on 127.0.0.1 for tests, the demo and benchmarks.

Serves a table of routes. A route is either a :class:`Static` document (with
ETag and Last-Modified, answering conditional requests with 304) or a
callable ``handler(request) -> Reply`` that plays any misbehaviour. Every
request is logged (path and headers) so tests can assert on what was asked.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when it arrived
    connection: int = 0  # the client's port: requests on one kept-alive connection share it


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds between chunks when body is an iterable


@dataclass
class Static:
    body: bytes
    content_type: str = "application/xml; charset=utf-8"
    etag: bool = True
    last_modified: bool = True

    def __post_init__(self) -> None:
        self.set_body(self.body)

    def set_body(self, body: bytes) -> None:
        """Publish a new version of the document (new ETag and Last-Modified)."""
        self.body = body
        self.tag = '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'
        self.modified = formatdate(time.time() - 3600 + len(body) % 1000, usegmt=True)

    def __call__(self, request: Request) -> Reply:
        headers = {"Content-Type": self.content_type}
        if self.etag:
            headers["ETag"] = self.tag
        if self.last_modified:
            headers["Last-Modified"] = self.modified
        if (self.etag and request.headers.get("if-none-match") == self.tag) or (
            self.last_modified
            and not self.etag
            and request.headers.get("if-modified-since") == self.modified
        ):
            return Reply(304, b"", headers)
        return Reply(200, self.body, headers)


Handler = Callable[[Request], Reply]


class FeedServer:
    """``with FeedServer(routes) as server: server.url("/feed.xml")``."""

    def __init__(self, routes: dict[str, Handler] | None = None, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = dict(routes or {})
        self.log: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers + body writes wait ~40 ms (delayed ACK)

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(self.path, headers, time.monotonic(), self.client_address[1])
                with outer._lock:
                    outer.log.append(request)
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                try:
                    handler = outer.routes.get(self.path.split("?", 1)[0])
                    reply = handler(request) if handler else Reply(404, b"not found")
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self._send(reply)
                finally:
                    with outer._lock:
                        outer.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                headers = {k.lower(): v for k, v in reply.headers.items()}
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if isinstance(reply.body, bytes):
                    if "content-length" not in headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.status != 304:
                        self.wfile.write(reply.body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk in _chunks(reply.body):
                    if reply.delay:
                        time.sleep(reply.delay)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

        self.host = host  # any 127.x.y.z is loopback on Linux: a second "host" for politeness tests
        self.httpd = _QuietServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (cut off at a cap or a deadline) are normal here."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _chunks(body: Iterable[bytes]) -> Iterator[bytes]:
    for chunk in body:
        if chunk:
            yield chunk


def serve_directory(folder: Path, pattern: str = "*.xml") -> dict[str, Handler]:
    """Routes for every file of ``folder`` matching ``pattern``, at ``/NAME``."""
    return {f"/{path.name}": Static(path.read_bytes()) for path in sorted(folder.glob(pattern))}
