"""`tracer report`: the page's numbers agree with the CLI, hostile text stays text, filters work."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import statistics
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from cli_helpers import run, run_json
from report_world import HOSTILE_TITLE, RT_ARTICLE, poll_world

from tracer.report import Scope, build_report
from tracer.report.page import duration
from tracer.store import Store

RT_GONE = "https://www.rt.com/business/454560-sanctions-europe-cost/"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report's world, polled over loopback into a SQLite file and into PostgreSQL."""
    if request.param == "sqlite":
        db: Path | str = tmp_path_factory.mktemp("world") / "tracer.db"
    else:
        db = request.getfixturevalue("pg_schemas")()
    poll_world(db)  # type: ignore[arg-type]
    return db  # type: ignore[return-value]


@pytest.fixture
def copy_of(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[Path], Path]:
    """A copy of a world to change: SQLite's backup API, or copy-db into a new schema."""

    def copy(source: Path) -> Path:
        if "://" not in str(source):
            return copy_db(source, tmp_path / "copy.db")
        url = request.getfixturevalue("pg_schemas")()
        run(source, "copy-db", str(source), url)
        return url  # type: ignore[return-value]

    return copy


def write_sql(db: Path, sql: str, rows: list[tuple[object, ...]] | None = None) -> None:
    """Change a test database on either engine, in one transaction."""
    store = Store.open(db)
    try:
        with store.transaction():
            if rows is None:
                store.execute(sql)
            else:
                store.executemany(sql, rows)
    finally:
        store.close()


@pytest.fixture
def report(world: Path, tmp_path: Path) -> Iterator[str]:
    out = tmp_path / "r.html"
    result = run(world, "report", "--out", str(out), "--top", "5")
    assert result.stdout.strip() == str(out)
    yield out.read_text(encoding="utf-8")


