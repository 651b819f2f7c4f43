"""Throughput of `tracer clean-url --json -` on one core, against a bare echo, in URLs/s.

Generates a varied set of inputs itself (deterministic, seeded): article URLs
as aggregator feeds carry them (utm tags, click ids, mixed-case hosts, default
ports, percent-encoding, IDN hosts and Unicode paths, redirect wrappers nested
up to twice, AMP caches and viewers, long queries, fragments and hash-bang
routes, must-keep ids) plus a share of invalid lines. Both commands run in a
child process pinned to one CPU when the platform allows it, start-up
included, alternately: tracer, and a bare Python process that only echoes
each line as a JSON object (the floor of any Python tool doing this). The
goal is tracer at 0.5× the echo's throughput or better. The last line
printed is ``clean-url: NNNNN URLs/s (R× the echo's MMMMM)``.

    python benchmarks/bench_urls.py [--count N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

HOSTS = [
    "www.rt.com",
    "xn--80ak6aa92e.com",
    "пример.рф",
    "Bücher.example",
    "例え.jp",
    "www.example.com",
    "News.Example.org",
    "blog.example.net",
    "medium.com",
    "www.nytimes.com",
    "www.theguardian.com",
    "münchen.de",
    "example.co.uk:443",
    "[2001:db8::1]",
    "www.reuters.com",
    "m.example.ru",
    "example.com:8080",
    "www.bbc.co.uk",
]
TRACKERS = [
    "utm_source=rss",
    "utm_medium=rss",
    "utm_campaign=RSS",
    "fbclid=IwAR0abc123",
    "gclid=Cj0KCQ",
    "mc_cid=1a2b3c",
    "mc_eid=9z8y7x",
    "_ga=2.1234.5678",
    "igshid=MzRlODBiNWFlZA==",
    "xtor=RSS-3208",
    "yclid=123456",
    "msclkid=abcdef",
    "WT.mc_id=twitter",
]
KEEPERS = ["p=123", "id=5", "page=2", "print", "lang=en", "v=dQw4w9WgXcQ", "feed=rss2", "q=a+b"]
WORDS = ["news", "world", "2019", "03", "syria", "victory", "economy", "Café", "politics", "x"]


def make_url(rng: random.Random) -> str:
    host = rng.choice(HOSTS)
    scheme = rng.choice(("https", "https", "http", "HTTPS"))
    path = "/" + "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    path += rng.choice(("/", "", ".html", "/%7Euser/", "/./a/../b"))
    params = rng.sample(KEEPERS, rng.randint(0, 2)) + rng.sample(TRACKERS, rng.randint(0, 4))
    if rng.random() < 0.1:  # a long query: search pages, signed links, session blobs
        params += [f"k{i}={rng.choice(WORDS)}{i}" for i in range(rng.randint(10, 40))]
    rng.shuffle(params)
    url = f"{scheme}://{host}{path}" + ("?" + "&".join(params) if params else "")
    url += rng.choice(("", "", "", "#comments", "#!/route", "#:~:text=a%20quote", "#/spa/x"))
    roll = rng.random()
    if roll < 0.02:
        inner = "https://l.facebook.com/l.php?u=" + quote(url, safe="") + "&h=AT0x"
        url = "https://www.google.com/url?q=" + quote(inner, safe="") + "&sa=D"
    elif roll < 0.05:
        url = "https://www.google.com/url?q=" + quote(url, safe="") + "&sa=D&usg=AOv"
    elif roll < 0.08:
        url = "https://l.facebook.com/l.php?u=" + quote(url, safe="") + "&h=AT0x"
    elif roll < 0.10 and url.startswith("https://") and "[" not in url:
        url = "https://www-x.cdn.ampproject.org/c/s/" + url[len("https://") :]
    elif roll < 0.11 and url.startswith("https://") and "[" not in url:
        url = "https://www.google.com/amp/s/" + url[len("https://") :]
    elif roll < 0.14:
        url = rng.choice(
            ("javascript:void(0)", "mailto:a@b.c", "/relative/path", "", "http://x y",
             "https://", "http://[::1", "https://a.example:99999/", "ftp://files.example/x")
        )  # fmt: skip
    if rng.random() < 0.05:
        url = f"  {url} "
    return url


# The floor: a Python process that reads each line and writes it back as a JSON object.
ECHO = """
import json, sys
write = sys.stdout.write
for line in sys.stdin:
    line = line.rstrip("\\n")
    write(json.dumps({"input": line, "url": line, "error": None}, ensure_ascii=False) + "\\n")
"""
TRACER = [sys.executable, "-m", "tracer", "clean-url", "--json", "-"]
FLOOR = [sys.executable, "-c", ECHO]


def run_once(data: bytes, command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command`` over ``data``."""
    preexec = None
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))

        def preexec() -> None:
            os.sched_setaffinity(0, {cpu})

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        command,
        input=data,
        capture_output=True,
        preexec_fn=preexec,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if result.returncode not in (0, 1):
        sys.exit(f"clean-url failed ({result.returncode}): {result.stderr.decode()[:500]}")
    printed, expected = result.stdout.count(b"\n"), data.count(b"\n")
    if printed != expected:
        sys.exit(f"{command[-1]} printed {printed} lines for {expected} inputs")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="URLs per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args()
    # Installed packages carry bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would recompile tracer's sources at every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tracer")], check=True)
    rng = random.Random(20190323)
    data = ("\n".join(make_url(rng) for _ in range(args.count)) + "\n").encode("utf-8")
    tracer_runs, echo_runs = [], []
    for _ in range(args.repeat):  # alternately, so a change of load hits both
        tracer_runs.append(run_once(data, TRACER))
        echo_runs.append(run_once(data, FLOOR))
    best, echo = min(tracer_runs), min(echo_runs)
    best_cpu, echo_cpu = min(c for _w, c in tracer_runs), min(c for _w, c in echo_runs)
    print(
        f"{args.count} URLs ({len(data) / 1e6:.1f} MB): tracer {best[0]:.2f} s wall,"
        f" {best_cpu:.2f} s cpu; echo {echo[0]:.2f} s wall, {echo_cpu:.2f} s cpu"
        f" (best of {args.repeat}; cpu is steadier on a shared machine)"
    )
    print(
        f"clean-url: {args.count / best[0]:.0f} URLs/s ({echo[0] / best[0]:.2f}× the echo's"
        f" {args.count / echo[0]:.0f} wall, {echo_cpu / best_cpu:.2f}× by cpu time)"
    )


if __name__ == "__main__":
    main()
