"""Synthetic feeds for the benchmark: N feeds × 50 items, RSS 2.0 and Atom.

Each feed looks like an autoblog or aggregator of the kind tracer watches:
WordPress-style RSS 2.0 (``content:encoded`` + ``description``, categories,
``dc:creator``, ``guid isPermaLink="false"``) or Atom 1.0 (``content
type="html"`` + ``summary``). Every item's body has a few paragraphs,
distractor links ("Also on …", "READ MORE", tags, share buttons) and, for
most items, an attribution footer ("Source Article from <a …>", or a plain
URL). Deterministic: the same ``seed`` gives the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

ITEMS_PER_FEED = 50

_SOURCES = [
    "https://www.rt.com/news/",
    "https://sputniknews.com/world/",
    "https://www.globalresearch.ca/",
    "https://www.zerohedge.com/geopolitical/",
    "https://www.presstv.ir/Detail/2019/",
    "https://tass.com/politics/",
]
VOCABULARY = 6000  # distinct pseudo-words of the body text
ZIPF = 1.05  # word of rank r is drawn with weight 1 / (r + 2.7) ** ZIPF, as in real prose
_ONSETS = [*"bcdfghjklmnprstvwz", "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th"]
_VOWELS = [*"aeiou", "ai", "ea", "ie", "ou"]
_CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng"]


def _vocabulary(size: int) -> list[str]:
    """``size`` distinct pseudo-words by rank: the 60 most frequent are short ones.

    Fixed seed: the same words whatever the feeds' seed, like one language.
    """
    rng = random.Random(20190323)
    words: set[str] = set()
    while len(words) < size:
        syllables = min(1 + int(rng.expovariate(0.9)), 4)
        words.add(
            "".join(
                rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                for _ in range(syllables)
            )
        )
    ranked = sorted(words, key=lambda w: (len(w), w))
    rest = ranked[60:]
    rng.shuffle(rest)
    return ranked[:60] + rest


_WORDS = _vocabulary(VOCABULARY)
_CUMULATIVE: list[float] = []
_total = 0.0
for _rank in range(VOCABULARY):
    _total += 1 / (_rank + 2.7) ** ZIPF
    _CUMULATIVE.append(_total)
_SLUG_WORDS = _WORDS[200:1200]  # slugs use mid-frequency words


@dataclass(frozen=True, slots=True)
class Feed:
    path: str  # "/feeds/17.xml"
    body: bytes
    content_type: str
    items: int


def _sentence(rng: random.Random, words: int) -> str:
    """``words`` words drawn with Zipf-like frequencies, capitalized, with a full stop."""
    text = " ".join(rng.choices(_WORDS, cum_weights=_CUMULATIVE, k=words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    """One to three sentences of varied length (5 to 35 words), about 30 words in all."""
    sentences = []
    total = 0
    while total < 22:
        length = min(max(int(rng.gauss(17, 8)), 5), 35)
        sentences.append(_sentence(rng, length))
        total += length
    return "<p>" + " ".join(sentences) + "</p>"


def _body(rng: random.Random, site: str, n: int) -> str:
    paragraphs = [_paragraph(rng) for _ in range(4)]
    source = f"{rng.choice(_SOURCES)}{450000 + n}-{'-'.join(rng.sample(_SLUG_WORDS, 4))}/"
    paragraphs.insert(
        2,
        f'<p><a href="{rng.choice(_SOURCES)}{440000 + n}-related/">Also on rt.com '
        f"{escape(_sentence(rng, 6))}</a></p>",
    )
    paragraphs.append(
        f'<p>READ MORE: <a href="{site}{2019}/03/{n % 28 + 1:02d}/older-{n}/">'
        f"{escape(_sentence(rng, 5))}</a></p>"
    )
    style = rng.random()
    tracked = f"{source}?utm_source=rss&#038;utm_medium=rss&#038;utm_campaign=RSS"
    if style < 0.6:
        paragraphs.append(
            f'<br />Source Article from <a href="{tracked}" title="{escape(_sentence(rng, 4))}">'
            f"{tracked}</a>"
        )
    elif style < 0.8:
        paragraphs.append(f"Source Article from {tracked}")
    paragraphs.append(
        f'<h3>Related Posts</h3><ul><li><a href="{site}tag/news/">news</a></li></ul>'
        f'<p><a href="https://www.facebook.com/sharer/sharer.php?u={site}p/{n}/">Share</a></p>'
    )
    return "\n".join(paragraphs)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss_feed(index: int, seed: int = 0) -> bytes:
    rng = random.Random(seed * 1_000_003 + index)
    site = f"http://autoblog-{index}.example/"
    start = datetime(2019, 3, 23, 12, 0, tzinfo=UTC)
    items = []
    for n in range(ITEMS_PER_FEED):
        post = f"{site}2019/03/23/post-{index}-{n}/"
        stamp = format_datetime(start - timedelta(minutes=37 * n))
        body = _body(rng, site, index * 100 + n)
        items.append(
            f"""    <item>
      <title>{escape(_sentence(rng, 9))}</title>
      <link>{post}</link>
      <comments>{post}#respond</comments>
      <dc:creator><![CDATA[admin]]></dc:creator>
      <pubDate>{stamp}</pubDate>
      <category><![CDATA[World]]></category>
      <guid isPermaLink="false">{site}?p={20000 + n}</guid>
      <description>{_cdata(_sentence(rng, 25) + " [&#8230;]")}</description>
      <content:encoded>{_cdata(body)}</content:encoded>
      <wfw:commentRss>{post}feed/</wfw:commentRss>
      <slash:comments>0</slash:comments>
    </item>"""
        )
    return (
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
  xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
  <channel>
    <title>Autoblog {index} – world news</title>
    <atom:link href="{site}feed/" rel="self" type="application/rss+xml" />
    <link>{site}</link>
    <description>All the news, from everywhere</description>
    <lastBuildDate>{format_datetime(start)}</lastBuildDate>
    <language>en-US</language>
    <sy:updatePeriod>hourly</sy:updatePeriod>
    <sy:updateFrequency>1</sy:updateFrequency>
    <generator>https://wordpress.org/?v=5.1.1</generator>
{chr(10).join(items)}
  </channel>
</rss>
"""
    ).encode()


