"""PostgreSQL as a shared desk uses it: analysts with read-only roles, one-line errors.

A real server (``pg_url``: a fresh schema), a real login role per test
(dropped afterwards), the CLI in-process.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import graph_fixture as g
import pytest
from cli_helpers import run, run_json


def _as_role(url: str, role: str) -> str:
    """``url`` with its user replaced by ``role`` (no password: the test cluster trusts it)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


@pytest.fixture
def reader(pg_url: str) -> Iterator[str]:
    """A login role that may read the store's tables and create nothing: an analyst."""
    import psycopg

    g.build(pg_url)  # tables made and migrated by their owner
    role = f"reader_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()[0]  # type: ignore[index]
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    yield _as_role(pg_url, role)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {role}")
        conn.execute(f"DROP ROLE {role}")


def test_a_read_only_role_runs_the_queries_of_an_up_to_date_store(pg_url: str, reader: str) -> None:
    for args in (("chain", g.MIRROR1, "--json"), ("reposts", g.RT1, "--json"), ("stats", "--json")):
        assert run_json(reader, *args) == run_json(pg_url, *args)
    for args in (("export", "--format", "csv"), ("origins",), ("sites",)):
        assert run(reader, *args).stdout == run(pg_url, *args).stdout


def test_a_role_that_may_not_create_the_tables_gets_one_line_and_exit_1(pg_server: str) -> None:
    import psycopg

    role = f"nobody_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
    try:
        schema = f"t_{uuid.uuid4().hex[:12]}"  # exists, empty, and not the role's
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
            conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        url = _as_role(pg_server, role) + f"?options=-c%20search_path%3D{schema}"
        result = run(url, "feeds", "add", "https://blog.example/feed/", code=1)
        assert "permission denied" in result.stderr
        assert result.stderr.startswith("error: cannot migrate ")
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


def test_a_refused_connection_is_one_line_without_the_password() -> None:
    result = run("postgresql://tracer:s3cret@127.0.0.1:1/tracer", "stats", code=1)
    assert result.stderr.startswith("error: cannot connect to postgresql://tracer:***@127.0.0.1:1/")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "s3cret" not in result.stderr


def test_a_password_given_as_a_url_parameter_is_hidden_too() -> None:
    url = "postgresql://tracer@127.0.0.1:1/tracer?connect_timeout=5&password=s3cret"
    result = run(url, "stats", code=1)
    assert (
        "cannot connect to postgresql://tracer@127.0.0.1:1/tracer?connect_timeout=5&password=***:"
        in (result.stderr)
    )
    assert "s3cret" not in result.stderr
