"""Peak memory and CPU time of a process and all its descendants, each page counted once.

:func:`run_sampled` runs a command and samples, every few milliseconds, the
PSS (proportional set size: a page shared by N processes counts 1/N in each)
of the process and every descendant (e.g. a forkserver and its worker
processes), from ``/proc/PID/smaps_rollup``. The sum of PSS over the tree is
the memory the whole command occupies, shared libraries and copy-on-write
pages counted once; its maximum over the run is the peak. Linux only; on
other systems the peak is ``None``. The same samples add up the CPU time
(user + system) of every process of the tree, including those nobody waits
for (a forkserver and its workers are not children the caller can reap), as
last seen before each exits.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

PROC = Path("/proc")


def descendants(pid: int) -> list[int]:
    """``pid`` and every live process below it."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def pss_kb(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    return sum(pss_kb(p) for p in descendants(pid)) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (not its children)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_sampled(
    command: list[str], interval: float = 0.02, **popen: object
) -> tuple[subprocess.CompletedProcess[str], float | None, float]:
    """Run ``command`` to the end; return its result, the peak PSS (MB) of its process tree
    and the CPU seconds of every process of the tree."""
    proc = subprocess.Popen(  # type: ignore[call-overload]
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
    )
    peak = [0.0]
    cpu: dict[int, float] = {}
    supported = (PROC / "self" / "smaps_rollup").exists()

    def sample() -> None:
        while proc.poll() is None:
            pids = descendants(proc.pid)
            peak[0] = max(peak[0], sum(pss_kb(p) for p in pids) / 1024)
            for p in pids:
                cpu[p] = max(cpu.get(p, 0.0), cpu_seconds(p))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    if supported:
        sampler.start()
    out, err = proc.communicate()
    if supported:
        sampler.join()
    result = subprocess.CompletedProcess(command, proc.returncode, out, err)
    return result, (peak[0] if supported else None), sum(cpu.values())
