"""Exports of the fixture graph: every format agrees with the store on the edges."""

from __future__ import annotations

import csv
import io
import json
import re

import graph_fixture as g
import pytest
from cli_helpers import run, sql_dicts, sql_rows
from lxml import etree

from tracer.export import export
from tracer.store import Store

GEXF = "{http://gexf.net/1.3}"
DOT_EDGE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[(.*)\];$')


@pytest.fixture
def db(target: str) -> str:
    return g.build(target)


def stored_pairs(db: str) -> set[tuple[str, str]]:
    store = Store.open(db)
    try:
        return set(map(tuple, store.execute("SELECT repost_url, source_url FROM edges")))
    finally:
        store.close()


def exported(db: str, fmt: str, *options: str) -> str:
    return run(db, "export", "--format", fmt, *options).stdout


def jsonl_pairs(text: str) -> list[tuple[str, str]]:
    return [(row["repost_url"], row["source_url"]) for row in map(json.loads, text.splitlines())]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def gexf_graph(text: str) -> tuple[dict[str, dict[str, str]], list[etree._Element]]:
    root = etree.fromstring(text.encode("utf-8"))
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None and graph.get("defaultedgetype") == "directed"
    titles = {
        (a.getparent().get("class"), a.get("id")): a.get("title")
        for a in graph.iter(f"{GEXF}attribute")
    }
    nodes = {}
    for node in graph.iter(f"{GEXF}node"):
        nodes[node.get("id")] = {
            titles[("node", v.get("for"))]: v.get("value") for v in node.iter(f"{GEXF}attvalue")
        }
    return nodes, list(graph.iter(f"{GEXF}edge"))


def dot_edges(text: str) -> list[tuple[str, str, str]]:
    assert text.startswith("digraph tracer {") and text.rstrip().endswith("}")
    found = []
    for line in text.splitlines():
        match = DOT_EDGE.match(line)
        if match:
            found.append(match.groups())
        else:
            assert "->" not in line, line
    return found


def test_jsonl_is_one_object_per_stored_edge_with_domains(db: str) -> None:
    text = exported(db, "jsonl")
    assert sorted(jsonl_pairs(text)) == sorted(stored_pairs(db))
    rows = [json.loads(line) for line in text.splitlines()]
    first = next(r for r in rows if r["source_url"] == g.RT2)
    assert first["repost_domain"] == "newsfront-aggregator.example"
    assert first["source_domain"] == "rt.com"
    assert first["pattern"] == "source-article-from"


def test_csv_has_a_header_and_one_row_per_edge(db: str) -> None:
    text = exported(db, "csv")
    assert text.startswith("repost_url,source_url,")
    rows = csv_rows(text)
    assert {(r["repost_url"], r["source_url"]) for r in rows} == stored_pairs(db)
    assert len(rows) == g.EDGE_COUNT


def test_gexf_parses_and_matches_the_store(db: str) -> None:
    nodes, edges = gexf_graph(exported(db, "gexf"))
    assert len(edges) == g.EDGE_COUNT
    assert {(e.get("source"), e.get("target")) for e in edges} == stored_pairs(db)
    assert {e.get("source") for e in edges} | {e.get("target") for e in edges} == set(nodes)
    assert len({e.get("id") for e in edges}) == len(edges)
    origins = {url for url, attrs in nodes.items() if attrs["kind"] == "origin"}
    assert origins == {g.RT1, g.RT2, g.SP, g.DE}
    assert nodes[g.RT1]["domain"] == "rt.com"
    assert nodes[g.AGG1]["kind"] == "post"  # cited, but cites RT1: an intermediary


def test_dot_is_a_digraph_with_every_edge(db: str) -> None:
    edges = dot_edges(exported(db, "dot"))
    assert len(edges) == g.EDGE_COUNT
    assert {(a, b) for a, b, _attrs in edges} == stored_pairs(db)


def test_all_formats_agree_on_the_edge_count(db: str) -> None:
    counts = {}
    for fmt in ("jsonl", "csv", "gexf", "dot"):
        result = run(db, "export", "--format", fmt)
        counts[fmt] = int(re.search(r"exported (\d+)", result.stderr).group(1))
    assert set(counts.values()) == {g.EDGE_COUNT}, counts


