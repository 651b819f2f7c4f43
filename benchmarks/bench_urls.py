"""Throughput of `tracer clean-url --json -` on one core, in URLs per second.

Generates realistic inputs itself (deterministic, seeded): article URLs as
aggregator feeds carry them (utm tags, click ids, mixed-case hosts, default
ports, percent-encoding, Unicode hosts and paths, redirect wrappers, AMP caches,
must-keep ids) plus a share of invalid values. The command runs in a child
process pinned to one CPU when the platform allows it; the time includes its
start-up. The last line printed is ``clean-url: NNNNN URLs/s``.

    python benchmarks/bench_urls.py [--count N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from urllib.parse import quote

HOSTS = [
    "www.rt.com", "www.example.com", "News.Example.org", "blog.example.net", "medium.com",
    "www.nytimes.com", "www.theguardian.com", "münchen.de", "example.co.uk:443", "[2001:db8::1]",
    "www.reuters.com", "m.example.ru", "example.com:8080", "www.bbc.co.uk",
]
TRACKERS = [
    "utm_source=rss", "utm_medium=rss", "utm_campaign=RSS", "fbclid=IwAR0abc123", "gclid=Cj0KCQ",
    "mc_cid=1a2b3c", "mc_eid=9z8y7x", "_ga=2.1234.5678", "igshid=MzRlODBiNWFlZA==", "xtor=RSS-3208",
    "yclid=123456", "msclkid=abcdef", "WT.mc_id=twitter",
]
KEEPERS = ["p=123", "id=5", "page=2", "print", "lang=en", "v=dQw4w9WgXcQ", "feed=rss2", "q=a+b"]
WORDS = ["news", "world", "2019", "03", "syria", "victory", "economy", "Café", "politics", "x"]


def make_url(rng: random.Random) -> str:
    host = rng.choice(HOSTS)
    scheme = rng.choice(("https", "https", "http", "HTTPS"))
    path = "/" + "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    path += rng.choice(("/", "", ".html", "/%7Euser/", "/./a/../b"))
    params = rng.sample(KEEPERS, rng.randint(0, 2)) + rng.sample(TRACKERS, rng.randint(0, 4))
    rng.shuffle(params)
    url = f"{scheme}://{host}{path}" + ("?" + "&".join(params) if params else "")
    url += rng.choice(("", "", "", "#comments", "#!/route"))
    roll = rng.random()
    if roll < 0.05:
        url = "https://www.google.com/url?q=" + quote(url, safe="") + "&sa=D&usg=AOv"
    elif roll < 0.08:
        url = "https://l.facebook.com/l.php?u=" + quote(url, safe="") + "&h=AT0x"
    elif roll < 0.10 and url.startswith("https://") and "[" not in url:
        url = "https://www-x.cdn.ampproject.org/c/s/" + url[len("https://") :]
    elif roll < 0.13:
        url = rng.choice(("javascript:void(0)", "mailto:a@b.c", "/relative/path", "", "http://x y"))
    if rng.random() < 0.05:
        url = f"  {url} "
    return url


def run_once(data: bytes) -> float:
    command = [sys.executable, "-m", "tracer", "clean-url", "--json", "-"]
    preexec = None
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))

        def preexec() -> None:
            os.sched_setaffinity(0, {cpu})

    started = time.perf_counter()
    result = subprocess.run(
        command, input=data, capture_output=True,
        preexec_fn=preexec, check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        sys.exit(f"clean-url failed ({result.returncode}): {result.stderr.decode()[:500]}")
    printed, expected = result.stdout.count(b"\n"), data.count(b"\n")
    if printed != expected:
        sys.exit(f"clean-url printed {printed} lines for {expected} inputs")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000, help="URLs per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args()
    rng = random.Random(20190323)
    data = ("\n".join(make_url(rng) for _ in range(args.count)) + "\n").encode("utf-8")
    best = min(run_once(data) for _ in range(args.repeat))
    print(f"{args.count} URLs ({len(data) / 1e6:.1f} MB) in {best:.2f} s (best of {args.repeat})")
    print(f"clean-url: {args.count / best:.0f} URLs/s")


if __name__ == "__main__":
    main()
