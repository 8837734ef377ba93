#!/usr/bin/env python3
"""Run one command and write its wall time and peak memory: `measure.py RESULT.json -- CMD…`.

Two memory figures, both in MiB:

- `maxrss_mib`, the largest resident set of any single process of the run:
  getrusage(RUSAGE_CHILDREN).ru_maxrss covers the command and every process it
  waited for (pandoc, pool workers), over this wrapper's whole life — which is why
  the runner starts this wrapper afresh for every measurement.
- `pss_mib`, the largest sum of proportional set sizes of the command and all its
  descendants at one moment, sampled from /proc every 0.2 s: the memory the whole
  run holds, with pages that forked workers share counted once. Linux only.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time

SAMPLE_EVERY = 0.2


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def pss_kib(pid: int) -> int:
    """Proportional set size of one process in KiB; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0


def sample_pss(pid: int, done: threading.Event, peak: list[int]) -> None:
    """Keep peak[0] at the largest PSS sum of `pid`'s tree seen until `done` is set."""
    while not done.wait(SAMPLE_EVERY):
        peak[0] = max(peak[0], sum(pss_kib(p) for p in descendants(pid)))


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: measure.py RESULT.json -- CMD…", file=sys.stderr)
        return 2
    result, cmd = argv[0], argv[2:]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd)
    done, peak_pss = threading.Event(), [0]
    sampler = threading.Thread(target=sample_pss, args=(proc.pid, done, peak_pss), daemon=True)
    sampler.start()
    proc.wait()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    maxrss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    with open(result, "w", encoding="utf-8") as f:
        json.dump({"wall": wall, "maxrss_mib": maxrss_kib / 1024, "pss_mib": peak_pss[0] / 1024,
                   "code": proc.returncode}, f)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
