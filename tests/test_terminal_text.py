"""Text from feeds and pages reaches a terminal only as text: no control characters.

A hostile feed or cited page can put escape sequences in a title (ESC ] 0 ; … BEL
retitles the analyst's terminal window, ESC [ 2 J clears it, a C1 CSI does the same
on some terminals), and bidirectional overrides that show the rest of a line reversed.
The plain output of every command shows such characters as U+FFFD (line breaks and
tabs as a space, so a title never breaks the tab-separated columns); ``--json``
escapes them as JSON does, and the database keeps what the feed said.
"""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Static

OSC = "\x1b]0;owned\x07"  # sets the terminal's window title
CSI = "\x1b[2J\x9b31m"  # clears the screen; a C1 CSI


def _rss(site: str, title: bytes, cited: str) -> bytes:
    # a control character is not XML: the reader recovers the item and keeps the title
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>Wire \x1b[5m</title><link>"
        + site.encode()
        + b"/</link><item><title>"
        + title
        + b"</title><link>"
        + site.encode()
        + b"/p1/</link><description>"
        b'Source: &lt;a href="' + cited.encode() + b'"&gt;x&lt;/a&gt;</description>'
        b"</item></channel></rss>"
    )


def test_control_characters_from_feeds_and_pages_never_reach_the_terminal(
    db_path: Path,
) -> None:
    page = f"<html><head><title>Page {OSC}x{CSI}y</title></head><body></body></html>"
    with FeedServer() as server:
        site = server.url("")
        cited = server.url("/article")
        server.routes["/article"] = Static(page.encode(), "text/html; charset=utf-8")
        title = f"Post {OSC}a\tb\nc{CSI}d".encode()
        server.routes["/feed.xml"] = Static(_rss(site, title, cited))
        run(db_path, "feeds", "add", server.url("/feed.xml"))
        run(db_path, "watch", "add", "--url", cited)
        run(db_path, "poll", "--all")
        run(db_path, "resolve", "--delay", "0")
    (stored,) = sql_rows(db_path, "SELECT title FROM posts")[0]
    assert OSC in stored  # the database keeps what the feed said
    outputs = {
        "chain": run(db_path, "chain", f"{site}/p1/").stdout,
        "feeds list": run(db_path, "feeds", "list").stdout,
        "watch new": run(db_path, "watch", "new").stdout,
    }
    for command, text in outputs.items():
        assert not [c for c in text if c not in "\t\n" and (ord(c) < 32 or 127 <= ord(c) < 160)], (
            command,
            text,
        )
    assert "Page \ufffd]0;owned\ufffdx\ufffd[2J\ufffd31my" in outputs["chain"]
    assert "Post \ufffd]0;owned\ufffda b c\ufffd[2J" in outputs["watch new"]
    assert "\tWire \ufffd[5m\t" in outputs["feeds list"]
    raw = run(db_path, "chain", f"{site}/p1/", "--json").stdout
    assert not [c for c in raw if c != "\n" and (ord(c) < 32 or 127 <= ord(c) < 160)], raw
    hops = json.loads(raw)["chains"][0]  # escaped as JSON, the same text once parsed
    assert hops[-1]["title"] == f"Page {OSC}x{CSI}y"


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # embeddings, overrides, isolates


def test_bidi_controls_from_feeds_never_reorder_plain_output(db_path: Path) -> None:
    """A right-to-left override in a title would show the rest of the line (the columns
    after it, a URL) reversed on a terminal that orders bidirectional text: plain output
    shows every embedding, override and isolate as U+FFFD; the marks (U+200F) and real
    right-to-left letters stay, --json and the database keep the text as given."""
    title = "\u202egro.elpmaxe\u202c \u2067isolated\u2069 \u05e9\u05dc\u05d5\u05dd\u200f"
    with FeedServer() as server:
        site = server.url("")
        cited = server.url("/article%E2%80%AE/")  # a URL keeps its bidi bytes escaped
        page = f"<html><head><title>Page {title}</title></head><body></body></html>"
        server.routes["/article%E2%80%AE/"] = Static(page.encode(), "text/html; charset=utf-8")
        server.routes["/feed.xml"] = Static(_rss(site, title.encode(), cited))
        run(db_path, "feeds", "add", server.url("/feed.xml"))
        run(db_path, "watch", "add", "--url", cited)
        run(db_path, "outlets", "add", "\u202eTR", "127.0.0.1", "--notes", "\u2066n\u2069")
        run(db_path, "poll", "--all")
        run(db_path, "resolve", "--delay", "0")
    (stored,) = sql_rows(db_path, "SELECT title FROM posts")[0]
    assert stored == title  # the database keeps what the feed said
    commands = [
        ("chain", f"{site}/p1/"),
        ("reposts", cited),
        ("copies", f"{site}/p1/"),
        ("origins",),
        ("origins", "--by", "outlet"),
        ("sites", "--by", "outlet"),
        ("sites",),
        ("feeds", "list"),
        ("watch", "list"),
        ("watch", "new"),
        ("outlets", "list"),
        ("stats",),
    ]
    outputs = {
        " ".join(w for w in words if "://" not in w): run(db_path, *words) for words in commands
    }
    for command, result in outputs.items():
        text = result.stdout + result.stderr
        assert not set(text) & set(BIDI), (command, text)
    neutral = "\ufffdgro.elpmaxe\ufffd \ufffdisolated\ufffd \u05e9\u05dc\u05d5\u05dd\u200f"
    assert neutral in outputs["watch new"].stdout
    assert f"Page {neutral}" in outputs["chain"].stdout  # the cited page's title
    assert "\ufffdTR" in outputs["outlets list"].stdout
    assert "notes: \ufffdn\ufffd" in outputs["outlets list"].stdout
    chain_json = run(db_path, "chain", f"{site}/p1/", "--json").stdout
    assert "\\u202e" in chain_json and not set(chain_json) & set(BIDI)  # escaped
    assert json.loads(chain_json)["chains"][0][-1]["title"] == f"Page {title}"  # as given
    hops = run_json(db_path, "reposts", cited, "--json")["reposts"]
    assert [h["url"] for h in hops] == [f"{site}/p1/"]
