"""The query commands end to end: CLI → real SQLite file holding the fixture graph."""

from __future__ import annotations

from pathlib import Path

import graph_fixture as g
import pytest
from cli_helpers import run, run_json, sql_rows

TRACKED_RT1 = (
    "HTTPS://WWW.RT.com:443/news/1-sdf-victory/?utm_source=twitter&utm_medium=social"
    "&fbclid=abc#comments"
)


@pytest.fixture
def db(target: str) -> str:
    return g.build(target)


def test_reposts_json_shape(db: str) -> None:
    data = run_json(db, "reposts", g.RT1, "--json")
    assert data["url"] == g.RT1
    assert [r["url"] for r in data["reposts"]] == [g.AGG1, g.BLOG2, g.BLOG1, g.MIRROR1]
    for row in data["reposts"]:
        assert set(row) == {
            "url",
            "depth",
            "via",
            "domain",
            "feed_url",
            "first_seen",
            "published",
            "via_published",
            "via_published_source",
            "lag_seconds",
            "kind",
            "score",
        }
        assert (row["kind"], row["score"]) == ("declared", None)
    blog1 = data["reposts"][2]
    assert (blog1["depth"], blog1["via"], blog1["lag_seconds"]) == (2, g.AGG1, 7200)


def test_reposts_of_a_tracked_up_spelling_equal_the_clean_one(db: str) -> None:
    clean = run_json(db, "reposts", g.RT1, "--json")
    assert run_json(db, "reposts", TRACKED_RT1, "--json") == clean
    direct = run_json(db, "reposts", TRACKED_RT1, "--json", "--direct")
    assert [r["url"] for r in direct["reposts"]] == [g.AGG1, g.BLOG2]


def test_reposts_text_output(db: str) -> None:
    result = run(db, "reposts", g.RT1)
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[2] == f"2\t{g.BLOG1}\tlag 2.0h after  via {g.AGG1}"  # the hop's lag
    assert "4 reposts" in result.stderr


def test_chain_of_an_origin_says_it_is_one(db: str) -> None:
    result = run(db, "chain", g.RT1)
    assert result.stdout.splitlines() == ["chain 1:", f"  {g.RT1}"]
    assert "cites no source tracer knows: an origin" in result.stderr
    assert "an origin" not in run(db, "chain", g.BLOG1).stderr


def test_reposts_of_a_leaf_is_empty_not_an_error(db: str) -> None:
    assert run_json(db, "reposts", g.MIRROR1, "--json") == {"url": g.MIRROR1, "reposts": []}


@pytest.mark.parametrize("command", ["reposts", "chain"])
def test_unknown_or_invalid_url_exits_1_with_a_message(db: str, command: str) -> None:
    unknown = run(db, command, "https://nowhere.example/x", "--json", code=1)
    assert "unknown URL: https://nowhere.example/x" in unknown.stderr
    assert unknown.stdout == ""
    invalid = run(db, command, "javascript:alert(1)", code=1)
    assert "invalid URL" in invalid.stderr


def test_chain_json_shape_is_kept(db: str) -> None:
    data = run_json(db, "chain", g.LOOPC, "--json")
    assert data["url"] == g.LOOPC
    [chain] = data["chains"]
    assert [hop["url"] for hop in chain] == [g.LOOPC, g.LOOPA, g.LOOPB]
    assert set(chain[0]) == {
        "url",
        "domain",
        "pattern",
        "evidence",
        "title",
        "published",
        "published_source",
        "status",
        "cycle_to",
        "kind",
        "score",
    }
    kinds = [(hop["kind"], hop["score"]) for hop in chain]
    assert kinds == [(None, None), ("declared", None), ("declared", None)]
    assert chain[-1]["cycle_to"] == g.LOOPA


