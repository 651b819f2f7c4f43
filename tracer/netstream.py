"""httpcore's network backend on plain asyncio streams, for :class:`tracer.pooled.PoolTransport`.

httpcore's default backend goes through anyio, which wraps every read and
write of a connection in a cancel scope and answers each "is this idle
connection still usable?" through its typed-attribute lookup: more CPU per
conditional GET than httpcore's own HTTP work. This backend (httpcore's
public ``AsyncNetworkBackend`` interface) uses asyncio's streams directly
and raises what the anyio backend raises, with the same messages, so a
feed's error reads the same:

- a refused or unreachable connection: ``ConnectError("All connection
  attempts failed")``; a name that does not resolve: ``ConnectError`` with
  the resolver's message; a TLS handshake failure: ``ConnectError`` with
  the ``ssl`` message;
- a connection broken while reading or writing: ``ReadError`` /
  ``WriteError`` without a message; the end of the stream reads as ``b""``;
- a deadline passed: ``ConnectTimeout`` / ``ReadTimeout`` / ``WriteTimeout``.

Connection attempts interleave address families 250 ms apart (happy
eyeballs, as anyio); asyncio sets ``TCP_NODELAY`` on its TCP transports.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore

__all__ = ["AsyncioBackend"]

HAPPY_EYEBALLS_DELAY = 0.25  # seconds, anyio's


@contextlib.contextmanager
def _deadline_as(error: type[Exception]) -> Iterator[None]:
    try:
        yield
    except TimeoutError:
        raise error() from None


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _deadline_as(httpcore.ReadTimeout):
            try:
                if timeout is None:
                    return await self._reader.read(max_bytes)
                async with asyncio.timeout(timeout):
                    return await self._reader.read(max_bytes)
            except OSError as exc:
                raise httpcore.ReadError() from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with _deadline_as(httpcore.WriteTimeout):
            try:
                if self._writer.is_closing():
                    raise ConnectionResetError("connection closed")
                self._writer.write(buffer)
                if timeout is None:
                    await self._writer.drain()
                else:
                    async with asyncio.timeout(timeout):
                        await self._writer.drain()
            except OSError as exc:
                raise httpcore.WriteError() from exc

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _deadline_as(httpcore.ConnectTimeout):
            try:
                async with asyncio.timeout(timeout):
                    await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
            except (OSError, ssl.SSLError) as exc:  # SSLError is an OSError; named for clarity
                self._writer.close()
                raise httpcore.ConnectError(str(exc)) from exc
            except BaseException:
                self._writer.close()
                raise
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":  # an idle connection the server closed (or wrote on)
            if self._reader.at_eof() or self._writer.is_closing():
                return True
            sock = self._writer.get_extra_info("socket")
            return sock is not None and _readable(sock)
        return None


def _readable(sock: Any) -> bool:
    """Whether a socket has data or an end of stream waiting (as httpcore checks it)."""
    fd = sock.fileno()
    if fd == -1:
        return True
    poll = select.poll()
    poll.register(fd, select.POLLIN)
    return bool(poll.poll(0))


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _deadline_as(httpcore.ConnectTimeout):
            try:
                async with asyncio.timeout(timeout):
                    reader, writer = await asyncio.open_connection(
                        host,
                        port,
                        local_addr=(local_address, 0) if local_address else None,
                        happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                    )
            except socket.gaierror as exc:
                raise httpcore.ConnectError(str(exc)) from exc
            except OSError as exc:
                raise httpcore.ConnectError("All connection attempts failed") from exc
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        with _deadline_as(httpcore.ConnectTimeout):
            try:
                async with asyncio.timeout(timeout):
                    reader, writer = await asyncio.open_unix_connection(path)
            except OSError as exc:
                raise httpcore.ConnectError(str(exc)) from exc
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
