"""Profile one cold and one warm ``tracer poll --all`` with py-spy; print where time goes.

``python benchmarks/profile_poll.py URLS_FILE [N]`` (a loopback server must be
serving URLS_FILE, as during ``make bench``; ``run.py`` calls this when
``BENCH_PROFILE=1``). py-spy is installed into ``.bench/tools-venv`` on first
use (a profiling tool, never a tracer dependency). Every sample of every
thread is filed under the first step found walking from the innermost frame
outwards: import, parse, extract, canonicalize, store, http, event loop…
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / ".bench"
TOOLS = BENCH / "tools-venv"
PY_SPY = TOOLS / "bin" / "py-spy"
TRACER = Path(sys.executable).parent / "tracer"

# (step, substrings of a frame): the first step whose substring appears in a
# frame, innermost frame first, gets the sample.
STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("import (start-up)", ("_find_and_load", "<frozen importlib")),
    ("parse: plain feeds (lxml)", ("tracer/plain_feeds.py", "lxml")),
    (
        "parse: feedparser, item builder",
        ("feedparser/", "tracer/feeds.py", "tracer/items.py"),
    ),
    ("extract", ("tracer/extract.py", "tracer/credits.py", "tracer/vocabulary.py")),
    ("canonicalize", ("tracer/urls.py",)),
    ("posts/decide", ("tracer/posts.py", "tracer/decide.py")),
    ("store (SQLite)", ("tracer/store.py", "tracer/reach.py", "sqlite_utils/", "sqlite3")),
    ("worker processes: pickling, pipes", ("multiprocessing/", "pickle")),
    ("http (httpx/httpcore/h11)", ("httpx/", "httpcore/", "h11/", "anyio/")),
    ("event loop, thread hand-offs", ("asyncio/", "concurrent/futures", "threading.py")),
]


def ensure_py_spy() -> Path:
    if not PY_SPY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
        subprocess.run([str(TOOLS / "bin" / "pip"), "install", "-q", "py-spy"], check=True)
    return PY_SPY


IDLE = "idle (a thread or process waiting: select, locks, queues, sleep)"


# Leaf frames of a thread or process that waits (py-spy samples blocked threads too).
WAITING = (
    "concurrent/futures/thread.py:81)",
    "select (",
    "Condition.wait",
    "wait (threading.py",
    "SemLock.__enter__",
    "_exit_with_parent",
    "time.sleep",
    "_recv (multiprocessing",
    "poll (multiprocessing",
)


def classify(stack: str) -> str:
    frames = [frame for frame in stack.split(";") if not frame.startswith("process ")]
    if not frames or any(marker in frames[-1] for marker in WAITING):
        return IDLE
    for frame in reversed(frames):
        for step, needles in STEPS:
            if any(needle in frame for needle in needles):
                return step
    return "other (cli, tracer glue)"


def summarize(raw: Path) -> list[tuple[str, int, float]]:
    counts: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[classify(stack)] += int(count)
    idle = counts.pop(IDLE, 0)
    total = sum(counts.values()) or 1
    shares = [(step, n, 100 * n / total) for step, n in counts.most_common()]
    return [*shares, (IDLE + ", not counted in the shares", idle, 0.0)]


def main(urls_file: Path, count: int) -> int:
    py_spy = ensure_py_spy()
    urls = urls_file.read_text().split()[:count]
    db = BENCH / "profile.db"
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    subprocess.run(
        [str(TRACER), "--db", str(db), "feeds", "add", *urls], capture_output=True, check=True
    )
    command = [str(TRACER), "--db", str(db), "poll", "--all", "--concurrency", "16"]
    for phase in ("cold", "warm"):
        raw = BENCH / f"profile-{phase}.txt"
        spy = [str(py_spy), "record", "--subprocesses", "-r", "250", "-f", "raw", "-o", str(raw)]
        subprocess.run(
            [*spy, "--", *command],
            capture_output=True,
            check=True,
        )
        print(f"py-spy, tracer poll --all {phase}, {len(urls)} feeds, all threads and processes:")
        for step, samples, share in summarize(raw):
            print(f"  {share:5.1f}%  {samples:6d}  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300))
