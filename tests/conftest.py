from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "tracer.db"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# -- both engines ---------------------------------------------------------
#
# ``target`` runs a test once on a SQLite file and once on PostgreSQL (a fresh
# schema of the server named by TRACER_TEST_PG, or of a throwaway cluster
# started here when the server binaries are installed). Without a server the
# PostgreSQL case skips, except in CI (CI=true), where it fails.


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import os
    import shutil
    import tempfile

    import pgcluster

    url = os.environ.get("TRACER_TEST_PG")
    if url:
        yield url
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_postgres("psycopg is not installed (pip install -e '.[dev]')")
    if pgcluster.find_bindir() is None:
        _no_postgres("no PostgreSQL server: set TRACER_TEST_PG or apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="tracer-pg-"))
    folder.chmod(0o755)  # as root the cluster runs as nobody, who must reach it
    try:
        url = pgcluster.start(folder / "cluster")
    except Exception as exc:
        pgcluster.stop(folder / "cluster")
        shutil.rmtree(folder, ignore_errors=True)
        _no_postgres(f"cannot start a PostgreSQL cluster: {exc}")
    try:
        yield url
    finally:
        pgcluster.stop(folder / "cluster")
        shutil.rmtree(folder, ignore_errors=True)  # the cluster's files: nothing left in /tmp


def _no_postgres(reason: str) -> None:
    import os

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests may not skip in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A ``postgresql://`` URL whose tables live in a fresh schema, dropped afterwards."""
    import uuid
    from urllib.parse import quote

    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{separator}options={quote(f'-c search_path={schema}')}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def pg_schemas(pg_server: str) -> Iterator[Callable[[], str]]:
    """Make fresh schemas that live for the whole session (module-scoped worlds on
    PostgreSQL); a URL each, all dropped at the end."""
    import uuid
    from urllib.parse import quote

    import psycopg

    created: list[str] = []

    def new() -> str:
        schema = f"s_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        created.append(schema)
        separator = "&" if "?" in pg_server else "?"
        return f"{pg_server}{separator}options={quote(f'-c search_path={schema}')}"

    yield new
    with psycopg.connect(pg_server, autocommit=True) as conn:
        for schema in created:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What ``--db`` gets: a SQLite file path, or a PostgreSQL URL (one run each)."""
    if request.param == "sqlite":
        return str(tmp_path / "tracer.db")
    return str(request.getfixturevalue("pg_url"))


def require_native(in_use: bool, what: str) -> None:
    """Skip a test of a compiled C helper unless ``in_use``; in CI (``CI`` set,
    ``TRACER_PURE_PYTHON`` unset) fail instead: CI must test the C path."""
    if in_use:
        return
    if os.environ.get("TRACER_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("TRACER_PURE_PYTHON is set: the tests run pure Python")
    why = f"{what} is not built or not in use (make compiled; pure Python on this machine?)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must test {what}: {why}")
    pytest.skip(why)


def database_before(path: Path, folder: Path, migration: str) -> Database:
    """A SQLite database at ``path`` with the migrations before ``migration`` (a number
    such as "0016") applied, as an older tracer left it (``folder``: their copies)."""
    from tracer.migrations import migrate, migration_files

    folder.mkdir()
    for file in migration_files():
        if file.name < migration:
            (folder / file.name).write_text(file.read_text())
    db = Database(sqlite3.connect(path, isolation_level=None))
    migrate(db, folder)
    return db