def test_domain_level_aggregates_with_weights(db: str) -> None:
    rows = [json.loads(line) for line in exported(db, "jsonl", "--level", "domain").splitlines()]
    weights = {(r["repost_domain"], r["source_domain"]): r["weight"] for r in rows}
    assert weights[("newsfront-aggregator.example", "rt.com")] == 2  # www. and bare host
    assert weights[("mirror.example", "truth-digest.example")] == 2
    assert weights[("loop.example", "loop.example")] == 1
    assert sum(weights.values()) == g.EDGE_COUNT
    assert len(rows) == 11
    csv_text = exported(db, "csv", "--level", "domain")
    assert csv_text.startswith("repost_domain,source_domain,weight")
    assert len(csv_rows(csv_text)) == len(rows)
    nodes, edges = gexf_graph(exported(db, "gexf", "--level", "domain"))
    assert len(edges) == len(rows)
    assert sum(float(e.get("weight")) for e in edges) == g.EDGE_COUNT
    assert nodes["rt.com"]["kind"] == "origin"
    assert len(dot_edges(exported(db, "dot", "--level", "domain"))) == len(rows)
    # the SQL view for Datasette users says the same
    view = {
        (a, b): w
        for a, b, w in sql_rows(db, "SELECT repost_domain, source_domain, weight FROM domain_edges")
    }
    assert view == weights


def test_since_keeps_edges_of_posts_published_from_that_day(db: str) -> None:
    # AGG2 (2019-01-01) is left out; undated loop posts count by first_seen (2026)
    for fmt in ("jsonl", "csv", "gexf", "dot"):
        result = run(db, "export", "--format", fmt, "--since", "2019-03-01")
        assert f"exported {g.EDGE_COUNT - 1} edges" in result.stderr
    pairs = jsonl_pairs(exported(db, "jsonl", "--since", "2019-03-01"))
    assert (g.AGG2, g.RT2) not in pairs
    assert jsonl_pairs(exported(db, "jsonl", "--since", "2030-01-01")) == []
    nodes, edges = gexf_graph(exported(db, "gexf", "--since", "2019-03-24"))
    assert {(e.get("source"), e.get("target")) for e in edges} == {
        (g.BLOG3, g.MIRROR3),
        (g.MIRROR3, g.BLOG3),
        (g.MIRROR3, g.SP),
        (g.LOOPA, g.LOOPB),
        (g.LOOPB, g.LOOPA),
        (g.LOOPC, g.LOOPA),
        (g.MIRROR2, g.DE),  # undated: first seen in 2026
    }
    assert set(nodes) == {g.BLOG3, g.MIRROR3, g.SP, g.LOOPA, g.LOOPB, g.LOOPC, g.MIRROR2, g.DE}


def test_bad_format_level_or_date_is_a_usage_error(db: str) -> None:
    assert "unknown format" in run(db, "export", "--format", "xml", code=2).stderr
    assert "unknown level" in run(db, "export", "--level", "site", code=2).stderr
    assert "not a date" in run(db, "export", "--since", "yesterday", code=2).stderr


def test_xml_and_dot_escape_awkward_urls(target: str) -> None:
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord

    store = Store.open(target)
    store.add_feed("https://odd.example/feed")
    post = 'https://odd.example/a?q="x"&b=<1>'
    store.apply(
        FeedUpdate(
            1,
            FeedChanges(),
            posts=[PostRecord(post, post, None, 'Title "quoted" \x01 & <b>', None)],
            edges=[EdgeRecord(post, "https://src.example/\\path", "p", "e", "r")],
        )
    )
    for fmt, check in (
        ("gexf", lambda t: len(gexf_graph(t)[1])),
        ("dot", lambda t: len(dot_edges(t))),
    ):
        out = io.StringIO()
        assert export(store, out, fmt) == 1
        assert check(out.getvalue()) == 1
    store.close()


HOSTILE = "T \x1b[2J \x07 \x9b31m \x0c \r\n \u202eevil\u202c \x7f end"  # from a feed


