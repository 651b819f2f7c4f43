"""PostgreSQL: a DBA's ``idle_session_timeout`` (PostgreSQL 14 and later).

A shared server often ends idle sessions (``ALTER ROLE … SET idle_session_timeout``)
to reap analysts' forgotten ``psql`` windows. A poller's own sessions sit idle for
as long as one feed takes (a slow host, a timeout): the session that holds the poll's
advisory locks idles the whole run. Ended, they stopped the poll with "the connection
to the database was lost" though nothing was wrong, and a rematch could start while
the poll went on. tracer's sessions now set the timeout off for themselves (a URL that
gives its own ``-c idle_session_timeout`` keeps it).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from cli_helpers import run
from feedserver import FeedServer, Reply, Request
from test_postgres import count, polled, rss

from tracer.store import Store

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
