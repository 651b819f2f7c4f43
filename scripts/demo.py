"""`make demo`: serve samples/ on 127.0.0.1, add the feeds, poll, print a chain.

Everything goes through the real path: HTTP over loopback, the tracer CLI,
a real SQLite file (demo.db in a temporary folder, removed afterwards). The
HTML report is written to a folder of its own that is kept, so it can be opened
after the demo. Nothing leaves the machine: `tracer resolve` (which would read
the cited pages on their real hosts) is not run.
"""

from __future__ import annotations

import json
import shlex
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
    print("$ " + shlex.join(["tracer", *args]), flush=True)
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
        top = json.loads(tracer(db, "origins", "--json", "--limit", "1"))[0]
        print(json.dumps(top), flush=True)
        print(
            "(resolved and gone count origin pages read by 'tracer resolve', which the demo"
            " does not run: it would fetch the cited pages from their real hosts)",
            flush=True,
        )
        print(tracer(db, "stats"), end="", flush=True)
        report = Path(tempfile.mkdtemp(prefix="tracer-demo-")) / "tracer-report.html"
        written = tracer(db, "report", "--out", str(report)).strip()
        if Path(written) != report or not report.stat().st_size:
            sys.exit(f"demo failed: no report at {report}")
        print(f"report: {written}  (one self-contained HTML file: open it in a browser)")
    if "rt.com" not in ends:
        sys.exit("demo failed: the two-hop chain does not reach www.rt.com")
    print(f"demo done in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