def test_dot_gexf_and_opml_carry_no_control_characters(target: str) -> None:
    """A title from a feed holding ESC, BEL, a C1 CSI, a form feed and a right-to-left
    override: the DOT file shows them as U+FFFD (as plain output does: it is read in
    terminals and drawn as labels) in valid DOT; GEXF and OPML leave out what XML 1.0
    cannot carry and parse with lxml (`feeds export` stopped with a traceback)."""
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord

    store = Store.open(target)
    store.add_feed("https://odd.example/feed", title=HOSTILE)
    post = "https://odd.example/a"
    store.apply(
        FeedUpdate(
            1,
            FeedChanges(title=HOSTILE),
            posts=[PostRecord(post, post, None, HOSTILE, None)],
            edges=[EdgeRecord(post, "https://src.example/b", "p", "e", "r")],
        )
    )
    store.close()
    dot = exported(target, "dot")
    controls = [c for c in dot if c != "\n" and (ord(c) < 32 or 127 <= ord(c) < 160)]
    assert not controls and "\u202e" not in dot, dot
    assert len(dot_edges(dot)) == 1
    label = "T \ufffd[2J \ufffd \ufffd31m \ufffd    \ufffdevil\ufffd \ufffd end"
    assert f'"{post}" [label="{label}",' in dot
    nodes = etree.fromstring(exported(target, "gexf").encode()).iter(f"{GEXF}node")
    labels = {n.get("id"): n.get("label") for n in nodes}
    assert labels[post] == "".join(c for c in HOSTILE if c in "\t\r\n" or c >= " ")  # XML 1.0
    opml = etree.fromstring(run(target, "feeds", "export").stdout.encode())
    assert [o.get("title") for o in opml.iter("outline")] == [labels[post]]


def test_the_view_gives_a_lag_of_a_century_on_both_engines(target: str) -> None:
    """A post dated 1900 (a feed's default date) citing one of 2026: 127 years of lag
    overflowed PostgreSQL's INTEGER cast in ``edges_with_domains`` and failed every query
    of the view (migration 0019 makes it BIGINT); export and the view give one number."""
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord

    old, story = "https://old.example/a", "https://outlet.example/story"
    store = Store.open(target)
    store.add_feed("https://old.example/feed")
    store.add_feed("https://outlet.example/feed")
    store.apply(
        FeedUpdate(
            2,
            FeedChanges(),
            posts=[PostRecord(story, story, None, "Story", "2026-12-01T00:00:00Z")],
        )
    )
    store.apply(
        FeedUpdate(
            1,
            FeedChanges(),
            posts=[PostRecord(old, old, None, "Old", "1900-01-01T00:00:00Z")],
            edges=[EdgeRecord(old, story, "source-article-from", "Source Article from", story)],
        )
    )
    store.close()
    lag = -4_005_072_000  # 1900-01-01 less 2026-12-01, in seconds
    assert sql_rows(target, "SELECT lag_seconds FROM edges_with_domains") == [(lag,)]
    assert sql_rows(target, "SELECT count(*) FROM origin_urls") == [(1,)]
    assert f",{lag}" in exported(target, "csv").splitlines()[1]


def test_sql_views_agree_with_the_queries(db: str) -> None:
    rows = {
        (r["repost_url"], r["source_url"]): r
        for r in sql_dicts(db, "SELECT * FROM edges_with_domains")
    }
    origin_urls = {r["url"]: r for r in sql_dicts(db, "SELECT * FROM origin_urls")}
    assert set(rows) == stored_pairs(db)
    blog1 = rows[(g.BLOG1, g.AGG1)]
    assert (blog1["repost_domain"], blog1["source_domain"]) == (
        "truth-digest.example",
        "newsfront-aggregator.example",
    )
    assert blog1["lag_seconds"] == 7200
    assert not blog1["source_is_origin"]
    assert rows[(g.AGG1, g.RT1)]["lag_seconds"] is None
    assert rows[(g.AGG1, g.RT1)]["source_domain"] == "rt.com"
    assert set(origin_urls) == {g.RT1, g.RT2, g.SP, g.DE}
    assert origin_urls[g.RT1]["direct_reposts"] == 2
    assert origin_urls[g.RT2]["domain"] == "rt.com"