def test_origins_json_and_limit(db: str) -> None:
    rows = run_json(db, "origins", "--json")
    assert [(r["domain"], r["reposts"], r["direct"], r["sites"], r["articles"]) for r in rows] == [
        ("rt.com", 5, 3, 3, 2),
        ("sputniknews.com", 5, 2, 3, 1),
        ("de.rt.com", 1, 1, 1, 1),
    ]
    assert [r["domain"] for r in run_json(db, "origins", "--json", "--limit", "2")] == [
        "rt.com",
        "sputniknews.com",
    ]
    text = run(db, "origins").stdout.splitlines()
    assert text[0].split("\t") == [
        "reposts", "direct", "sites", "articles", "resolved", "gone", "domain"
    ]  # fmt: skip
    assert text[1].split("\t") == ["5", "3", "3", "2", "0", "0", "rt.com"]
    assert all((r["resolved"], r["gone"]) == (0, 0) for r in rows)  # nothing resolved yet


def test_sites_json(db: str) -> None:
    rows = {r["domain"]: r for r in run_json(db, "sites", "--json")}
    digest = rows["truth-digest.example"]
    assert (digest["posts"], digest["edges"], digest["share"]) == (3, 3, 1.0)
    assert digest["top_origins"] == [
        {"domain": "rt.com", "reposts": 2},
        {"domain": "sputniknews.com", "reposts": 2},
    ]
    assert "truth-digest.example" in run(db, "sites").stdout


def test_stats_json(db: str) -> None:
    data = run_json(db, "stats", "--json")
    assert (data["feeds"], data["posts"], data["edges"], data["domains"]) == (
        4,
        len(g.POSTS),
        g.EDGE_COUNT,
        8,
    )
    assert data["date_range"]["first_published"] == "2019-01-01T09:00:00Z"
    plain = run(db, "stats").stdout.splitlines()
    assert "edges: 13" in plain
    # each group's name heads its indented counts: "ok: 0" alone would not say what it counts
    for group in ("edges_by_kind", "origins_by_status", "date_range"):
        at = plain.index(f"{group}:")
        inner = list(data[group])
        assert plain[at + 1 : at + 1 + len(inner)] == [
            f"  {key}: {data[group][key] if data[group][key] is not None else '-'}"
            for key in inner
        ]


def test_queries_on_an_empty_database(target: str) -> None:
    db = target
    run(db, "poll")  # creates it (reading commands never create a database)
    assert run_json(db, "origins", "--json") == []
    assert run_json(db, "sites", "--json") == []
    assert run_json(db, "stats", "--json")["edges"] == 0
    assert run(db, "export", "--format", "gexf").stdout.count("<edge ") == 0


def test_copies_of_a_cited_page_says_tracer_has_no_text_of_it(db: str) -> None:
    """An origin is known (a source) but was never polled: `copies` has nothing to compare
    it with and says so, rather than '0 posts share text with' it."""
    result = run(db, "copies", g.RT1)
    assert (result.stdout, result.stderr) == (
        "",
        f"no text of {g.RT1} to compare (not a polled post with text, e.g. a cited page)\n",
    )
    assert run_json(db, "copies", g.RT1, "--json") == {"url": g.RT1, "copies": []}


def _json_commands_without_arguments() -> list[list[str]]:
    """Every registered command (or group's command) with a ``--json`` option and no
    argument (URLs, files), as the words that run it."""
    from typing import Any

    import typer

    from tracer.cli import app

    found: list[list[str]] = []

    def walk(command: Any, words: list[str]) -> None:  # typer's (own) click classes
        if hasattr(command, "commands"):  # a group
            for name, sub in command.commands.items():
                walk(sub, [*words, name])
            return
        options = {o for p in command.params for o in p.opts}
        takes_arguments = any(p.param_type_name == "argument" for p in command.params)
        if "--json" in options and not takes_arguments:
            found.append(words)

    walk(typer.main.get_command(app), [])
    return found


def test_every_json_command_prints_json_on_an_empty_database(target: str) -> None:
    """`--json` with no rows is still a JSON document (`[]`), never empty output; `watch
    new --json` with nothing new included."""
    import json

    run(target, "poll")
    run(target, "watch", "add", "--domain", "rt.com")  # a watch, nothing new for it
    commands = _json_commands_without_arguments()
    assert ["watch", "new"] in commands and ["stats"] in commands
    for words in commands:
        out = run(target, *words, "--json").stdout
        try:
            json.loads(out)
        except ValueError:
            raise AssertionError(f"tracer {' '.join(words)} --json printed {out!r}") from None
    assert run_json(target, "watch", "new", "--json") == []
    assert run(target, "watch", "new").stdout == ""  # plain: nothing at all (cron mail)