class Tables(HTMLParser):
    """Cell texts of every table with an id: ``tables[id] = [[cell, …], …]`` (body rows)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[str] = []
        self._table: str | None = None
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "br" and self._cell is not None:
            self._cell.append(" ")
        if tag == "table":
            self._table = dict(attrs).get("id")
            if self._table:
                self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table and self._in_body:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table, self._in_body = None, False
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_origin_ranking_shows_the_cli_origins(report: str, world: Path) -> None:
    expected = run_json(world, "origins", "--json", "--limit", "5")
    rows = tables(report).tables["origins-table"]
    shown = [
        {
            "domain": row[1],
            "reposts": number(row[2]),
            "direct": number(row[4]),
            "sites": number(row[5]),
            "articles": number(row[6]),
            "resolved": number(row[7]),
            "gone": number(row[8]),
        }
        for row in rows
    ]
    assert shown == [{key: row[key] for key in shown[0]} for row in expected]
    assert shown[0]["domain"] == "rt.com"
    total = len(run_json(world, "origins", "--json"))
    assert f"{total - 5} more origin domains not shown" in report


def test_headline_is_tracer_stats(report: str, world: Path) -> None:
    stats = run_json(world, "stats", "--json")
    cards = re.findall(r'<span class="n">([^<]*)</span><span class="k">([^<]*)</span>', report)
    values = {label.split(" (")[0]: value for value, label in cards}
    assert number(values["feeds"]) == stats["feeds"]
    assert number(values["posts stored"]) == stats["posts"]
    assert number(values["edges"]) == stats["edges"]
    assert number(values["origin URLs"]) == stats["origins"]
    assert number(values["domains in all"]) == stats["domains"]
    assert f"{stats['edges']} declared" in report
    assert stats["date_range"]["first_published"][:10] in report


def test_weekly_counts_add_up_to_the_ranking(report: str, world: Path) -> None:
    ranking = {row["domain"]: row["reposts"] for row in run_json(world, "origins", "--json")}
    parsed = tables(report).tables["weekly-table"]
    header = re.search(r'<table id="weekly-table".*?<thead><tr>(.*?)</tr>', report)
    assert header
    domains = re.findall(r"<th[^>]*>([^<]*)</th>", header.group(1))[1:]
    assert domains and domains[0] == "rt.com"
    for column, domain in enumerate(domains, 1):
        assert sum(number(row[column]) for row in parsed) == ranking[domain], domain
    # the samples are dated in the week of Monday 2019-03-18, the hostile post on 2019-03-25
    assert [row[0] for row in parsed] == ["2019-03-18", "2019-03-25"]


def test_articles_and_chains_are_tracer_reposts(report: str, world: Path) -> None:
    rows = tables(report).tables["articles-table"]
    assert rows, "no article shown"
    for row in rows:
        url = row[1].split(" ")[0]
        found = run_json(world, "reposts", url, "--json")["reposts"]
        assert number(row[3]) == len(found), url
        assert number(row[4]) == sum(1 for r in found if r["depth"] == 1), url
        assert number(row[5]) == len({r["domain"] for r in found}), url
    top = rows[0][1].split(" ")[0]
    assert top == "https://www.rt.com/news/454555-sdf-declare-victory-syria/"
    assert number(rows[0][3]) == 3  # the aggregator, the blog behind it and the hostile wire
    chain = tables(report).tables["chain-1"]
    expected = run_json(world, "reposts", top, "--json")["reposts"]
    expected.sort(key=lambda r: r["published"] or r["first_seen"])
    assert [(row[1].split(" ")[0], int(row[0])) for row in chain] == [
        (r["url"], r["depth"]) for r in expected
    ]
    assert expected[1]["via"] in chain[1][5] or chain[1][5] == ""
    assert not chain[1][5].startswith("via")  # under the "via" header (phone: "via: URL")


def test_network_weights_are_the_domain_export(report: str, world: Path) -> None:
    exported = run(world, "export", "--format", "csv", "--level", "domain").stdout.splitlines()
    weights = {}
    for line in exported[1:]:
        repost, source, weight, *_rest = line.split(",")
        weights[(repost, source)] = int(weight)
    drawn = tables(report).tables["network-table"]
    assert drawn
    for repost, source, weight in drawn:
        assert weights[(repost, source)] == number(weight)
    assert "newsfront-aggregator.example" in report and "<svg" in report


def cli_lags(db: Path) -> dict[str, tuple[int, str]]:
    """Per reposting site: (edges with a lag, median) from `tracer reposts SOURCE --direct`."""
    edges = [json.loads(line) for line in run(db, "export", "-f", "jsonl").stdout.splitlines()]
    lags: dict[str, list[int]] = {}
    for source in {edge["source_url"] for edge in edges}:
        for row in run_json(db, "reposts", source, "--json", "--direct")["reposts"]:
            if row["lag_seconds"] is not None:
                lags.setdefault(row["domain"], []).append(row["lag_seconds"])
    return {site: (len(v), duration(statistics.median(v))) for site, v in lags.items()}


def shown_lags(html: str) -> dict[str, tuple[int, str]]:
    return {row[0]: (number(row[2]), row[3]) for row in tables(html).tables["lag-sites-table"]}


def test_lag_is_what_reposts_gives(report: str, world: Path) -> None:
    """Per reposting site, the median of the lags `tracer reposts SOURCE --direct` gives."""
    shown = shown_lags(report)
    assert shown == cli_lags(world)
    assert shown["truth-digest.example"] == (1, "5.0 h")  # the blog copied 5 hours later
    assert "No dates yet" not in report


def test_origin_page_dates_and_titles_from_resolve(
    world: Path, tmp_path: Path, copy_of: Callable[[Path], Path]
) -> None:
    """Pages read by `tracer resolve` (issue 14) give origins a date, a title, a status."""
    copy = copy_of(world)
    write_sql(
        copy,
        "INSERT INTO pages (url, article_url, outcome, title, published, fetched_at)"
        " VALUES (?, ?, ?, ?, ?, '2026-11-29T00:00:00Z')",
        [
            (RT_ARTICLE, RT_ARTICLE, "ok", "SDF declares <b>victory</b>", "2019-03-23T09:00:00Z"),
            (RT_GONE, RT_GONE, "gone", None, None),
        ],
    )
    out = tmp_path / "p.html"
    run(copy, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    shown = shown_lags(html)
    assert shown == cli_lags(copy)
    assert shown["newsfront-aggregator.example"][0] >= 1  # it copied RT 2 hours after RT
    articles = tables(html).tables["articles-table"]
    by_url = {row[1].split(" ")[0]: row for row in articles}
    assert "SDF declares <b>victory</b>" in by_url[RT_ARTICLE][1]  # the page's title, as text
    assert "&lt;b&gt;victory" in html and "<b>victory" not in html
    assert by_url[RT_GONE][1].split(" ")[1] == "gone"
    status = run_json(copy, "stats", "--json")["origins_by_status"]
    unreadable = status["error"] + status["robots"]  # pages tracer could not read
    read = status["ok"] + status["not-html"]
    assert (
        f'>{read}</span><span class="k">origin page{"" if read == 1 else "s"}'
        f" read ({status['gone']} gone, {unreadable} unreadable, {status['polled']} known from"
        f" feeds, {status['unresolved']} not yet)"
    ) in html
    # a report since a date reads the same pages (they are copied with the rows in scope)
    store = Store.open(copy)
    since_html, _data = build_report(store, top=20, scope=Scope(since="2019-03-01T00:00:00Z"))
    store.close()
    assert "SDF declares &lt;b&gt;victory" in since_html


def test_feed_health_lists_the_failing_and_deactivated_feeds(report: str, world: Path) -> None:
    broken = {row["url"] for row in run_json(world, "feeds", "list", "--json", "--broken")}
    rows = tables(report).tables["feeds-table"]
    by_url = {row[0]: row for row in rows}
    gone = next(url for url in by_url if url.endswith("/gone.xml"))
    missing = next(url for url in by_url if url.endswith("/missing.xml"))
    assert by_url[gone][1] == "deactivated broken" and gone in broken
    assert "410" in by_url[gone][5]
    assert by_url[missing][1] == "failing" and missing not in broken  # 1 failure, not yet broken
    assert "404" in by_url[missing][5]
    assert len(rows) == 2


def test_hostile_titles_stay_text_and_nothing_loads_from_elsewhere(report: str) -> None:
    parsed = tables(report)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "<script" not in report.lower() and "<img" not in report.lower()
    escaped = HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert escaped.replace('"', "&quot;") in report
    # each title shown is isolated (<bdi>): its direction cannot reorder the rest of its cell
    shown = escaped.replace('"', "&quot;")
    assert report.count(shown) == report.count(f'<bdi class="small">{shown}</bdi>') > 0
    assert "Content-Security-Policy" in report and "default-src 'none'" in report
    # no resource from anywhere: no src= attribute, no url() in the CSS, no @import
    assert not re.search(r"\ssrc=|url\((?!#)|@import", report.replace("&lt;img src=x", ""))
    assert all(href.startswith(("http://", "https://", "#")) for href in _hrefs(report))


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_every_section_has_a_caption(report: str) -> None:
    sections = re.findall(r'<section id="([a-z]+)"><h2>[^<]+</h2><p class="caption">', report)
    assert sections == ["headline", "origins", "weekly", "speed", "network", "articles", "feeds"]


def test_empty_database_says_so(tmp_path: Path) -> None:
    db, out = tmp_path / "empty.db", tmp_path / "empty.html"
    missing = run(db, "report", "--out", str(out), code=1)
    assert "no database" in missing.stderr and not out.exists() and not db.exists()
    Store.open(db).close()
    run(db, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "No edges yet" in html and "no lag to measure" in html and "No dates yet" not in html
    assert "No feed is failing or deactivated" in html  # never polled: not "answered"
    assert "no dated posts ·" in html and "posts published no dated" not in html


def test_a_store_whose_feeds_were_never_polled_says_so(tmp_path: Path) -> None:
    db, out = tmp_path / "unpolled.db", tmp_path / "unpolled.html"
    run(db, "feeds", "add", "http://127.0.0.1:9/a.xml", "http://127.0.0.1:9/b.xml")
    run(db, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "2 not polled yet" in html and "No feed has been polled yet." in html
    assert "No feed is failing" not in html
    assert '>2</span><span class="k">feeds (2 active)' in html
    assert '>0</span><span class="k">origin domains' in html


def test_default_out_and_bad_since(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(world, "report")
    assert result.stdout.strip() == "tracer-report.html"
    assert (tmp_path / "tracer-report.html").stat().st_size > 10_000
    bad = run(world, "report", "--since", "last tuesday", code=2)
    assert "--since" in bad.stderr


def test_since_keeps_the_edges_export_keeps(world: Path, copy_of: Callable[[Path], Path]) -> None:
    copy = copy_of(world)
    since = "2019-03-24"
    kept = run(copy, "export", "--format", "csv", "--since", since).stdout.splitlines()[1:]
    store = Store.open(copy)
    _html, data = build_report(store, top=50, scope=Scope(since="2019-03-24T00:00:00Z"))
    assert data.stats["edges"] == len(kept) < run_json(copy, "stats", "--json")["edges"]
    assert sum(row["reposts"] for row in data.origins) < sum(
        row["reposts"] for row in run_json(copy, "origins", "--json")
    )
    assert "edges of reposts published since 2019-03-24 (the posts they cite may be older)" in _html
    assert "With <code>--since</code> a chain is cut where the window starts" in _html
    store.close()
    assert run_json(copy, "stats", "--json") == run_json(world, "stats", "--json")  # untouched


def test_declared_only_is_the_cli_declared_only(
    world: Path, tmp_path: Path, copy_of: Callable[[Path], Path]
) -> None:
    """An inferred edge counts in the report unless --declared-only, as in `tracer origins`."""
    copy = copy_of(world)
    declared = run_json(copy, "origins", "--json")
    write_sql(
        copy,
        "INSERT INTO edges (repost_url, source_url, kind, pattern, score, first_seen, last_seen)"
        " VALUES ('http://plain-wire.example/copied/', 'https://www.rt.com/news/1-copied/',"
        " 'inferred', 'shared-text', 0.9, '2026-11-20T08:00:00Z', '2026-11-20T08:00:00Z')",
    )
    store = Store.open(copy)
    store.rebuild_reach()
    store.close()
    with_inferred = run_json(copy, "origins", "--json")
    assert with_inferred != declared
    assert run_json(copy, "origins", "--json", "--declared-only") == declared
    for flags, expected in (([], with_inferred), (["--declared-only"], declared)):
        out = tmp_path / "r.html"
        run(copy, "report", *flags, "--top", "50", "--out", str(out))
        html = out.read_text(encoding="utf-8")
        rows = tables(html).tables["origins-table"]
        assert [(r[1], number(r[2]), number(r[4])) for r in rows] == [
            (d["domain"], d["reposts"], d["direct"]) for d in expected
        ], flags
        stats = run_json(copy, "stats", "--json", *flags)
        cards = dict(
            (label.split(" (")[0], value)
            for value, label in re.findall(
                r'<span class="n">([^<]*)</span><span class="k">([^<]*)</span>', html
            )
        )
        assert number(cards["edges"]) == stats["edges"], flags
        assert ("1 inferred" in html) == (not flags)


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy (the WAL included), by SQLite's backup API."""
    old, new = sqlite3.connect(source), sqlite3.connect(target)
    try:
        old.backup(new)
    finally:
        old.close()
        new.close()
    return target


