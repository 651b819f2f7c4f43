"""The database the report tests look at: samples/ polled over loopback, plus trouble.

Besides every sample feed, the server offers a feed whose channel and item
titles are markup (``<script>`` and an ``<img onerror>``) and whose credit
line cites an RT article already in the samples, a feed answering 404
(failing) and one answering 410 (deactivated). Everything goes through the
real path: HTTP on 127.0.0.1, ``tracer feeds add`` and ``tracer poll``.
"""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run
from feedserver import FeedServer, Handler, Reply, Request, Static, serve_directory

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

HOSTILE_TITLE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
RT_ARTICLE = "https://www.rt.com/news/454555-sdf-declare-victory-syria/"

HOSTILE_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>&lt;script&gt;document.title="owned"&lt;/script&gt; Hostile Wire</title>
    <link>http://hostile-wire.example/</link>
    <description>titles that are markup</description>
    <item>
      <title>{HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}</title>
      <link>http://hostile-wire.example/2019/03/25/story/</link>
      <guid>http://hostile-wire.example/2019/03/25/story/</guid>
      <pubDate>Mon, 25 Mar 2019 07:30:00 +0000</pubDate>
      <content:encoded><![CDATA[<p>Text.</p>
<br />Source Article from <a href="{RT_ARTICLE}">SDF</a>]]></content:encoded>
    </item>
  </channel>
</rss>
"""


def _status(code: int) -> Handler:
    def answer(_request: Request) -> Reply:
        return Reply(code, b"no feed here", {"Content-Type": "text/plain"})

    return answer


def poll_world(db: Path) -> None:
    """Fill ``db`` with the samples, the hostile feed and two failing feeds."""
    routes = serve_directory(SAMPLES)
    routes["/hostile.xml"] = Static(HOSTILE_FEED.encode())
    routes["/missing.xml"] = _status(404)
    routes["/gone.xml"] = _status(410)
    with FeedServer(routes) as server:
        run(db, "feeds", "add", *[server.url(path) for path in server.routes])
        run(db, "poll", "--all", "--quiet")
