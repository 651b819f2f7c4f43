"""A small forward proxy on loopback for tests: plain HTTP requests and CONNECT tunnels.

``with ProxyServer() as proxy: proxy.url`` → ``http://127.0.0.1:PORT``; ``proxy.log``
lists ``(method, target)`` of every request it was asked to carry (``GET
http://…`` for plain HTTP, ``CONNECT host:port`` for HTTPS tunnels).
Plain requests are sent upstream with ``Connection: close`` and answered with
``Connection: close``, so every request is one upstream connection.
"""

from __future__ import annotations

import contextlib
import select
import socket
import socketserver
import threading
from urllib.parse import urlsplit


class ProxyServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                head, _, rest = head.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                with outer._lock:
                    outer.log.append((method, target))
                if method == "CONNECT":
                    self._tunnel(target, rest)
                else:
                    self._forward(method, target, lines[1:], rest)

            def _tunnel(self, target: str, rest: bytes) -> None:
                host, _, port = target.rpartition(":")
                try:
                    upstream = socket.create_connection((host, int(port)), timeout=10)
                except OSError:
                    self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
                _relay(self.request, upstream)

            def _forward(self, method: str, target: str, headers: list[str], rest: bytes) -> None:
                parts = urlsplit(target)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                kept = [h for h in headers if not h.lower().startswith(("connection:", "proxy-"))]
                request = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{h}\r\n" for h in kept)
                request += "Connection: close\r\n\r\n"
                try:
                    upstream = socket.create_connection(
                        (parts.hostname or "", parts.port or 80), timeout=10
                    )
                except OSError:
                    self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    return
                with upstream:
                    upstream.sendall(request.encode("latin-1") + rest)
                    answer = b""
                    while b"\r\n\r\n" not in answer:
                        chunk = upstream.recv(65536)
                        if not chunk:
                            break
                        answer += chunk
                    status, _, body = answer.partition(b"\r\n\r\n")
                    lines = [
                        line
                        for line in status.split(b"\r\n")
                        if not line.lower().startswith(b"connection:")
                    ]
                    self.request.sendall(
                        b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body
                    )
                    while True:
                        chunk = upstream.recv(65536)
                        if not chunk:
                            break
                        self.request.sendall(chunk)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients hanging up mid-tunnel are normal here

        self._server = Server((host, 0), Handler)
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def targets(self, method: str) -> list[str]:
        with self._lock:
            return [target for m, target in self.log if m == method]

    def __enter__(self) -> ProxyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    with contextlib.suppress(OSError), b:
        sockets = [a, b]
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)
