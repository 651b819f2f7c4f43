"""The parse workers' fingerprint step alone: ``fingerprint_item`` over benchmark items.

``python benchmarks/bench_fingerprint.py --feeds 20`` parses the feeds of
:mod:`feedgen` (and the copy worlds of :mod:`copyworld` with ``--worlds``), then
fingerprints every item ``--repeat`` times and prints the posts, the CPU time per
post and a digest of every fingerprint (words, level, keys, phrases): the digest
must not move when the fingerprint code changes. ``--wordpress`` gives every item the
punctuation of English WordPress feeds (curly quotes, dashes, ellipses, no-break spaces),
as entities in one item and as characters in the next.

Instructions per post, whatever the machine's load: run it under callgrind twice,
with ``--repeat 0`` (parse only) and ``--repeat 1``, both with ``--no-digest``, and
divide the difference of the two totals by the posts::

    valgrind --tool=callgrind --callgrind-out-file=/tmp/fp1.out python \\
        benchmarks/bench_fingerprint.py --feeds 20 --repeat 1 --no-digest
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import copyworld
import feedgen

from tracer.feeds import parse_feed
from tracer.fingerprint import fingerprint_item


def items(feeds: int, worlds: int) -> list[tuple[str | None, tuple[str, ...]]]:
    """(title, bodies) of every item of the benchmark feeds and copy worlds."""
    out: list[tuple[str | None, tuple[str, ...]]] = []
    for feed in feedgen.make_feeds(feeds):
        parsed = parse_feed(feed.body, "https://example.org/feed", feed.content_type, None)
        out += [(item.title, item.bodies) for item in parsed.items]
    for seed in range(7, 7 + worlds):
        for body in copyworld.build(seed).feeds.values():
            parsed = parse_feed(body, "https://example.org/feed", "text/xml", None)
            out += [(item.title, item.bodies) for item in parsed.items]
    return out


# What WordPress writes between words: entities, and the same characters as text
_WP_ENTITIES = ("&#8217;", "&#8220;", "&#8221;", " &#8211; ", " &#8212; ", "&#8230; ", "&nbsp;",
                " &hellip; ", "&rsquo;", " &ldquo;", "&rdquo; ")  # fmt: skip
_WP_CHARACTERS = ("’", " “", "” ", " – ", " — ", "… ", "\xa0", "’")
_TEXT = re.compile(r"(?:^|>)[^<]*")  # a run of text outside tags


def wordpress(text: str, characters: bool) -> str:
    """Every fifth space outside tags made one of WordPress's marks, in turn."""
    marks = _WP_CHARACTERS if characters else _WP_ENTITIES
    spaces = 0

    def mark(space: re.Match[str]) -> str:
        nonlocal spaces
        spaces += 1
        return marks[spaces // 5 % len(marks)] if spaces % 5 == 0 else " "

    return _TEXT.sub(lambda run: re.sub(" ", mark, run.group()), text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--worlds", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--wordpress", action="store_true", help="WordPress punctuation in every item"
    )
    parser.add_argument(
        "--no-digest", action="store_true", help="skip the digest (under callgrind)"
    )
    args = parser.parse_args()
    posts = items(args.feeds, args.worlds)
    if args.wordpress:
        posts = [
            (
                title and wordpress(title, i % 2 == 1),
                tuple(wordpress(b, i % 2 == 1) for b in bodies),
            )
            for i, (title, bodies) in enumerate(posts)
        ]
    digest = hashlib.sha256()
    started = time.process_time()
    for _ in range(args.repeat):
        fps = [fingerprint_item(title, bodies) for title, bodies in posts]
    cpu = time.process_time() - started
    if args.repeat and not args.no_digest:
        for fp in fps:
            digest.update(repr((fp.words, fp.level, fp.keys, fp.phrases)).encode())
    ascii_share = sum(all(t.isascii() for t in (title or "", *bodies)) for title, bodies in posts)
    print(
        f"{len(posts)} posts ({ascii_share} all-ASCII), "
        f"{cpu / max(1, args.repeat * len(posts)) * 1e6:.1f} µs CPU per post, "
        f"digest {digest.hexdigest()[:16]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
