"""PostgreSQL: migrations on both engines, copy-db both ways, many pollers with leases.

Everything runs against a real server (``pg_url``: a fresh schema; see
conftest.py) and real HTTP over loopback; pollers are real ``tracer poll``
processes started at the same instant.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import graph_fixture as g
import pytest
from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Reply, Request
from typer.testing import Result

from tracer.exceptions import StorageError
from tracer.migrations import migration_files, migrations_dir, postgres_migrations_dir
from tracer.store import Store

ROOT = Path(__file__).resolve().parent.parent


def rss(name: str, items: int = 3) -> bytes:
    entries = "".join(
        f"<item><title>{name} post {i}</title><link>https://{name}.example/post-{i}/</link>"
        f"<description><![CDATA[<p>Source Article from "
        f'<a href="https://origin.example/{name}/{i}">origin.example</a></p>]]></description>'
        f"</item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>{entries}</channel></rss>"
    ).encode()


def poller(db: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracer", "--db", db, "poll", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def count(db: str, table: str) -> int:
    return int(sql_rows(db, f"SELECT count(*) FROM {table}")[0][0])


def polled(result: Result) -> int:
    """How many feeds a `tracer poll` says it polled."""
    found = re.search(r"polled (\d+) feed", result.stderr)
    assert found, result.stderr
    return int(found[1])


# -- schema ---------------------------------------------------------------


def test_every_migration_has_a_postgresql_twin_of_the_same_name() -> None:
    sqlite_names = [p.name for p in migration_files(migrations_dir())]
    postgres_names = [p.name for p in migration_files(postgres_migrations_dir())]
    assert sqlite_names == postgres_names


def test_both_engines_record_the_same_migrations_and_have_the_views(target: str) -> None:
    names = [row[0] for row in sql_rows(target, "SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names == [p.stem for p in migration_files()]
    for view in ("edges_with_domains", "domain_edges", "origin_urls"):
        assert sql_rows(target, f"SELECT count(*) FROM {view}") == [(0,)]
    # opening again (a second poller, a second analyst) migrates nothing twice
    Store.open(target).close()
    assert count(target, "_sqlite_migrations") == len(names)


def test_the_reach_nodes_have_no_foreign_key_to_domains_on_either_engine(target: str) -> None:
    """Migration 0015: inserting a node checks no domains row (a trigger call per node on
    PostgreSQL); the nodes' own keys and indexes stay."""
    Store.open(target).close()
    for table in ("nodes", "declared_nodes"):
        if target.startswith("postgresql"):
            kinds = sql_rows(
                target,
                "SELECT contype FROM pg_constraint WHERE conrelid = to_regclass(?) ORDER BY 1",
                [table],
            )
            assert kinds == [("p",), ("u",)]
        else:
            assert sql_rows(target, f"SELECT * FROM pragma_foreign_key_list('{table}')") == []
            assert len(sql_rows(target, f"SELECT * FROM pragma_index_list('{table}')")) >= 2


def test_a_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import tracer.engine.postgres as postgres

    monkeypatch.setattr(postgres, "psycopg", None)
    with pytest.raises(StorageError, match=r"pip install 'tracer\[postgres\]'"):
        Store.open("postgresql://tracer@127.0.0.1:1/tracer")
    result = run("postgresql://tracer@127.0.0.1:1/tracer", "stats", code=1)
    assert "tracer[postgres]" in result.stderr


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    result = run("postgresql://tracer:s3cret@127.0.0.1:1/tracer", "feeds", "list", code=1)
    assert "cannot connect to postgresql://tracer:***@127.0.0.1:1/tracer" in result.stderr
    assert "s3cret" not in result.stderr


def test_an_upper_case_scheme_names_the_same_database(pg_url: str) -> None:
    scheme, rest = pg_url.split("://", 1)
    run(pg_url, "feeds", "add", "http://127.0.0.1:9/feed.xml")
    listed = run(scheme.upper() + "://" + rest, "feeds", "list", "--json").stdout
    assert "http://127.0.0.1:9/feed.xml" in listed