def naive_model(db: str) -> tuple[dict[str, set[str]], list[dict]]:
    """Downstream sets and the origin ranking, recomputed naively from the edges table."""
    from collections import defaultdict

    from tracer.urls import domain_of

    edges = sql_rows(db, "SELECT repost_url, source_url FROM edges")
    citers: dict[str, set[str]] = defaultdict(set)
    for repost, source in edges:
        citers[source].add(repost)
    reposters = {repost for repost, _s in edges}

    def downstream(url: str) -> set[str]:
        seen: set[str] = set()
        todo = [url]
        while todo:
            for repost in citers[todo.pop()]:
                if repost not in seen and repost != url:
                    seen.add(repost)
                    todo.append(repost)
        return seen

    down = {source: downstream(source) for source in list(citers)}
    by_domain: dict[str, list[str]] = defaultdict(list)
    for source in down:
        if source not in reposters:
            by_domain[domain_of(source)].append(source)
    ranking = []
    for domain, articles in by_domain.items():
        reached = set().union(*(down[a] for a in articles))
        direct = set().union(*(citers[a] for a in articles))
        ranking.append(
            {
                "domain": domain,
                "reposts": len(reached),
                "direct": len(direct),
                "sites": len({domain_of(p) for p in reached}),
                "articles": len(articles),
            }
        )
    ranking.sort(key=lambda r: (-r["reposts"], -r["direct"], -r["articles"], r["domain"]))
    return down, ranking


def test_polled_samples_queries_and_exports_agree_with_the_store(target: str) -> None:
    """Over loopback: poll the samples, then every query matches a naive walk of the edges."""
    from feedserver import FeedServer, serve_directory

    samples = Path(__file__).resolve().parent.parent / "samples"
    with FeedServer(serve_directory(samples)) as server:
        run(target, "feeds", "add", *[server.url(p) for p in server.routes])
        run(target, "poll", "--all")
    down, ranking = naive_model(target)
    assert ranking, "the samples yield no edges"
    assert [
        {key: row[key] for key in ranking[0]} for row in run_json(target, "origins", "--json")
    ] == ranking
    for url, expected in down.items():
        got = run_json(target, "reposts", url, "--json")["reposts"]
        assert {row["url"] for row in got} == expected, url
    stats = run_json(target, "stats", "--json")
    for fmt in ("jsonl", "csv", "gexf", "dot"):
        assert f"exported {stats['edges']} edges" in run(target, "export", "-f", fmt).stderr
    rt = "https://www.rt.com/news/454555-sdf-declare-victory-syria/"
    two_hop = run_json(target, "reposts", rt, "--json")["reposts"]
    assert [(r["domain"], r["depth"]) for r in two_hop] == [
        ("newsfront-aggregator.example", 1),
        ("truth-digest.example", 2),
    ]


@pytest.mark.parametrize("command", ["reposts", "chain", "copies"])
def test_an_unknown_url_names_the_known_spelling_a_user_meant(db: str, command: str) -> None:
    """http for https, a trailing slash, www.: distinct keys (URL identity), but the message
    says which stored spelling the pasted one differs from."""
    cases = {
        "http://www.rt.com/news/1-sdf-victory/": g.RT1,  # http pasted, https stored
        "https://rt.com/news/1-sdf-victory": g.RT1,  # no www., no trailing slash
        "https://newsfront-aggregator.example/2019/03/23/isis": g.AGG1,
    }
    for pasted, stored in cases.items():
        result = run(db, command, pasted, code=1)
        assert result.stderr.startswith("unknown URL: "), result.stderr
        assert result.stderr.rstrip().endswith(f"did you mean {stored} ?)"), result.stderr
        assert result.stderr.count("\n") == 1 and result.stdout == ""
    lone = run(db, command, "https://nowhere.example/x", code=1).stderr
    assert lone == "unknown URL: https://nowhere.example/x (not a stored post or source)\n"
