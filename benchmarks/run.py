"""``make bench``: tracer's poll side by side with lemon24/reader and a bare feedparser loop.

Everything runs on loopback. For each N (100, 300, 1000 by default; ``BENCH_N=100``
or ``BENCH_N=100,300`` for a subset) the same N feeds × 50 items (see
``feedgen.py``, served by ``loopserver.py`` with ETag/Last-Modified) are read by:

- ``tracer poll --all`` through the real CLI, cold (fresh database) and warm
  (every feed answers 304), ``--concurrency $BENCH_CONCURRENCY`` (16);
- lemon24/reader's CLI ``update --workers 16 --no-scheduled``, cold and warm,
  installed into ``.bench/reader-venv`` (a benchmark tool, never a tracer
  dependency; skipped with a note when it cannot be installed);
- the floor: one keep-alive httpx client, GET + ``feedparser.parse`` (defaults)
  in a plain loop, no storage (``floor.py``).

Each command is timed as a whole process (start-up included) while its
memory is sampled: the peak PSS of the process and all its descendants
(worker processes, a forkserver), each page counted once (``treemem.py``).
Then a parse micro-benchmark (lxml reader vs feedparser path) and the
micro-benchmarks (``bench_*.py``: start-up, clean-url, extraction, queries,
poll memory), whose last lines are copied into the report. The report is
printed and written to ``.bench/report.txt``. ``BENCH_REPEAT=3`` keeps the
best of 3 runs of each contender (the machine may be shared); ``BENCH_PROFILE=1``
adds a py-spy profile of a cold and a warm tracer poll (``profile_poll.py``);
``BENCH_BASELINE=/other/venv/bin/tracer`` runs another tracer build side by
side (``tracer-before``), e.g. to measure a change; ``BENCH_MICRO=0`` skips
the micro-benchmarks.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / ".bench"
VENV_BIN = Path(sys.executable).parent
TRACER = VENV_BIN / "tracer"
READER_VENV = BENCH / "reader-venv"
READER_PY = READER_VENV / "bin" / "python"
ITEMS = 50
HOSTS = 32
MICRO = [
    "bench_startup.py",
    "bench_urls.py",
    "bench_extract.py",
    "bench_queries.py",
    "bench_poll_memory.py",
    "bench_watches.py",
]

sys.path.insert(0, str(HERE))

from treemem import run_sampled  # noqa: E402

if TYPE_CHECKING:
    from tracer.models import ParsedFeed


@dataclass
class Timing:
    seconds: float
    rss_mb: float | None
    output: str
    ok: bool
    cpu: float = 0.0  # user + system seconds of the process and its children


@dataclass
class Row:
    n: int
    tool: str
    phase: str  # "cold" or "warm"
    timing: Timing
    entries: int  # entries parsed (cold) or feeds answered (warm)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(command: list[str], env: dict[str, str] | None = None) -> Timing:
    """Run ``command``, return wall time, peak memory of its process tree (MB) and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc, peak_mb, tree_cpu = run_sampled(command, env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    cpu = max(reaped, tree_cpu)  # the tree's sum also has the processes nobody reaps
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        log(f"  ! {' '.join(command[:4])} … exited {proc.returncode}: {output[-800:]}")
    return Timing(seconds, peak_mb, output, proc.returncode == 0, cpu)


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm", ".lock", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


# -- setup -----------------------------------------------------------------------


def ensure_reader() -> str | None:
    """Install lemon24/reader into its own venv once; None when ready, else why not."""
    if READER_PY.exists():
        probe = subprocess.run(
            [str(READER_PY), "-c", "import reader, reader._cli, sgmllib"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return None
    log("installing lemon24/reader into .bench/reader-venv (benchmark only) …")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(READER_VENV)], check=True)
        subprocess.run(
            [str(READER_PY), "-m", "pip", "install", "-q", "reader[cli]", "sgmllib3k"],
            check=True,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        return f"reader could not be installed ({exc}); its columns are empty"
    return None


class LoopServer:
    """``loopserver.py`` in its own process, so it never shares a core's GIL with a client."""

    def __init__(self, count: int) -> None:
        self.urls_file = BENCH / "urls.txt"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "loopserver.py"),
                "--count",
                str(count),
                "--hosts",
                str(HOSTS),
                "--urls",
                str(self.urls_file),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY"):
            self.proc.kill()
            raise SystemExit(f"the loopback feed server did not start: {line!r}")
        self.urls = self.urls_file.read_text().split()

    def write_urls(self, n: int) -> Path:
        path = BENCH / f"urls-{n}.txt"
        path.write_text("\n".join(self.urls[:n]) + "\n")
        return path

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


# -- the contenders --------------------------------------------------------------


_SUMMARY = re.compile(r"polled (\d+) feeds?: (\d+) not modified, (\d+) new posts?")


def run_tracer(
    n: int, urls: list[str], concurrency: int, tracer: Path = TRACER, tool: str = "tracer"
) -> list[Row]:
    db = fresh(BENCH / f"{tool}-{n}.db")
    add = subprocess.run(
        [str(tracer), "--db", str(db), "feeds", "add", *urls],
        capture_output=True,
        text=True,
        check=False,
    )
    if add.returncode != 0:
        log(f"  ! tracer feeds add failed: {add.stderr[-500:]}")
    command = [str(tracer), "--db", str(db), "poll", "--all", "--concurrency", str(concurrency)]
    rows = []
    for phase in ("cold", "warm"):
        timing = timed(command)
        match = _SUMMARY.search(timing.output)
        feeds, not_modified, posts = (int(g) for g in match.groups()) if match else (0, 0, 0)
        if phase == "cold" and posts != n * ITEMS:
            log(f"  ! {tool} cold stored {posts} posts, expected {n * ITEMS}")
        if phase == "warm" and not_modified != n:
            log(f"  ! {tool} warm: {not_modified} of {n} feeds not modified")
        rows.append(Row(n, tool, phase, timing, posts if phase == "cold" else feeds))
    return rows


def run_reader(n: int, urls_file: Path) -> list[Row]:
    db = fresh(BENCH / f"reader-{n}.sqlite")
    helper = str(HERE / "reader_feeds.py")
    subprocess.run([str(READER_PY), helper, "add", str(db), str(urls_file), str(n)], check=True)
    command = [
        str(READER_PY),
        "-m",
        "reader",
        "--db",
        str(db),
        "update",
        "--workers",
        "16",
        "--no-scheduled",
    ]
    rows = []
    counted = 0
    for phase in ("cold", "warm"):
        timing = timed(command)
        if phase == "cold":
            out = subprocess.run(
                [str(READER_PY), helper, "count", str(db)],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            counted = int(out.strip() or 0)
            if counted != n * ITEMS:
                log(f"  ! reader cold stored {counted} entries, expected {n * ITEMS}")
        rows.append(Row(n, "reader", phase, timing, counted if phase == "cold" else n))
    return rows


def run_floor(n: int, urls_file: Path) -> list[Row]:
    timing = timed([sys.executable, str(HERE / "floor.py"), str(urls_file), str(n)])
    entries = int(timing.output.strip().splitlines()[-1]) if timing.ok else 0
    return [Row(n, "floor", "cold", timing, entries)]


def best(run: Callable[[], list[Row]], repeat: int) -> list[Row]:
    """Run a contender ``repeat`` times; keep each phase's fastest run (the machine is shared)."""
    runs = [run() for _ in range(repeat)]
    return [min(phase, key=lambda row: row.timing.seconds) for phase in zip(*runs, strict=True)]


# -- report ----------------------------------------------------------------------


def ratio(a: Row | None, b: Row | None) -> str:
    if a is None or b is None or not b.timing.seconds:
        return "—"
    return f"{a.timing.seconds / b.timing.seconds:.2f}×"


def table(rows: list[Row]) -> str:
    lines = [
        f"{'N':>5} {'tool':<13} {'phase':<5} {'wall s':>7} {'cpu s':>7} {'entries/s':>10} "
        f"{'feeds/s':>8} {'mem MB':>7}  {'÷reader':>8} {'÷floor':>8}",
    ]
    find = {(r.n, r.tool, r.phase): r for r in rows}
    for r in rows:
        per_s = r.entries / r.timing.seconds if r.phase == "cold" else 0
        feeds_s = r.n / r.timing.seconds
        rss = f"{r.timing.rss_mb:.0f}" if r.timing.rss_mb else "?"
        vs_reader = ratio(r, find.get((r.n, "reader", r.phase))) if r.tool != "reader" else ""
        vs_floor = (
            ratio(r, find.get((r.n, "floor", "cold")))
            if r.phase == "cold" and r.tool != "floor"
            else ""
        )
        lines.append(
            f"{r.n:>5} {r.tool:<13} {r.phase:<5} {r.timing.seconds:>7.2f} {r.timing.cpu:>7.2f} "
            f"{(f'{per_s:,.0f}' if per_s else '—'):>10} {feeds_s:>8.0f} {rss:>7}  "
            f"{vs_reader:>8} {vs_floor:>8}"
        )
    return "\n".join(lines)


def goals(rows: list[Row]) -> str:
    """Each N's ratios against the goals of issue 12."""
    find = {(r.n, r.tool, r.phase): r for r in rows}
    lines = ["goals (issue 12):"]
    for n in sorted({r.n for r in rows}):
        cold, warm = find.get((n, "tracer", "cold")), find.get((n, "tracer", "warm"))
        if cold is None:
            continue
        peak = max((r.timing.rss_mb or 0) for r in (cold, warm) if r is not None)
        lines.append(
            f"  N={n:<5} cold/reader {ratio(cold, find.get((n, 'reader', 'cold')))} (≤ 0.15×)"
            f"  cold/floor {ratio(cold, find.get((n, 'floor', 'cold')))} (≤ 0.20×)"
            f"  warm/reader {ratio(warm, find.get((n, 'reader', 'warm')))} (≤ 0.40×)"
            f"  peak memory {peak:.0f} MB (< 200 MB at 1,000)"
        )
    return "\n".join(lines)


def parse_micro() -> str:
    """Entries/s of tracer.plain_feeds and of tracer.feeds.parse_feed's feedparser path."""
    from feedgen import make_feeds

    from tracer import plain_feeds
    from tracer.feeds import parse_feed
    from tracer.plain_feeds import parse_plain_feed

    def feedparser_path(body: bytes, url: str, content_type: str | None) -> ParsedFeed:
        with plain_feeds.disabled():
            return parse_feed(body, url, content_type)

    feeds = make_feeds(60, seed=1)
    url = "http://127.0.0.1/feed"
    mismatches = sum(
        parse_plain_feed(f.body, url + f.path, f.content_type)
        != feedparser_path(f.body, url + f.path, f.content_type)
        for f in feeds
    )
    results = []
    readers = (("plain_feeds (lxml)", parse_plain_feed), ("feedparser path", feedparser_path))
    for name, parse in readers:
        started = time.perf_counter()
        for f in feeds:
            parse(f.body, url + f.path, f.content_type)
        results.append(f"{name} {len(feeds) * ITEMS / (time.perf_counter() - started):,.0f}")
    return (
        f"parse (one core, {len(feeds)} generated feeds × {ITEMS}): entries/s "
        + ", ".join(results)
        + f"; results differ on {mismatches} feeds"
    )


def micro_scripts() -> list[str]:
    lines = []
    for name in MICRO:
        path = HERE / name
        if not path.exists():
            lines.append(f"{name}: (not present)")
            continue
        log(f"running {name} …")
        proc = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, cwd=ROOT, check=False
        )
        tail = [line for line in proc.stdout.strip().splitlines() if line.strip()][-5:]
        status = "" if proc.returncode == 0 else f" (exit {proc.returncode})"
        lines.append(f"{name}{status}:")
        lines += [f"  {line}" for line in tail] or [f"  {proc.stderr.strip()[-300:]}"]
    return lines


def main() -> int:
    BENCH.mkdir(exist_ok=True)
    sizes = [int(s) for s in os.environ.get("BENCH_N", "100,300,1000").split(",") if s.strip()]
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "16"))
    repeat = max(1, int(os.environ.get("BENCH_REPEAT", "1")))
    # BENCH_BASELINE=/path/to/other/venv/bin/tracer adds another tracer build, side by side.
    baseline = Path(os.environ["BENCH_BASELINE"]) if os.environ.get("BENCH_BASELINE") else None
    if not TRACER.exists():
        raise SystemExit(f"{TRACER} not found: run `make bench` (it installs tracer into .venv)")
    # Installed packages carry bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would recompile tracer's sources at every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tracer")], check=True)
    reader_problem = ensure_reader()
    log(f"generating and serving {max(sizes)} feeds × {ITEMS} items on {HOSTS} loopback hosts …")
    server = LoopServer(max(sizes))
    rows: list[Row] = []
    try:
        for n in sizes:
            urls_file = server.write_urls(n)
            urls = server.urls[:n]
            log(f"N={n}: tracer …")
            rows += best(partial(run_tracer, n, urls, concurrency), repeat)
            if baseline is not None:
                log(f"N={n}: tracer before (BENCH_BASELINE) …")
                before = partial(run_tracer, n, urls, concurrency, baseline, "tracer-before")
                rows += best(before, repeat)
            if reader_problem is None:
                log(f"N={n}: reader …")
                rows += best(partial(run_reader, n, urls_file), repeat)
            log(f"N={n}: floor (httpx + feedparser defaults) …")
            rows += best(partial(run_floor, n, urls_file), repeat)
        if os.environ.get("BENCH_PROFILE"):
            log("profiling a cold and a warm tracer poll with py-spy …")
            subprocess.run(
                [sys.executable, str(HERE / "profile_poll.py"), str(BENCH / "urls.txt")],
                check=False,
            )
    finally:
        server.close()
    report = [
        f"tracer poll benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"{ITEMS} items per feed, {HOSTS} loopback hosts, tracer --concurrency {concurrency}, "
        f"reader --workers 16, best of {repeat}",
        table(rows),
        "cold entries/s = entries stored ÷ wall time of the whole process (start-up included);"
        " ÷reader and ÷floor are wall-time ratios (smaller is better).",
        goals(rows),
    ]
    if reader_problem:
        report.append(reader_problem)
    if os.environ.get("BENCH_MICRO", "1") != "0":  # BENCH_MICRO=0: the poll table only
        report.append(parse_micro())
        report += micro_scripts()
    text = "\n".join(report)
    (BENCH / "report.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    if shutil.which("make") is None and not TRACER.exists():
        log("note: run from the repository root with `make bench`")
    sys.exit(main())
