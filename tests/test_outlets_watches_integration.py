"""Loopback: real feeds citing an outlet's editions → poll → outlets, by-outlet queries, watches.

The world: three RT editions as origins (``www.rt.com``, ``de.rt.com``,
``francais.rt.com``), a wire story, RT's German feed (one post citing
www.rt.com), blog A (cites RT editions, once two of them in one post), blog B
(cites blog A), and blog C, which starts reposting later.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from cli_helpers import run, run_json
from feedserver import FeedServer, Static

R1 = "https://www.rt.com/news/101-summit/"
D1 = "https://de.rt.com/international/201-gipfel/"
F1 = "https://francais.rt.com/international/301-sommet"
W1 = "https://wire.example/2026/11/story-9"
DE = "https://de.rt.com/inland/202-bericht/"  # RT's own post citing www.rt.com
A1 = "https://blog-a.example/2026/11/summit/"
A2 = "https://blog-a.example/2026/11/summit-two-editions/"
A3 = "https://blog-a.example/2026/11/wire/"
A4 = "https://blog-a.example/2026/11/sommet/"
B1 = "https://blog-b.example/p/summit-again"
B2 = "https://blog-b.example/p/two-editions-again"
C1 = "https://blog-c.example/news/summit/"

RT_DOMAINS = ("rt.com", "*.rt.com")


@pytest.fixture
def db_path(target: str) -> str:
    """Every test here runs twice: on a SQLite file and on PostgreSQL (conftest.target)."""
    return target


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
        "<link>https://example.invalid/</link><description>d</description>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


def item(link: str, title: str, *sources: str) -> str:
    links = "".join(f'<p>Source: <a href="{s}">{s}</a></p>' for s in sources)
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        "<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>"
        f"<content:encoded><![CDATA[<p>Body of {title}.</p>{links}]]></content:encoded></item>"
    )


FEED_A = rss(
    item(A1, "Summit & more", R1),
    item(A2, "Summit, two editions", R1, D1),
    item(A3, "Wire story", W1),
)
FEED_A_LATER = rss(
    item(A4, "Sommet", F1),
    item(A1, "Summit & more", R1),
    item(A2, "Summit, two editions", R1, D1),
    item(A3, "Wire story", W1),
)
FEED_B = rss(item(B1, "Summit again", A1), item(B2, "Two editions again", A2))
FEED_DE = rss(item(DE, "Bericht", R1))
FEED_C_EMPTY = rss()
FEED_C = rss(item(C1, "Summit, too", R1))


class World:
    """The feeds on a loopback server, and a database that polls them."""

    def __init__(self, db: Path, server: FeedServer) -> None:
        self.db = db
        self.server = server
        self.routes = {
            "/a.xml": Static(FEED_A),
            "/b.xml": Static(FEED_B),
            "/de.xml": Static(FEED_DE),
            "/c.xml": Static(FEED_C_EMPTY),
        }
        server.routes.update(self.routes)
        run(db, "feeds", "add", *[server.url(p) for p in self.routes])

    def poll(self) -> None:
        assert "0 errors" in run(self.db, "poll", "--all").stderr

    def publish_later(self) -> None:
        self.routes["/a.xml"].set_body(FEED_A_LATER)
        self.routes["/c.xml"].set_body(FEED_C)


@pytest.fixture
def world(db_path: Path) -> World:
    with FeedServer() as server:
        yield World(db_path, server)


def reposts_of(db: Path, url: str) -> set[str]:
    return {r["url"] for r in run_json(db, "reposts", url, "--json")["reposts"]}


def rt_urls() -> list[str]:
    return [R1, D1, DE]


# -- outlets --------------------------------------------------------------


def test_outlet_row_counts_distinct_posts_reaching_any_of_its_domains(world: World) -> None:
    world.poll()
    run(world.db, "outlets", "add", "RT", *RT_DOMAINS)
    by_domain = {r["domain"]: r for r in run_json(world.db, "origins", "--json")}
    by_outlet = {r["name"]: r for r in run_json(world.db, "origins", "--json", "--by", "outlet")}
    rt = by_outlet["RT"]
    assert rt["outlet"] is True and rt["domains"] == ["de.rt.com", "rt.com"]
    # distinct posts whose chain reaches an RT origin URL, from `reposts` itself
    reaching = reposts_of(world.db, R1) | reposts_of(world.db, D1)
    assert rt["reposts"] == len(reaching) == 5  # A1 A2 B1 B2 and RT's own DE
    # A2 (and B2 through it) reach two RT domains: counted once, not twice
    assert by_domain["rt.com"]["reposts"] + by_domain["de.rt.com"]["reposts"] == 7
    direct = {u for u in reaching if u in reposts_of(world.db, R1) | {A2}} & {A1, A2, DE}
    assert rt["direct"] == len(direct) == 3
    assert rt["articles"] == by_domain["rt.com"]["articles"] + by_domain["de.rt.com"]["articles"]
    assert rt["sites"] == 3  # blog-a, blog-b, RT itself (de.rt.com counts as RT)
    wire = by_outlet["wire.example"]
    assert wire["outlet"] is False and wire["reposts"] == by_domain["wire.example"]["reposts"]


def test_without_outlets_by_outlet_equals_by_domain(world: World) -> None:
    world.poll()
    by_domain = run_json(world.db, "origins", "--json")
    by_outlet = run_json(world.db, "origins", "--json", "--by", "outlet")
    keys = ("reposts", "direct", "sites", "articles", "resolved", "gone")
    assert [(r["domain"], *(r[k] for k in keys)) for r in by_domain] == [
        (r["name"], *(r[k] for k in keys)) for r in by_outlet
    ]
    sites = run_json(world.db, "sites", "--json")
    grouped = run_json(world.db, "sites", "--json", "--by", "outlet")
    assert [(s["domain"], s["posts"], s["edges"], s["top_origins"]) for s in sites] == [
        (
            s["name"],
            s["posts"],
            s["edges"],
            [{"domain": o["name"], "reposts": o["reposts"]} for o in s["top_origins"]],
        )
        for s in grouped
    ]


def test_sites_by_outlet_groups_both_sides(world: World) -> None:
    world.poll()
    run(world.db, "outlets", "add", "RT", *RT_DOMAINS)
    rows = {r["name"]: r for r in run_json(world.db, "sites", "--json", "--by", "outlet")}
    blog_a = rows["blog-a.example"]
    # A1 and A2 reach RT (A2 through two editions: once); A3 reaches the wire
    assert blog_a["top_origins"] == [
        {"name": "RT", "outlet": True, "reposts": 2},
        {"name": "wire.example", "outlet": False, "reposts": 1},
    ]
    assert rows["RT"]["domains"] == ["de.rt.com"] and rows["RT"]["posts"] == 1
    plain = run(world.db, "sites", "--by", "outlet").stdout
    assert "RT (2)" in plain


def test_export_level_outlet_merges_domain_pairs(world: World) -> None:
    world.poll()
    run(world.db, "outlets", "add", "RT", *RT_DOMAINS)
    lines = run(world.db, "export", "--level", "outlet", "-f", "jsonl").stdout.splitlines()
    edges = [json.loads(line) for line in lines]
    pairs = {(e["repost_outlet"], e["source_outlet"]): e["weight"] for e in edges}
    assert pairs[("blog-a.example", "RT")] == 3  # A1→R1, A2→R1, A2→D1: edges, as at domain level
    assert pairs[("RT", "RT")] == 1  # RT's own DE → R1
    total = sum(
        json.loads(x)["weight"]
        for x in run(world.db, "export", "--level", "domain").stdout.splitlines()
    )
    assert sum(pairs.values()) == total
    gexf = run(world.db, "export", "--level", "outlet", "-f", "gexf").stdout
    assert 'id="RT"' in gexf and 'title="outlet"' in gexf
    dot = run(world.db, "export", "--level", "outlet", "-f", "dot")
    assert '"blog-a.example" -> "RT"' in dot.stdout and "exported" in dot.stderr


def test_outlet_conflicts_and_patterns(db_path: Path) -> None:
    run(db_path, "outlets", "add", "RT", "www.rt.com", "*.rt.com", "--notes", "editions")
    clash = run(db_path, "outlets", "add", "Other", "de.rt.com", code=1)
    assert "at most one outlet" in clash.stderr and "*.rt.com" in clash.stderr
    assert "*.com" in run(db_path, "outlets", "add", "Wide", "*.com", code=1).stderr
    hint = run(db_path, "outlets", "add", "Sputnik", "*.sputniknews.com").stderr
    assert "does not match sputniknews.com itself" in hint
    run(db_path, "outlets", "add", "Sputnik", "sputniknews.com")  # adds to the outlet
    [rt, sputnik] = run_json(db_path, "outlets", "list", "--json")
    assert rt["domains"] == ["*.rt.com", "rt.com"] and rt["notes"] == "editions"
    assert sputnik["domains"] == ["*.sputniknews.com", "sputniknews.com"]
    removed = run(db_path, "outlets", "remove", "Sputnik", "*.sputniknews.com").stderr
    assert removed == "removed 1 domain from outlet Sputnik\n"  # was '1 domain(s)'
    assert run_json(db_path, "outlets", "list", "--json")[1]["domains"] == ["sputniknews.com"]
    removed = run(db_path, "outlets", "remove", "Sputnik").stderr
    assert removed == "removed outlet Sputnik (1 domain)\n"
    assert "unknown outlet" in run(db_path, "outlets", "remove", "Sputnik", code=1).stderr
    assert [o["name"] for o in run_json(db_path, "outlets", "list", "--json")] == ["RT"]
    assert run(db_path, "outlets", "list").stdout.splitlines() == [
        "RT\t*.rt.com rt.com",
        "\tnotes: editions",
    ]


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_outlets_export_import_round_trip(tmp_path: Path, db_path: str, fmt: str) -> None:
    """From a SQLite file into a store of each engine, and back."""
    first, second = tmp_path / "one.db", db_path
    run(first, "outlets", "add", "RT", "rt.com", "*.rt.com", "--source", "rt.com editions menu")
    run(first, "outlets", "add", "DW", "dw.com", "--notes", 'one, two; "three"')
    text = run(first, "outlets", "export", "--format", fmt).stdout
    path = tmp_path / f"outlets.{fmt}"
    path.write_text(text)
    assert "imported 2 outlets: 2 new" in run(second, "outlets", "import", str(path)).stderr
    assert run_json(second, "outlets", "list", "--json") == run_json(
        first, "outlets", "list", "--json"
    )
    assert "0 new, 2 replaced" in run(second, "outlets", "import", str(path)).stderr
    assert run(second, "outlets", "export", "--format", fmt).stdout == text


def test_bad_import_stores_nothing(tmp_path: Path, db_path: Path) -> None:
    run(db_path, "outlets", "add", "RT", "rt.com", "*.rt.com")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: New\n  domains: [new.example]\n- name: Clash\n  domains: [de.rt.com]\n")
    result = run(db_path, "outlets", "import", str(bad), code=1)
    assert "nothing imported" in result.stderr and "de.rt.com" in result.stderr
    unquoted = tmp_path / "unquoted.yaml"
    unquoted.write_text("- name: RU\n  domains: [ru.example, *.ru.example]\n")
    assert "quote patterns" in run(db_path, "outlets", "import", str(unquoted), code=1).stderr
    broken = tmp_path / "broken.csv"
    broken.write_text("name,domains\nNoDomains,\n")
    assert "line 2" in run(db_path, "outlets", "import", str(broken), code=1).stderr
    assert [o["name"] for o in run_json(db_path, "outlets", "list", "--json")] == ["RT"]


def test_sample_outlets_file_imports(db_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "samples" / "outlets.example.yaml"
    run(db_path, "outlets", "import", str(sample))
    outlets = {o["name"]: o for o in run_json(db_path, "outlets", "list", "--json")}
    assert {"rt.com", "*.rt.com"} <= set(outlets["RT"]["domains"])
    assert all(o["domains"] for o in outlets.values())


# -- watches --------------------------------------------------------------


def test_watches_match_the_same_posts_as_reposts(world: World) -> None:
    world.poll()
    run(world.db, "outlets", "add", "RT", *RT_DOMAINS)
    url_watch = run(world.db, "watch", "add", "--url", R1 + "?utm_source=x").stdout.strip()
    run(world.db, "watch", "add", "--outlet", "RT")
    run(world.db, "watch", "add", "--domain", "www.rt.com")
    run(world.db, "watch", "add", "--site", "blog-b.example")
    feed = feedparser.parse(run(world.db, "watch", "feed", "--watch", url_watch).stdout)
    assert {e.id for e in feed.entries} == reposts_of(world.db, R1)
    rt_reposts = set().union(*(reposts_of(world.db, u) for u in rt_urls()))
    outlet_entries = feedparser.parse(run(world.db, "watch", "feed", "-w", "2").stdout).entries
    # the outlet's own posts (RT's German feed) are not reposts of it
    assert {e.id for e in outlet_entries} == rt_reposts - {DE} == {A1, A2, B1, B2}
    domain_entries = feedparser.parse(run(world.db, "watch", "feed", "-w", "3").stdout).entries
    assert {e.id for e in domain_entries} == reposts_of(world.db, R1) == {A1, A2, B1, B2, DE}
    site_entries = feedparser.parse(run(world.db, "watch", "feed", "-w", "4").stdout).entries
    assert {e.id for e in site_entries} == {B1, B2}
    listed = run_json(world.db, "watch", "list", "--json")
    assert [(w["kind"], w["target"]) for w in listed] == [
        ("url", R1),
        ("outlet", "RT"),
        ("domain", "rt.com"),
        ("site", "blog-b.example"),
    ]
    assert listed[1]["reported"] == 4 and listed[1]["sites"] == 2
    plain = run(world.db, "watch", "list").stdout.splitlines()
    assert plain[0] == "id\tkind\ttarget\treported\tsites\tadded"
    assert plain[2].startswith("2\toutlet\tRT\t4\t2\t")


def test_watch_feed_is_valid_atom_with_expected_entries_and_byte_identical(
    world: World, tmp_path: Path
) -> None:
    world.poll()
    run(world.db, "outlets", "add", "RT", *RT_DOMAINS)
    run(world.db, "watch", "add", "--outlet", "RT")
    run(world.db, "watch", "add", "--url", A1)
    out = tmp_path / "watch.xml"
    run(world.db, "watch", "feed", "--out", str(out))
    first = out.read_bytes()
    assert run(world.db, "watch", "feed").stdout.encode() == first
    run(world.db, "watch", "feed", "--out", str(out))
    assert out.read_bytes() == first
    feed = feedparser.parse(first)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert {e.id for e in feed.entries} == {A1, A2, B1, B2}
    stored = {r["url"]: r for r in run_json(world.db, "reposts", R1, "--json")["reposts"]}
    for entry in feed.entries:
        assert entry.link == entry.id
        assert entry.updated == stored[entry.id]["first_seen"]
        related = [link.href for link in entry.links if link.rel == "related"]
        assert related in ([R1], [D1])
        assert "watch" in entry.summary.lower() and "blog-" in entry.summary
    b1 = next(e for e in feed.entries if e.id == B1)
    assert b1.title == "Summit again"
    # B1 matches both watches (RT through A1, and A1 itself): one entry naming both
    assert "outlet RT" in b1.summary and f"url {A1}" in b1.summary
    assert f"{B1} → {A1} → {R1}" in b1.summary
    assert feed.feed.updated == max(e.updated for e in feed.entries)
    a1 = next(e for e in feed.entries if e.id == A1)
    assert a1.title == "Summit & more"
    limited = feedparser.parse(run(world.db, "watch", "feed", "--limit", "2").stdout)
    assert [e.id for e in limited.entries] == [e.id for e in feed.entries][:2]


def test_watch_new_reports_only_news_and_flags_first_time_sites(world: World) -> None:
    world.poll()
    run(world.db, "outlets", "add", "RT", *RT_DOMAINS)
    run(world.db, "watch", "add", "--outlet", "RT")
    # the matches present when the watch was added are not news
    quiet = run(world.db, "watch", "new")
    assert quiet.stdout == "" and quiet.stderr == ""
    world.poll()  # nothing new on the feeds
    assert run(world.db, "watch", "new").stdout == ""
    assert run_json(world.db, "watch", "new", "--json") == []  # valid JSON, nothing in it
    world.publish_later()
    world.poll()
    news = run_json(world.db, "watch", "new", "--json")
    assert {(n["url"], n["site"], n["new_site"]) for n in news} == {
        (A4, "blog-a.example", False),
        (C1, "blog-c.example", True),
    }
    c1 = next(n for n in news if n["url"] == C1)
    assert c1["chain"] == [C1, R1] and c1["origin"] == R1 and c1["kind"] == "declared"
    assert c1["watch_kind"] == "outlet" and c1["watch_target"] == "RT"
    assert run(world.db, "watch", "new").stdout == ""  # reported once


def test_watch_new_plain_output_for_mail(world: World) -> None:
    world.poll()
    run(world.db, "watch", "add", "--domain", "rt.com")
    world.publish_later()
    world.poll()
    text = run(world.db, "watch", "new").stdout
    assert text.splitlines()[0] == "watch 1 (domain rt.com): 1 new"
    assert "blog-c.example  NEW SITE" in text and f"{C1} -> {R1}" in text


def test_first_watch_new_on_a_fresh_database(world: World) -> None:
    run(world.db, "watch", "add", "--url", R1)  # nothing polled yet: no matches
    world.poll()
    news = run_json(world.db, "watch", "new", "--json")
    assert {n["url"] for n in news} == reposts_of(world.db, R1)
    by_site: dict[str, list[bool]] = {}
    for n in news:
        by_site.setdefault(n["site"], []).append(n["new_site"])
    assert all(all(flags) for flags in by_site.values())  # every site is new on this run
    b1 = next(n for n in news if n["url"] == B1)
    assert b1["depth"] == 2 and b1["via"] == A1 and b1["chain"] == [B1, A1, R1]


def test_watch_errors(db_path: Path) -> None:
    assert run(db_path, "watch", "add", code=2).exit_code == 2
    assert run(db_path, "watch", "add", "--url", R1, "--site", "x.example", code=2)
    assert "unknown outlet" in run(db_path, "watch", "add", "--outlet", "Nope", code=1).stderr
    assert "invalid URL" in run(db_path, "watch", "add", "--url", "javascript:x", code=1).stderr
    assert "unknown watch" in run(db_path, "watch", "remove", "7", code=1).stderr
    assert "unknown watch" in run(db_path, "watch", "feed", "-w", "7", code=1).stderr
    first = run(db_path, "watch", "add", "--domain", "RT.com").stdout
    assert run(db_path, "watch", "add", "--domain", "www.rt.com").stdout == first
    run(db_path, "outlets", "add", "RT", "rt.com")
    run(db_path, "watch", "add", "--outlet", "RT")
    assert "watch remove" in run(db_path, "outlets", "remove", "RT", code=1).stderr
    run(db_path, "watch", "remove", "2")
    run(db_path, "outlets", "remove", "RT")
    empty = feedparser.parse(run(db_path, "watch", "feed").stdout)
    assert empty.bozo == 0 and empty.entries == []


def test_a_post_becomes_news_when_its_chain_completes(db_path: Path) -> None:
    """B1 (cites A1) is stored first; A1's own credit to RT arrives a poll later."""
    routes = {"/a.xml": Static(rss()), "/b.xml": Static(FEED_B)}
    with FeedServer(dict(routes)) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        run(db_path, "poll", "--all")
        run(db_path, "watch", "add", "--domain", "rt.com")
        assert run(db_path, "watch", "new").stdout == ""
        server.routes["/a.xml"].set_body(FEED_A)
        run(db_path, "poll", "--all")
    news = {n["url"]: n for n in run_json(db_path, "watch", "new", "--json")}
    assert set(news) == {A1, A2, B1, B2}
    assert news[B1]["chain"] == [B1, A1, R1] and news[B1]["new_site"]
    assert news[B1]["first_seen"] <= news[A1]["first_seen"]  # stored before it matched


