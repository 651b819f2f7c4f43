"""This tree's extraction against another tree's, item by item: are the results identical?

``python benchmarks/extract_differential.py OTHER_TREE`` where OTHER_TREE holds a
``tracer`` package (e.g. ``git worktree add /tmp/base main``). Every item is read by
both versions and the attributions (pattern, URL, evidence) compared; the first
differences are printed and the exit status is 1 if there is any.

The items: the benchmark's generated entries (three seeds), the credit table, every
body of ``samples/``, every entry of feedparser's test corpus (``../shared/corpora``,
when present), and variants of all those bodies that move credit lines across the
places where extraction changes its method: cut at many lengths (around the sizes
scanned whole, the tail and head spans), spliced (one body's head with another's
tail), upper-cased, with relative links (read against two posts' addresses), and with
a "READ MORE:" paragraph or an ``@``/entity before a link.
"""

from __future__ import annotations

import random
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from compare_extract import _import_other  # noqa: E402

from tracer.models import FeedItem  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "feedparser-tests.tar.gz"
_CUTS = (200, 700, 1400, 1536, 1537, 1700, 2100, 2600, 3300, 4200, 6000)
_INSERTS = (
    '<p>READ MORE: <a href="https://x.example/r/1/">More</a> text.</p>\n',
    '<p>Read more @ <a href="https://x.example/r/2/">x.example</a></p>\n',
    '<p>Read more &#64; <a href="https://x.example/r/3/">x.example</a></p>\n',
    '<p>READ MORE:<br><a href="https://x.example/r/4/">Read more at x</a></p>\n',
    "<p>Source: Reuters, read more <b>at</b> https://x.example/r/5/</p>\n",
)


def base_items() -> Iterator[FeedItem]:
    import bench_extract

    for seed in (7, 8, 9):
        yield from bench_extract.entries(3000, seed=seed)
    sys.path.insert(0, str(ROOT))
    from tests.credit_cases_real import CASES, POST, TITLE

    for case in CASES:
        yield FeedItem(link=POST, title=TITLE, bodies=(case.body,))
    from tracer.feeds import parse_feed

    documents = [
        (path.read_bytes(), "https://samples.example/" + path.name)
        for path in (ROOT / "samples").glob("*.xml")
    ]
    if CORPUS.exists():
        with tempfile.TemporaryDirectory() as folder, tarfile.open(CORPUS) as tar:
            tar.extractall(folder, filter="data")
            for path in sorted(Path(folder).rglob("*.xml")):
                documents.append((path.read_bytes(), "https://corpus.example/" + path.name))
    for body, url in documents:
        try:
            parsed = parse_feed(body, url)
        except Exception:  # a document the parser refuses has no items
            continue
        yield from parsed.items


def variants(items: list[FeedItem]) -> Iterator[FeedItem]:
    rng = random.Random(12)
    bodies = [body for item in items for body in item.bodies if body]
    yield from items
    for index, body in enumerate(bodies):
        link = f"https://blog.example/v/{index}/"
        for cut in _CUTS:
            if cut < len(body):
                yield FeedItem(link=link, bodies=(body[:cut],))
                yield FeedItem(link=link, bodies=(body[-cut:],))
        other = bodies[rng.randrange(len(bodies))]
        yield FeedItem(link=link, bodies=(body[: len(body) // 2] + other[len(other) // 2 :],))
        yield FeedItem(link=link, bodies=(body.upper(),))
        # relative links, read against each post's own address (two posts, two addresses)
        relative = body.replace('href="https://', 'href="')
        yield FeedItem(link=link, bodies=(relative,))
        yield FeedItem(link=f"https://other-blog.example/w/{index}/", bodies=(relative,))
        insert = _INSERTS[index % len(_INSERTS)]
        at = rng.randrange(len(body) + 1)
        yield FeedItem(link=link, bodies=(body[:at] + insert + body[at:],))
        yield FeedItem(link=link, bodies=(body + insert,))


def _key(extract: Callable[[FeedItem], list], item: FeedItem) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return [(a.pattern, a.raw_url, a.evidence) for a in extract(item)]


def main() -> None:
    from tracer.extract import extract_attributions as new

    other = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        old, old_item = _import_other(other, Path(folder))
        items = list(base_items())
        compared = differ = found = 0
        for item in variants(items):
            fields = {name: getattr(item, name) for name in item.__dataclass_fields__}
            mine, theirs = _key(new, item), _key(old, old_item(**fields))
            compared += 1
            found += len(mine)
            if mine != theirs:
                differ += 1
                if differ <= 10:
                    print(f"DIFFERENT: {item.bodies[0][:300]!r}\n  new {mine}\n  old {theirs}")
        print(
            f"{compared} items ({len(items)} before variants), {found} attributions, "
            f"{differ} different"
        )
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