def run_report(db: Path, folder: Path) -> str:
    out = folder / "all.html"
    run(db, "report", "--top", "50", "--out", str(out))
    return out.read_text(encoding="utf-8")


def test_network_keeps_to_its_budget_and_says_what_it_left_out(tmp_path: Path) -> None:
    import graph_fixture

    from tracer.graph import origins
    from tracer.report.data import network

    store = Store.open(graph_fixture.build(tmp_path / "g.db"))
    ranking = origins(store)
    small = network(store, ranking, top=2)  # a budget of 4 domains
    assert 2 <= len(small.nodes) <= 4 and small.edges
    drawn = {n["domain"] for n in small.nodes}
    assert all(e["repost_domain"] in drawn and e["source_domain"] in drawn for e in small.edges)
    assert ranking[0]["domain"] in drawn
    assert small.total_nodes > len(small.nodes)
    full = network(store, ranking, top=50)
    assert len(full.nodes) == full.total_nodes  # every fixture domain cites another one
    assert sum(e["weight"] for e in full.edges) + full.self_loops == full.total_weight
    _html, data = build_report(store, top=2, scope=Scope())
    assert "Left out: " in _html and data.network.nodes == small.nodes
    store.close()


def _cite(store: Store, site: str, cited: list[str]) -> None:
    """A feed of ``site`` whose posts cite ``cited``, one each, stored through Store.apply."""
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord

    store.add_feed(f"https://{site}/feed")
    row = store.feed_by_url(f"https://{site}/feed")
    assert row is not None
    urls = [f"https://{site}/p/{i}" for i in range(len(cited))]
    posts = [PostRecord(url, url, None, "t", "2026-03-01T10:00:00Z") for url in urls]
    edges = [
        EdgeRecord(url, source, "source-label", "Source:", source)
        for url, source in zip(urls, cited, strict=True)
    ]
    store.apply(FeedUpdate(row["id"], FeedChanges(), posts, edges))


