"""Extraction throughput on one core over realistic generated feed entries.

Entries mimic what aggregator feeds carry: a copied article of 2-10 paragraphs
with in-body links ("Also on …", "READ MORE: …", "See also"), then a credit
line of one family (or none), then the blog's own tail (related posts, share
buttons, tags). Run: ``python benchmarks/bench_extract.py [N]``; the last line
reads ``extraction: NNNNN entries/s``, the one before it the CPU time of
``import tracer.extract`` in a fresh interpreter (what every parse worker pays before
its first feed; a phrase's regular expressions are compiled when it is first met).
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracer.extract import extract_attributions
from tracer.models import FeedItem

ROOT = Path(__file__).resolve().parent.parent

# Neutral news vocabulary; words that also start credit phrases ("first",
# "published", "sources", "via", "original", "read") are mixed in at about the
# rate they have in real news prose (roughly one in a few hundred words).
_TEXT = (
    "the minister said on friday that sanctions against country would cost european farmers "
    "billions while officials in moscow and washington disagreed about figures spokesperson for "
    "ministry told reporters after talks geneva ended without an agreement analysts expect markets "
    "to react when trading opens monday according close matter government week year people "
    "president police city state military forces border region attack officials security army "
    "economy oil gas prices bank rate percent million dollars deal election vote party leader "
    "opposition parliament court law rights protest crowd streets capital troops ceasefire "
    "refugees camp aid water food health hospital school children women men families report "
    "news media press statement interview agency minister foreign defense trade talks summit"
)
WORDS = _TEXT.split()
RARE = ("first", "published", "sources", "via", "original", "read", "source", "article", "post")


def sentence(rng: random.Random) -> str:
    words = [
        rng.choice(RARE) if rng.random() < 0.004 else rng.choice(WORDS)
        for _ in range(rng.randint(8, 24))
    ]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    text = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
    roll = rng.random()
    if roll < 0.15:
        text += (
            f' <a href="https://www.rt.com/news/{rng.randint(1000, 9999)}-x/">Also on rt.com</a>'
        )
    elif roll < 0.25:
        text = (
            f'READ MORE: <a href="https://www.rt.com/news/{rng.randint(1000, 9999)}-y/">More</a> '
            + text
        )
    elif roll < 0.3:
        text += ' See also <a href="https://other.example/a/">this report</a>.'
    return f"<p>{text}</p>\n"


def credit(rng: random.Random, n: int) -> str:
    url = f"https://origin{n % 50}.example/news/{n}-story/?utm_source=rss&#038;utm_medium=rss"
    family = rng.random()
    if family < 0.30:
        return f'<br />Source Article from <a href="{url}" title="t">{url}</a>\n'
    if family < 0.45:
        return (
            f'<p>The post <a href="{url}" rel="nofollow">A story about things</a> appeared first'
            f' on <a href="https://origin.example/" rel="nofollow">Origin</a>.</p>\n'
        )
    if family < 0.55:
        return f'<p><em>Originally published at <a href="{url}">origin.example</a></em></p>\n'
    if family < 0.70:
        label = rng.choice(
            ["Source", "Via", "Quelle", "Fuente", "Источник", "来源", "Read more at"]
        )
        return f'<div class="source"><strong>{label}:</strong> <a href="{url}">Origin</a></div>\n'
    if family < 0.78:
        return f'<br/><a href="{url}">Read Full Article at RT.com</a>\n'
    return ""  # no attribution


def tail(rng: random.Random) -> str:
    related = "".join(
        f'<li><a href="https://blog.example/2019/03/{i}/post-{i}/">{sentence(rng)[:60]}</a></li>'
        for i in range(rng.randint(0, 5))
    )
    out = f"<h3>Related Posts</h3><ul>{related}</ul>\n" if related else ""
    out += (
        '<p><a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a> '
        '<a href="https://twitter.com/intent/tweet?url=x">Tweet</a></p>\n'
        '<p><a href="https://blog.example/tag/news/" rel="tag">news</a></p>'
    )
    return out


def entries(count: int, seed: int = 7) -> list[FeedItem]:
    rng = random.Random(seed)
    items = []
    for n in range(count):
        top = ""
        if rng.random() < 0.05:
            top = f'<p><i>This article first appeared in <a href="https://x.example/{n}/">X</a>.</i></p>'
        body = top + "".join(paragraph(rng) for _ in range(rng.randint(2, 10)))
        body += credit(rng, n) + tail(rng)
        link = f"https://blog.example/2019/03/23/post-{n}/"
        summary = f"<p>{sentence(rng)} [&#8230;]</p>"
        items.append(FeedItem(link=link, bodies=(body, summary)))
    return items


def import_cpu_seconds(runs: int = 3) -> float:
    """CPU seconds of ``python -c "import tracer.extract"`` minus ``python -c pass``
    (the best of ``runs``): the extraction's own import cost."""

    def cpu(code: str) -> float:
        best = float("inf")
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            best = min(best, used)
        return best

    return max(0.0, cpu("import tracer.extract") - cpu("pass"))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    items = entries(count)
    size = sum(len(i.bodies[0]) for i in items) / len(items)
    extract_attributions(items[0])  # warm up
    # CPU time of this process: the figure for one core even when the machine is busy
    started, wall = time.process_time(), time.perf_counter()
    found = 0
    for item in items:
        found += len(extract_attributions(item))
    seconds = time.process_time() - started
    wall = time.perf_counter() - wall
    print(
        f"{count} entries, mean body {size:.0f} chars, {found} attributions, "
        f"{seconds:.2f} s CPU ({wall:.2f} s wall)"
    )
    print(f"import tracer.extract: {import_cpu_seconds() * 1000:.0f} ms CPU")
    print(f"extraction: {count / seconds:.0f} entries/s")


if __name__ == "__main__":
    main()