def test_tracer_sessions_turn_jit_and_synchronous_commit_off_and_keep_the_urls_options(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent with the connection: the URL's own options (here its search_path) still apply."""
    monkeypatch.setenv("PGOPTIONS", "-c work_mem=7MB")  # a URL's options take precedence
    store = Store.open(pg_url)
    try:
        show = {name: store.execute(f"SHOW {name}").fetchone()[0] for name in SETTINGS}
        schema = store.execute("SELECT current_schema()").fetchone()[0]
    finally:
        store.close()
    assert show == {"jit": "off", "synchronous_commit": "off", "work_mem": "4MB"}
    assert schema.startswith("t_") and f"search_path%3D{schema}" in pg_url


SETTINGS = ("jit", "synchronous_commit", "work_mem")


def test_tracer_talks_utf8_to_the_server_whatever_pgclientencoding_says(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With PGCLIENTENCODING=LATIN1 in a poller's environment (a shell profile, a cron
    line), psycopg encoded an Arabic title in LATIN1 and the poll died with a
    UnicodeEncodeError traceback."""
    monkeypatch.setenv("PGCLIENTENCODING", "LATIN1")
    store = Store.open(pg_url)
    try:
        store.add_feed("https://ar-blog.example/feed", title="مدونة عربية")
        assert store.execute("SELECT title FROM feeds").fetchall() == [("مدونة عربية",)]
    finally:
        store.close()


def test_migration_0019_grants_again_what_was_granted_on_the_views_it_makes_again(
    pg_url: str,
) -> None:
    """0019 drops and makes again the three views (a column's type cannot change in
    place), which drops the privileges granted on them: an analysts' role given SELECT
    on them keeps it."""
    import uuid

    import psycopg

    Store.open(pg_url).close()  # migrated
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    migration = (postgres_migrations_dir() / "0019_lag_bigint.sql").read_text()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} NOLOGIN")
        try:
            conn.execute(f"GRANT SELECT ON edges_with_domains, origin_urls TO {role}")
            with conn.transaction():
                conn.execute(migration)  # as an up-to-date store would run it
            granted = conn.execute(
                "SELECT has_table_privilege(%s, 'edges_with_domains', 'SELECT'),"
                " has_table_privilege(%s, 'origin_urls', 'SELECT'),"
                " has_table_privilege(%s, 'domain_edges', 'SELECT')",
                [role] * 3,
            ).fetchone()
            lag_type = conn.execute(
                "SELECT format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = 'edges_with_domains'::regclass AND attname = 'lag_seconds'"
            ).fetchone()
        finally:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")
    assert granted == (True, True, False)
    assert lag_type == ("bigint",)


def test_a_database_not_in_utf8_is_refused_with_what_to_do(pg_server: str) -> None:
    """A LATIN1 database (an older cluster's default, say) cannot hold Arabic or Cyrillic
    posts: the poll stopped with a UnicodeEncodeError traceback, and a SQL_ASCII one gave
    text back as bytes, so the second command migrated again and failed. Every command
    now says what is wrong and what to do, and creates nothing."""
    import uuid

    import psycopg

    name = f"latin1_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(
            f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'"
            " TEMPLATE template0"
        )
    url = pg_server.split("?", 1)[0].rsplit("/", 1)[0] + f"/{name}"
    try:
        for args in (("feeds", "add", "https://latin.example/feed"), ("stats",)):
            result = run(url, *args, code=1)
            assert result.stderr == (
                f"error: database {url!r} has the encoding LATIN1: tracer keeps text in every"
                " language and needs a UTF8 database (createdb --encoding=UTF8"
                " --template=template0 NAME)\n"
            )
        with psycopg.connect(url) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            assert tables.fetchone() == (0,)
    finally:
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name}")


def test_tracer_sessions_use_keepalives_so_that_a_vanished_host_is_noticed_in_minutes(
    pg_url: str,
) -> None:
    """A poller cut off inside a feed's transaction held the reach lock every other
    poller's writes wait for, until the server's operating system gave up on the
    connection (two hours and more); the server now probes a silent client after 60 s
    (and libpq a silent server). A URL's own values win on both sides."""
    keepalives = ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
    store = Store.open(pg_url)
    try:
        server = [store.execute(f"SHOW {name}").fetchone()[0] for name in keepalives]
        client = store.engine.conn.info.get_parameters()
    finally:
        store.close()
    assert server == ["60", "10", "6"]  # seconds, seconds, probes (over TCP: 127.0.0.1)
    assert (client["keepalives_idle"], client["keepalives_count"]) == ("60", "6")
    own = pg_url.replace("options=", "keepalives_idle=5&options=-c%20tcp_keepalives_idle%3D7%20")
    store = Store.open(own)
    try:
        assert store.execute("SHOW tcp_keepalives_idle").fetchone()[0] == "7"
        assert store.engine.conn.info.get_parameters()["keepalives_idle"] == "5"
    finally:
        store.close()


# -- copy-db --------------------------------------------------------------

ANSWERS = (
    ("chain", g.MIRROR1, "--json"),
    ("reposts", g.RT1, "--json"),
    ("origins", "--json"),
    ("sites", "--json"),
    ("stats", "--json"),
    ("feeds", "list", "--json"),
)
EXPORTS = [(f, level) for f in ("jsonl", "csv", "gexf", "dot") for level in ("post", "domain")]


def answers(db: str) -> list[object]:
    found: list[object] = [run_json(db, *args) for args in ANSWERS]
    for fmt, level in EXPORTS:
        text = run(db, "export", "--format", fmt, "--level", level).stdout
        found.append(text.replace(time.strftime("%Y-%m-%d"), "TODAY"))
    return found


def test_copy_db_sqlite_to_postgresql_and_back_answers_every_query_the_same(
    tmp_path: Path, pg_url: str
) -> None:
    original = str(g.build(tmp_path / "original.db"))
    run(original, "poll")  # a run with nothing due still leaves a poll_runs row
    expected = answers(original)
    result = run(original, "copy-db", original, pg_url, "--json", "--batch", "7")
    copied = json.loads(result.stdout)
    assert copied["tables"]["edges"] == g.EDGE_COUNT
    assert copied["tables"]["posts"] == len(g.POSTS)
    assert "counts checked" in result.stderr
    assert answers(pg_url) == expected
    back = str(tmp_path / "back.db")
    run(original, "copy-db", pg_url, back)
    assert answers(back) == expected
    for table in ("feeds", "posts", "edges", "poll_runs", "nodes", "links", "reach"):
        assert sql_rows(back, f"SELECT * FROM {table} ORDER BY 1, 2") == sql_rows(
            original, f"SELECT * FROM {table} ORDER BY 1, 2"
        ), table
    # ids go on from the copied ones: new rows do not collide
    run(pg_url, "feeds", "add", "https://new.example/feed")
    assert count(pg_url, "feeds") == len(g.FEEDS) + 1


def test_copy_db_refuses_a_destination_that_is_not_empty(tmp_path: Path, pg_url: str) -> None:
    original = str(g.build(tmp_path / "original.db"))
    run(pg_url, "feeds", "add", "https://already.example/feed")
    result = run(original, "copy-db", original, pg_url, code=1)
    assert "not empty" in result.stderr
    assert count(pg_url, "feeds") == 1 and count(pg_url, "edges") == 0
    assert (
        "no database file"
        in run(original, "copy-db", str(tmp_path / "nope.db"), pg_url, code=1).stderr
    )


# -- many pollers -----------------------------------------------------------


def test_three_pollers_at_once_poll_each_feed_exactly_once(pg_url: str) -> None:
    go = threading.Event()  # no answer before all three pollers hold claims

    def slow(request: Request) -> Reply:
        go.wait(120)
        body = rss(request.path.strip("/").split(".")[0])
        return Reply(200, iter([body[:60], body[60:]]), delay=0.05)

    routes = {f"/p{i}.xml": slow for i in range(60)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        pollers = [poller(pg_url, "--concurrency", "4") for _ in range(3)]
        # each claims at most 2 x concurrency ahead, so none can take everything: the
        # three share the work however many seconds apart a busy machine starts them
        owners = "SELECT count(DISTINCT leased_by) FROM feeds WHERE leased_by IS NOT NULL"
        deadline = time.monotonic() + 90
        try:
            while sql_rows(pg_url, owners) != [(3,)]:
                assert time.monotonic() < deadline, "the three pollers never all claimed"
                time.sleep(0.05)
        finally:
            go.set()
        outputs = [p.communicate(timeout=120) for p in pollers]
        assert [p.returncode for p in pollers] == [0, 0, 0], outputs
        paths = sorted(r.path for r in server.log)
    assert paths == sorted(routes)  # every feed once, none twice
    polled = [int(err.split("polled ")[1].split(" ")[0]) for _out, err in outputs]
    assert sum(polled) == len(routes)
    assert all(polled), polled  # the work was shared
    assert count(pg_url, "posts") == 3 * len(routes)
    assert count(pg_url, "edges") == 3 * len(routes)
    assert sql_rows(pg_url, "SELECT count(*) FROM feeds WHERE lease_until IS NOT NULL") == [(0,)]
    again = run(pg_url, "poll")  # nothing is due any more
    assert "polled 0 feeds" in again.stderr


def test_pollers_started_seconds_apart_with_all_poll_each_feed_once(pg_url: str) -> None:
    """`poll --all` by cron on several hosts: the late poller skips what the early one polled.

    The early poller writes feeds before the late one's run starts (in the
    same second and in the seconds before): a poll time stored to the second
    cannot tell those apart from a poll of an earlier run, the run that wrote
    the feed can (``feeds.polled_run``)."""

    hold = threading.Event()  # the early poller's first feed answers once the others run
    first: list[str] = []

    def slow(request: Request) -> Reply:
        if not first:
            first.append(request.path)
            hold.wait(60)
        return Reply(200, rss(request.path.strip("/").split(".")[0]), delay=0.1)

    routes = {f"/a{i}.xml": slow for i in range(40)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        early = poller(pg_url, "--all", "--concurrency", "2")
        deadline = time.monotonic() + 60
        while count(pg_url, "feeds WHERE last_polled_at IS NOT NULL") < 4:
            assert time.monotonic() < deadline and early.poll() is None, early.communicate()
            time.sleep(0.02)
        late = [poller(pg_url, "--all", "--concurrency", "2") for _ in range(2)]
        while count(pg_url, "poll_runs") < 3:  # both started their runs, the early one runs
            assert time.monotonic() < deadline and early.poll() is None, early.communicate()
            time.sleep(0.02)
        hold.set()
        outputs = [p.communicate(timeout=120) for p in [early, *late]]
        assert [p.returncode for p in [early, *late]] == [0, 0, 0], outputs
        per_feed = {path: len(server.requests_for(path)) for path in routes}
        assert per_feed == dict.fromkeys(routes, 1)  # every feed once, none twice
        polled = [int(err.split("polled ")[1].split(" ")[0]) for _out, err in outputs]
        assert sum(polled) == len(routes)
        again = run(pg_url, "poll", "--all", "--concurrency", "8")  # a run of its own, later
        assert f"polled {len(routes)} feeds" in again.stderr
        per_feed = {path: len(server.requests_for(path)) for path in routes}
    assert per_feed == dict.fromkeys(routes, 2)


def test_shards_still_split_the_feeds_on_postgresql(pg_url: str) -> None:
    routes = {f"/s{i}.xml": (lambda r: Reply(200, rss(r.path[1:4]))) for i in range(12)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        pollers = [poller(pg_url, "--shard", f"{i}/2", "--all") for i in range(2)]
        outputs = [p.communicate(timeout=60) for p in pollers]
        assert [p.returncode for p in pollers] == [0, 0], outputs
        assert sorted(r.path for r in server.log) == sorted(routes)
    assert all("polled 0 feeds" not in err for _o, err in outputs)


def test_a_killed_pollers_feeds_are_polled_after_its_lease_expires(pg_url: str) -> None:
    hold = threading.Event()

    def stalls(request: Request) -> Reply:
        body = rss(request.path.strip("/").split(".")[0])
        if not hold.is_set():
            return Reply(200, iter([body[:60], body[60:]]), delay=0.05)
        return Reply(200, iter([body[:60], body[60:]]), delay=30)  # never done in time

    routes = {f"/k{i}.xml": stalls for i in range(8)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        hold.set()
        lease = 5
        spawned = time.monotonic()  # the leases start after this...
        victim = poller(pg_url, "--lease", str(lease), "--concurrency", "8", "--timeout", "60")
        leased_sql = "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL"
        deadline = time.monotonic() + 90  # generous: a busy machine
        # it has claimed every feed (and asks 2 at a time: the per-host limit)
        while sql_rows(pg_url, leased_sql) != [(len(routes),)] or not server.log:
            assert time.monotonic() < deadline, "the poller never claimed every feed"
            time.sleep(0.05)
        leased_at = time.monotonic()  # ...and before this
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        assert count(pg_url, "posts") == 0
        time.sleep(0.3)  # a request the victim sent is logged, even on a busy machine
        cleared_at = time.monotonic()
        hold.clear()
        early = run(pg_url, "poll")  # the leases still run: nothing to claim
        # Lease times are whole seconds (`lease_until` is stored text truncated to the
        # second), so a lease may end up to a second early: it runs at least lease - 1
        # seconds from its claim, which came after `spawned`. On a machine so busy that
        # the early poll ended later than that, it may rightly have taken the feeds.
        if time.monotonic() - spawned < lease - 1.2:
            assert "polled 0 feeds" in early.stderr
        time.sleep(max(0.0, lease + 0.5 - (time.monotonic() - leased_at)))
        late = run(pg_url, "poll")
        assert polled(early) + polled(late) == len(routes), (early.stderr, late.stderr)
        before = [r.path for r in server.log if r.at < cleared_at]
        after = [r.path for r in server.log if r.at >= cleared_at]
    assert before and len(before) == len(set(before))  # the killed poller's attempts
    assert sorted(after) == sorted(routes)  # then each feed once, after the expiry
    assert count(pg_url, "posts") == 3 * len(routes)  # nothing lost, nothing twice
    assert sql_rows(pg_url, "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL") == [(0,)]


def test_a_feed_moved_twice_lists_both_old_urls_on_both_engines(target: str) -> None:
    moved = {"b": False}

    def first(request: Request) -> Reply:
        return Reply(301, b"", {"Location": "/b.xml"})

    def second(request: Request) -> Reply:
        if moved["b"]:
            return Reply(301, b"", {"Location": "/c.xml"})
        return Reply(200, rss("b"), {"Content-Type": "application/rss+xml"})

    def third(request: Request) -> Reply:
        return Reply(200, rss("c"), {"Content-Type": "application/rss+xml"})

    with FeedServer({"/a.xml": first, "/b.xml": second, "/c.xml": third}) as server:
        run(target, "feeds", "add", server.url("/a.xml"))
        run(target, "poll", "--all")
        moved["b"] = True
        run(target, "poll", "--all", "--feed", server.url("/b.xml"))
        [feed] = run_json(target, "feeds", "list", "--json")
    assert feed["url"] == server.url("/c.xml")
    assert feed["aliases"] == sorted([server.url("/a.xml"), server.url("/b.xml")])


def test_a_rematch_and_pollers_exclude_each_other_and_pollers_run_together(pg_url: str) -> None:
    from tracer.lock import matching_lock

    run(pg_url, "feeds", "add", "https://blog.example/feed/")
    store = Store.open(pg_url)  # another session: another poller, then a rematch
    try:
        with matching_lock(store, exclusive=False):  # a poller is running
            result = run(pg_url, "rematch", code=1)
            assert "a poll or another rematch is running" in result.stderr
            assert "rematch is running" not in run(pg_url, "poll", "--quiet").stderr
        with matching_lock(store, exclusive=True):  # a rematch is running
            assert "a rematch is running" in run(pg_url, "poll").stderr  # exit 0: next cron
            assert "another rematch" in run(pg_url, "rematch", code=1).stderr
    finally:
        store.close()
    assert "rematched 0 posts" in run(pg_url, "rematch").stderr  # both free again
    assert "unknown URL" in run(pg_url, "copies", "https://blog.example/p/1/", code=1).stderr