def test_network_draws_the_heaviest_pair_before_domains_of_many_light_edges(
    tmp_path: Path,
) -> None:
    from tracer.graph import origins
    from tracer.report.data import network

    store = Store.open(tmp_path / "n.db")
    _cite(store, "mirror.example", [f"https://rt.com/news/{i}/" for i in range(15)])  # heavy
    for n in range(4):  # more edges each, but light pairs: 20 small origins and rt.com once
        small = [f"https://small-{n}-{i}.example/a/" for i in range(20)]
        _cite(store, f"autoblog-{n}.example", [*small, "https://rt.com/x/"])
    drawn = network(store, origins(store), top=2)  # 4 nodes: rt.com and 3 reposting domains
    pairs = {(e["repost_domain"], e["source_domain"]): e["weight"] for e in drawn.edges}
    assert pairs[("mirror.example", "rt.com")] == 15  # was left out for autoblog-0, -1, -2
    store.close()


def test_most_reposted_articles_say_when_they_all_tie(tmp_path: Path) -> None:
    db, out = tmp_path / "t.db", tmp_path / "t.html"
    store = Store.open(db)
    for n in range(3):
        _cite(store, f"blog-{n}.example", [f"https://wire-{n}.example/a/{i}/" for i in range(9)])
    store.close()
    run(db, "report", "--out", str(out))
    assert "Every article shown has 1 repost: ties are listed" in out.read_text(encoding="utf-8")
    store = Store.open(db)
    _cite(store, "blog-9.example", ["https://wire-0.example/a/0/"])  # one article of 2 now
    store.close()
    run(db, "report", "--out", str(out))
    assert "Every article shown has" not in out.read_text(encoding="utf-8")