def atom_feed(index: int, seed: int = 0) -> bytes:
    rng = random.Random(seed * 1_000_003 + index)
    site = f"https://mirror-{index}.example/"
    start = datetime(2019, 3, 23, 12, 0, tzinfo=UTC)
    entries = []
    for n in range(ITEMS_PER_FEED):
        post = f"{site}{2019}/03/post-{index}-{n}.html"
        stamp = (start - timedelta(minutes=41 * n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = _body(rng, site, index * 100 + n)
        entries.append(
            f"""  <entry>
    <title type="html">{escape(_sentence(rng, 9))}</title>
    <link rel="alternate" type="text/html" href="{post}"/>
    <id>tag:mirror-{index}.example,2019:post-{n}</id>
    <published>{stamp}</published>
    <updated>{stamp}</updated>
    <author><name>Editor</name></author>
    <category term="world"/>
    <summary type="html">{escape(_sentence(rng, 25))}</summary>
    <content type="html">{escape(body)}</content>
  </entry>"""
        )
    return (
        f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Mirror {index}</title>
  <link rel="alternate" type="text/html" href="{site}"/>
  <link rel="self" type="application/atom+xml" href="{site}feeds/posts/default"/>
  <id>tag:mirror-{index}.example,2019:feed</id>
  <updated>{start.strftime("%Y-%m-%dT%H:%M:%SZ")}</updated>
{chr(10).join(entries)}
</feed>
"""
    ).encode()


def make_feeds(count: int, seed: int = 0) -> list[Feed]:
    """``count`` feeds: two RSS 2.0 for every Atom one."""
    feeds = []
    for index in range(count):
        if index % 3 == 2:
            feeds.append(
                Feed(
                    f"/feeds/{index}.atom",
                    atom_feed(index, seed),
                    "application/atom+xml; charset=utf-8",
                    ITEMS_PER_FEED,
                )
            )
        else:
            feeds.append(
                Feed(
                    f"/feeds/{index}.xml",
                    rss_feed(index, seed),
                    "application/rss+xml; charset=UTF-8",
                    ITEMS_PER_FEED,
                )
            )
    return feeds
