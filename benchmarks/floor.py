"""The floor: a plain loop of httpx GET + ``feedparser.parse`` (defaults), no storage.

``python benchmarks/floor.py URLS_FILE N`` fetches the first N URLs one after
the other with one keep-alive client and parses each body with feedparser's
defaults (HTML sanitizing and relative-URI resolution on). Prints the number
of entries parsed. This is what "just use feedparser" costs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import feedparser
import httpx


def main(urls_file: Path, count: int) -> int:
    urls = urls_file.read_text().split()[:count]
    entries = 0
    with httpx.Client(timeout=30.0, trust_env=False) as client:
        for url in urls:
            response = client.get(url)
            entries += len(feedparser.parse(response.content).entries)
    print(entries)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2])))