def test_weekly_chart_ignores_future_dates_and_keeps_them_in_the_table(tmp_path: Path) -> None:
    import graph_fixture

    db = graph_fixture.build(tmp_path / "g.db")
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE posts SET published = '2099-01-01T00:00:00Z' WHERE url = ?", [graph_fixture.AGG1]
    )
    conn.commit()
    conn.close()
    out = tmp_path / "f.html"
    run(db, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    weeks = [row[0] for row in tables(html).tables["weekly-table"]]
    assert "2098-12-29" in weeks  # the Monday of that week, in the table
    chart = re.search(r'<figure class="mid">(.*?)</figure>', html, re.S)
    assert chart and "2098" not in chart.group(1) and ">2018-12-31<" in chart.group(1)
    assert "dated after today are in the table only" in html


def test_weekly_chart_shows_the_weeks_that_hold_the_reposts(tmp_path: Path) -> None:
    import graph_fixture

    db = graph_fixture.build(tmp_path / "g.db")
    conn = sqlite3.connect(db)  # a post whose feed gave no date: counted when first seen
    conn.execute("UPDATE posts SET published = NULL WHERE url = ?", [graph_fixture.BLOG2])
    conn.commit()
    conn.close()
    out = tmp_path / "w.html"
    run(db, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    weeks = [row[0] for row in tables(html).tables["weekly-table"]]
    assert weeks[0] == "2018-12-31" and weeks[-1] == "2026-11-16"  # seven years apart
    chart = re.search(r'<figure class="mid">(.*?)</figure>', html, re.S)
    assert chart and ">2018-12-31<" in chart.group(1)  # was the last 104 weeks: one post
    assert "2026-" not in chart.group(1)
    assert "104 weeks, 2018-12-31 to 2020-12-21: the span of that length with the most" in html


@pytest.mark.parametrize("weeks", [9, 30, 104])
def test_the_first_week_label_of_a_line_chart_is_not_cut_at_the_left_edge(weeks: int) -> None:
    from tracer.report.charts import line_chart

    labels = [f"2026-{1 + i // 4:02d}-{1 + 7 * (i % 4):02d}" for i in range(weeks)]
    svg = line_chart(labels, [("rt.com", [i % 3 for i in range(weeks)])], title="t")
    tick = r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" class="tick">'
    first = re.search(tick + re.escape(labels[0]), svg)
    assert first is not None
    half_label = len(labels[0]) * 12 * 0.55 / 2  # 12 px digits are about 0.55 em wide
    assert float(first.group(1)) >= half_label
    xs = [float(x) for x in re.findall(tick + r"\d{4}-", svg)]
    assert min(b - a for a, b in itertools.pairwise(xs)) >= 2 * half_label + 8  # room between


def test_an_empty_postgresql_store_says_so_as_sqlite_does(tmp_path: Path, pg_url: str) -> None:
    sqlite = tmp_path / "tracer.db"
    Store.open(sqlite).close()
    Store.open(pg_url).close()  # an empty store, not an empty database (which `report` refuses)
    pages = []
    for db in (sqlite, pg_url):
        out = tmp_path / "empty.html"
        run(db, "report", "--out", str(out))
        html = out.read_text(encoding="utf-8")
        html = re.sub(r"generated [^·]* · database <code>[^<]*</code>", "", html)
        pages.append(html)
    assert pages[0] == pages[1]
    assert "No edges yet" in pages[1] and "No feed is failing or deactivated" in pages[1]


DE_RT = "https://de.rt.com/international/1-ein-artikel/"


def test_by_outlet_groups_the_ranking_weekly_series_and_network(
    world: Path, tmp_path: Path, copy_of: Callable[[Path], Path]
) -> None:
    """`report --by outlet` shows `tracer origins --by outlet` and `export --level outlet`:
    an outlet's domains are one row, one series, one node; a post reaching two of them
    counts once."""
    copy = copy_of(world)
    store = Store.open(copy)
    citer = store.execute(
        "SELECT repost_url FROM edges WHERE source_url = ? ORDER BY repost_url", [RT_ARTICLE]
    ).fetchone()
    store.close()
    write_sql(  # the aggregator's post also cites RT's German edition; a wire only that
        copy,
        "INSERT INTO edges (repost_url, source_url, kind, pattern, first_seen, last_seen)"
        " VALUES (?, ?, 'declared', 'source-article-from', ?, ?)",
        [
            (citer[0], DE_RT, "2019-03-19T08:00:00Z", "2019-03-19T08:00:00Z"),
            (
                "http://plain-wire.example/de/",
                DE_RT,
                "2019-03-19T09:00:00Z",
                "2019-03-19T09:00:00Z",
            ),
        ],
    )
    store = Store.open(copy)
    store.rebuild_reach()
    store.close()
    run(copy, "outlets", "add", "RT", "rt.com", "*.rt.com")
    by_domain = {row["domain"]: row for row in run_json(copy, "origins", "--json")}
    expected = run_json(copy, "origins", "--json", "--by", "outlet")
    out = tmp_path / "o.html"
    run(copy, "report", "--by", "outlet", "--top", "50", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    found = tables(html)
    shown = [
        (row[1], number(row[2]), number(row[4]), number(row[5]), number(row[6]), number(row[7]))
        for row in found.tables["origins-table"]
    ]
    assert shown == [
        (r["name"], r["reposts"], r["direct"], r["sites"], r["articles"], r["resolved"])
        for r in expected
    ]
    rt = next(r for r in expected if r["name"] == "RT")
    assert rt["domains"] == ["de.rt.com", "rt.com"]
    apart = by_domain["rt.com"]["reposts"], by_domain["de.rt.com"]["reposts"]
    assert max(apart) < rt["reposts"] < sum(apart)  # the aggregator (and who copies it) once
    assert {"rt.com", "de.rt.com"}.isdisjoint(row[1] for row in found.tables["origins-table"])
    header = re.search(r'<table id="weekly-table".*?<thead><tr>(.*?)</tr>', html)
    assert header
    series = re.findall(r"<th[^>]*>([^<]*)</th>", header.group(1))[1:]
    assert series[0] == "RT"
    for column, name in enumerate(series, 1):
        total = sum(number(row[column]) for row in found.tables["weekly-table"])
        assert total == next(r["reposts"] for r in expected if r["name"] == name), name
    exported = run(copy, "export", "--format", "csv", "--level", "outlet").stdout.splitlines()
    weights = {tuple(line.split(",")[:2]): int(line.split(",")[2]) for line in exported[1:]}
    drawn = found.tables["network-table"]
    assert drawn and any("RT" in (r, s) for r, s, _w in drawn)
    for repost, source, weight in drawn:
        assert weights[(repost, source)] == number(weight)
    assert "origins grouped by outlet" in html and "origin outlets" in html
    # a report since a date groups the same way (the outlets are copied with the rows)
    store = Store.open(copy)
    _html, data = build_report(
        store, top=50, scope=Scope(since="2019-03-01T00:00:00Z", by="outlet")
    )
    store.close()
    assert [row["domain"] for row in data.origins] == [r["name"] for r in expected]


def test_declared_only_counts_resolved_articles_of_the_declared_layer(
    world: Path, tmp_path: Path, copy_of: Callable[[Path], Path]
) -> None:
    """An origin article that only an inferred edge cites is not an article of the
    declared layer: its resolved page does not count there (report, origins by outlet)."""
    copy = copy_of(world)
    copied = "https://www.rt.com/news/1-copied/"
    write_sql(
        copy,
        "INSERT INTO edges (repost_url, source_url, kind, pattern, score, first_seen, last_seen)"
        f" VALUES ('http://plain-wire.example/copied/', '{copied}',"
        " 'inferred', 'shared-text', 0.9, '2026-11-20T08:00:00Z', '2026-11-20T08:00:00Z')",
    )
    write_sql(
        copy,
        "INSERT INTO pages (url, article_url, outcome, fetched_at)"
        f" VALUES ('{copied}', '{copied}', 'ok', '2026-11-29T00:00:00Z')",
    )
    store = Store.open(copy)
    store.rebuild_reach()
    store.close()
    for flags, resolved in (([], 1), (["--declared-only"], 0)):
        rows = run_json(copy, "origins", "--json", *flags)
        assert next(r for r in rows if r["domain"] == "rt.com")["resolved"] == resolved, flags
        grouped = run_json(copy, "origins", "--json", "--by", "outlet", *flags)
        assert next(r for r in grouped if r["name"] == "rt.com")["resolved"] == resolved, flags
        out = tmp_path / "r.html"
        run(copy, "report", *flags, "--top", "50", "--out", str(out))
        table = tables(out.read_text(encoding="utf-8")).tables["origins-table"]
        assert next(number(r[7]) for r in table if r[1] == "rt.com") == resolved, flags


def test_a_report_that_cannot_be_written_leaves_no_partial_file(tmp_path: Path) -> None:
    """`--out` naming a folder fails with one line and exit 1, leaving nothing beside it."""
    db, folder = tmp_path / "tracer.db", tmp_path / "reports"
    Store.open(db).close()
    folder.mkdir()
    failed = run(db, "report", "--out", str(folder), code=1)
    assert failed.stderr == f"error: cannot write {str(folder)!r}: Is a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("tracer.db")) == [
        "reports"
    ]
    assert list(folder.iterdir()) == []


def test_captions_never_say_top_0_and_agree_with_one(tmp_path: Path) -> None:
    """An empty store's captions name no count ("Top 0 of 0 origin domains" read as a
    fault); a store with one origin says "1 origin domain", "1 origin URL"."""
    from feedserver import FeedServer, Static
    from outlets import feed_citing

    empty, out = tmp_path / "empty.db", tmp_path / "r.html"
    Store.open(empty).close()
    run(empty, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"\b[Tt]op 0\b|\bThe 0\b|\(of 0\)", html)
    assert "Origin domains by reposts:" in html and "The origin URLs with the most" in html

    one = tmp_path / "one.db"
    with FeedServer() as server:
        cited = [("p1", "https://www.rt.com/news/1-one/", "2019-03-23T11:00:00Z")]
        server.routes["/feed.xml"] = Static(feed_citing(server.url(""), cited))
        run(one, "feeds", "add", server.url("/feed.xml"))
        run(one, "poll", "--all")
    run(one, "report", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "Top 1 of 1 origin domain by reposts:" in html
    assert "for the top 1 origin domain:" in html
    assert "The 1 origin URL (of 1) with the most reposts:" in html
