"""PostgreSQL: a DBA's ``idle_session_timeout`` (PostgreSQL 14 and later) and a session
lost after the last write.

A shared server often ends idle sessions (``ALTER ROLE … SET idle_session_timeout``)
to reap analysts' forgotten ``psql`` windows. A poller's own sessions sit idle for
as long as one feed takes (a slow host, a timeout): the session that holds the poll's
advisory locks idles the whole run. Ended, they stopped the poll with "the connection
to the database was lost" though nothing was wrong, and a rematch could start while
the poll went on. tracer's sessions now set the timeout off for themselves (a URL that
gives its own ``-c idle_session_timeout`` keeps it).

A connection lost after everything was written (at the final unlock of the locks,
which the server frees with the session anyway) no longer makes the command fail.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from cli_helpers import run
from feedserver import FeedServer, Reply, Request
from test_postgres import count, polled, rss

from tracer.engine.postgres import PostgresEngine
from tracer.lock import command_lock, matching_lock
from tracer.store import Store


def _lock(store: Store, kind: str, exclusive: bool = False) -> AbstractContextManager[None]:
    if kind == "command":
        return command_lock(store, "poll")
    return matching_lock(store, exclusive=exclusive)


FEEDS = 2
SLOW = 1.8  # seconds each feed's answer takes: longer than the DBA's timeout


@pytest.fixture
def reaped_url(pg_url: str) -> Iterator[str]:
    """``pg_url`` as a role whose idle sessions the server ends after 1 s."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    role = f"r_{uuid.uuid4().hex[:12]}"
    schema = conninfo_to_dict(pg_url)["options"].split("search_path=")[1].split()[0]
    with psycopg.connect(pg_url, autocommit=True) as admin:
        if admin.info.server_version < 140000:
            pytest.skip("idle_session_timeout is PostgreSQL 14's")
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"ALTER ROLE {role} SET idle_session_timeout = '1s'")
        admin.execute(f"GRANT ALL ON SCHEMA {schema} TO {role}")
    parts = urlsplit(pg_url)
    try:
        yield urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))
    finally:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role} CASCADE")
            admin.execute(f"DROP ROLE {role}")


def test_a_poll_slower_than_the_servers_idle_timeout_completes(reaped_url: str) -> None:
    with closing(Store.open(reaped_url)):
        pass  # the schema, before the timeout is looked at
    import psycopg

    with psycopg.connect(reaped_url, autocommit=True) as session:
        (setting,) = session.execute("SHOW idle_session_timeout").fetchone()
        assert setting == "1s"  # the role's, as a DBA set it

    def slow_feed(request: Request) -> Reply:
        time.sleep(SLOW)
        return Reply(200, rss(request.path.strip("/").split(".")[0], 2))

    routes = {f"/s{i}.xml": slow_feed for i in range(FEEDS)}
    with FeedServer(routes) as server:
        run(reaped_url, "feeds", "add", *[server.url(p) for p in routes])
        result = run(reaped_url, "poll", "--concurrency", "1", code=None)
    assert result.exit_code == 0, result.stderr
    assert polled(result) == FEEDS, result.stderr
    assert "0 errors" in result.stderr, result.stderr
    assert count(reaped_url, "posts") == FEEDS * 2


def test_a_url_that_gives_its_own_idle_timeout_keeps_it(reaped_url: str) -> None:
    url = reaped_url.replace("options=", "options=" + quote("-c idle_session_timeout=2500 "), 1)
    assert url != reaped_url
    with closing(Store.open(url)) as store:
        (setting,) = store.execute("SHOW idle_session_timeout").fetchone()
    assert setting == "2500ms"
    with closing(Store.open(reaped_url)) as store:
        (setting,) = store.execute("SHOW idle_session_timeout").fetchone()
    assert setting == "0"


@pytest.mark.parametrize("lock", ["command", "matching"])
def test_a_session_lost_after_the_last_write_does_not_fail_the_command(
    pg_url: str, lock: str
) -> None:
    import psycopg

    with closing(Store.open(pg_url)) as store:
        engine = store.engine
        assert isinstance(engine, PostgresEngine)
        with _lock(store, lock):
            with psycopg.connect(pg_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [engine.session_id])
            time.sleep(0.2)  # the server ends the session
    with closing(Store.open(pg_url)) as store, _lock(store, lock, exclusive=True):
        pass  # the lock went with the session: free for the next run