def test_two_watch_new_runs_at_once_report_each_match_once(world: World) -> None:
    import subprocess
    import sys

    run(world.db, "watch", "add", "--domain", "rt.com")
    world.poll()
    command = [sys.executable, "-m", "tracer", "--db", str(world.db), "watch", "new", "--json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=60)[0] for p in runs]
    assert all(p.returncode == 0 for p in runs)
    reported = [[n["url"] for n in json.loads(out)] for out in outputs]  # `[]`: nothing new
    assert sorted(reported[0] + reported[1]) == sorted(reposts_of(world.db, R1))


def test_both_engines_print_the_same_outlets_watches_and_exports(
    tmp_path: Path, pg_url: str
) -> None:
    """One store with outlets and watches, copied to PostgreSQL after news arrived: `watch
    new` (JSON and plain), the listings, by-outlet queries, exports and report are the same."""
    from engine_compare import answers, assert_same

    sample = Path(__file__).resolve().parent.parent / "samples" / "outlets.example.yaml"
    sqlite = str(tmp_path / "first.db")
    with FeedServer() as server:
        world = World(sqlite, server)
        world.poll()
        run(sqlite, "outlets", "import", str(sample))
        run(sqlite, "watch", "add", "--outlet", "RT")
        run(sqlite, "watch", "add", "--domain", "wire.example")
        run(sqlite, "watch", "add", "--url", R1)
        run(sqlite, "watch", "add", "--site", "blog-a.example")
        world.publish_later()
        world.poll()
    run(sqlite, "copy-db", sqlite, pg_url)
    outputs = []
    for db in (sqlite, pg_url):
        found = {"watch new --json": run(db, "watch", "new", "--json", "--watch", "1").stdout}
        found["watch new"] = run(db, "watch", "new").stdout
        found["watch new again"] = run(db, "watch", "new").stdout
        folder = tmp_path / ("sqlite" if db == sqlite else "postgresql")
        folder.mkdir()
        found.update(answers(db, [R1, D1, A2, B2], folder))
        outputs.append(found)
    assert_same(*outputs)
    assert C1 in outputs[0]["watch new --json"] and "NEW SITE" in outputs[0]["watch new"]
    assert outputs[0]["watch new again"] == ""


def test_two_watch_new_at_once_on_postgresql_report_each_match_once(pg_url: str) -> None:
    """Two hosts run `watch new` at the same instant: the watch's row lock makes the second
    wait for the first and then find nothing new (no duplicate, no failed insert)."""
    import os
    import subprocess
    import sys
    import time

    import psycopg

    with FeedServer() as server:
        world = World(pg_url, server)
        world.poll()
        run(pg_url, "outlets", "add", "RT", *RT_DOMAINS)
        run(pg_url, "watch", "add", "--outlet", "RT")
        world.publish_later()
        world.poll()
    command = [sys.executable, "-m", "tracer", "--db", pg_url, "watch", "new", "--json"]
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tracer'"
        " AND wait_event_type = 'Lock'"
    )
    with psycopg.connect(pg_url) as holder:  # a third party holds the watch for a moment
        holder.execute("SELECT id FROM watches WHERE id = 1 FOR UPDATE")
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ})
            for _ in range(2)
        ]  # fmt: skip
        deadline = time.monotonic() + 90  # generous: a busy machine
        with psycopg.connect(pg_url, autocommit=True) as probe:
            while probe.execute(waiting).fetchone() != (2,):  # both wait on the row
                assert time.monotonic() < deadline, "the two runs never met at the lock"
                time.sleep(0.05)
        holder.rollback()
        outputs = [p.communicate(timeout=60) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    reported = [row["url"] for out, _err in outputs for row in json.loads(out)]
    assert sorted(reported) == sorted([A4, C1])  # each once, between the two runs
    assert sorted(json.loads(out) == [] for out, _err in outputs) == [False, True]
