"""Helper run *inside* the benchmark's reader venv (lemon24/reader), never by tracer.

``python reader_feeds.py add DB URLS_FILE N`` adds the first N feeds through
reader's Python API (one process, instead of N ``reader add`` processes);
``python reader_feeds.py count DB`` prints how many entries reader stored.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader import make_reader


def main(argv: list[str]) -> int:
    command, db = argv[0], argv[1]
    reader = make_reader(db)
    try:
        if command == "add":
            for url in Path(argv[2]).read_text().split()[: int(argv[3])]:
                reader.add_feed(url, exist_ok=True)
        elif command == "count":
            print(reader.get_entry_counts().total)
        else:
            print(f"unknown command {command!r}", file=sys.stderr)
            return 2
    finally:
        reader.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
