"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary directory, loopback only.

Used by ``.ci/run`` (``python tests/pgcluster.py start DIR`` prints the URL to
export as ``TRACER_TEST_PG``; ``stop DIR`` stops it) and by the ``pg_url``
fixture in ``tests/conftest.py`` when no ``TRACER_TEST_PG`` is given but the
server binaries are installed. As root the cluster runs as ``nobody`` (initdb
refuses root). It listens on 127.0.0.1 and a socket inside DIR only.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["find_bindir", "start", "stop"]

DB_NAME = "tracer_test"


def find_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (Debian keeps them off PATH)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "nobody", "--", *args]


def start(directory: Path, *, durable: bool = False) -> str:
    """Initialise and start a cluster in ``directory``; return a ``postgresql://`` URL.

    As root, ``directory`` and its parents must be traversable by ``nobody``
    (e.g. a fresh ``mktemp -d`` under /tmp made mode 755). Tests run without
    fsync; ``durable`` (benchmarks) keeps fsync and full-page writes and turns
    off only ``synchronous_commit``, which loses at most the last commits on a
    crash and never corrupts, like SQLite's WAL with ``synchronous=NORMAL``.
    """
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    if os.geteuid() == 0:
        os.chmod(directory, 0o755)
        subprocess.run(["chown", "nobody", str(directory)], check=True)
    port = _free_port()
    subprocess.run(
        _as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "tracer",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--locale-provider",
                "icu",
                "--icu-locale",
                "en-US",
                "--no-sync",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c max_connections=60"
    options += " -c synchronous_commit=off"
    if not durable:
        options += " -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_owner(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(directory / "log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (directory / "port").write_text(str(port))
    url = f"postgresql://tracer@127.0.0.1:{port}/postgres"
    for _ in range(50):
        result = subprocess.run(
            [str(bindir / "psql"), url, "-q", "-c", f"CREATE DATABASE {DB_NAME}"],
            capture_output=True,
            text=True,
        )
        if result.returncode == 0 or "already exists" in result.stderr:
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(f"cannot create the test database: {result.stderr}")
    return f"postgresql://tracer@127.0.0.1:{port}/{DB_NAME}"


def stop(directory: Path) -> None:
    bindir = find_bindir()
    if bindir is None or not (directory / "data").exists():
        return
    subprocess.run(
        _as_owner(
            [str(bindir / "pg_ctl"), "-D", str(directory / "data"), "-m", "fast", "-w", "stop"]
        ),
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    if command == "start":
        print(start(folder))
    elif command == "stop":
        stop(folder)
    else:
        sys.exit(f"usage: {sys.argv[0]} start|stop DIR")
