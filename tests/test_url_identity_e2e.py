"""Issue 4 "done when": differently dressed source URLs of one article meet in one node.

Three aggregator feeds served on 127.0.0.1 cite the same RT article as a tracked
link, a Google redirect wrapping a Facebook click id, and an AMP cache URL. After
`tracer poll`, every chain ends at the one canonical key and `reposts` of any
spelling finds all three posts.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from cli_helpers import run, run_json
from feedserver import FeedServer, Static

RT = "https://www.rt.com/news/454555-sdf-declare-victory-syria/"
DRESSED = {
    "/one.xml": RT + "?utm_source=rss&#038;utm_medium=rss&#038;utm_campaign=RSS",
    "/two.xml": "https://www.google.com/url?q=" + quote(RT + "?fbclid=IwAR0abc", safe="")
    + "&#038;sa=D",
    "/three.xml": "https://www-rt-com.cdn.ampproject.org/c/s/www.rt.com/news/"
    "454555-sdf-declare-victory-syria/?amp_js_v=0.1#top",
}


def feed(name: str, source: str) -> bytes:
    post = f"http://{name}.example/2019/03/23/isis-syria/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{name}</title><link>http://{name}.example/</link>
<description>d</description>
<item><title>Total elimination of ISIS in Syria</title><link>{post}</link>
<guid>{post}</guid><pubDate>Sat, 23 Mar 2019 11:02:13 +0000</pubDate>
<description><![CDATA[<p>Islamic State suffered total elimination, a spokesperson said.</p>
<br />Source Article from <a href="{source}">{source}</a>]]></description>
</item></channel></rss>""".encode()


def test_dressed_sources_meet_in_one_node(db_path: Path) -> None:
    names = {"/one.xml": "alpha-news", "/two.xml": "beta-news", "/three.xml": "gamma-news"}
    routes = {path: Static(feed(names[path], source)) for path, source in DRESSED.items()}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(path) for path in routes])
        run(db_path, "poll", "--all")
    for name in names.values():
        post = f"http://{name}.example/2019/03/23/isis-syria/"
        [chain] = run_json(db_path, "chain", post, "--json")["chains"]
        assert chain[-1]["url"] == RT, (name, chain)
    export = run(db_path, "export", "--format", "jsonl").stdout
    edges = [json.loads(line) for line in export.splitlines() if line.strip()]
    assert len(edges) == 3
    assert {edge["source_url"] for edge in edges} == {RT}
    assert {edge["source_domain"] for edge in edges} == {"rt.com"}
    # the raw spelling as seen is kept beside the key
    assert {edge["raw_source_url"] for edge in edges} == {
        source.replace("&#038;", "&") for source in DRESSED.values()
    }
    found = run_json(db_path, "reposts", RT + "?utm_source=twitter&fbclid=x", "--json")
    assert found["url"] == RT
    assert sorted(hop["domain"] for hop in found["reposts"]) == sorted(
        f"{name}.example" for name in names.values()
    )
