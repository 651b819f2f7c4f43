"""`make demo`: serve samples/ on 127.0.0.1, add the feeds, poll, print a chain.

Everything goes through the real path: HTTP over loopback, the tracer CLI,
a real SQLite file (demo.db in a temporary folder, removed afterwards).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from feedserver import FeedServer, serve_directory  # noqa: E402

TWO_HOP_POST = "https://truth-digest.example/world/isis-total-elimination-bluff/"
# The original, spelled as the aggregator's feed carried it: tracking tags are stripped.
RT_ARTICLE = "https://www.rt.com/news/454555-sdf-declare-victory-syria/?utm_source=rss&utm_medium=rss"


def tracer(db: Path, *args: str) -> str:
    command = [sys.executable, "-m", "tracer", "--db", str(db), *args]
    print("$ tracer " + " ".join(args), flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    print(done.stderr, end="", file=sys.stderr, flush=True)
    if done.returncode != 0:
        sys.exit(f"tracer {' '.join(args)} failed with exit code {done.returncode}")
    return done.stdout


def main() -> None:
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as folder,
        FeedServer(serve_directory(ROOT / "samples")) as server,
    ):
        db = Path(folder) / "demo.db"
        feeds = [server.url(path) for path in server.routes]
        tracer(db, "feeds", "add", *feeds)
        tracer(db, "poll", "--all")
        print(tracer(db, "chain", TWO_HOP_POST), end="", flush=True)
        found = json.loads(tracer(db, "chain", TWO_HOP_POST, "--json"))
        ends = {chain[-1]["domain"] for chain in found["chains"]}
        print(f"chain ends at: {', '.join(sorted(ends))}", flush=True)
        print(tracer(db, "reposts", RT_ARTICLE), end="", flush=True)
        print(tracer(db, "origins", "--limit", "5"), end="", flush=True)
        edges = tracer(db, "export", "--format", "jsonl").splitlines()
        print(f"({len(edges)} edges exported as JSON lines; first: {edges[0]})", flush=True)
    if "rt.com" not in ends:
        sys.exit("demo failed: the two-hop chain does not reach www.rt.com")
    print(f"demo done in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
