"""Text from feeds and pages reaches a terminal only as text: no control characters.

A hostile feed or cited page can put escape sequences in a title (ESC ] 0 ; … BEL
retitles the analyst's terminal window, ESC [ 2 J clears it, a C1 CSI does the same
on some terminals). The plain output of ``chain``, ``feeds list`` and ``watch new``
shows such characters as U+FFFD (line breaks and tabs as a space, so a title never
breaks the tab-separated columns); ``--json`` escapes them as JSON does, and the
database keeps what the feed said.
"""

from __future__ import annotations

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
    hops = run_json(db_path, "chain", f"{site}/p1/", "--json")["chains"][0]
    assert hops[-1]["title"] == f"Page {OSC}x{CSI}y"
