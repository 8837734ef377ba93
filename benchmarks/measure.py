#!/usr/bin/env python3
"""Run one command and write its wall time and peak memory: `measure.py RESULT.json -- CMD…`.

The runner starts this wrapper afresh for every measurement because
getrusage(RUSAGE_CHILDREN).ru_maxrss is the largest resident set of any child a
process has waited for, over its whole life: only in a fresh process is it the
peak of this one run. It covers the command and every process it waited for
(pandoc included), as the largest single process, not their sum.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: measure.py RESULT.json -- CMD…", file=sys.stderr)
        return 2
    result, cmd = argv[0], argv[2:]
    started = time.perf_counter()
    code = subprocess.call(cmd)
    wall = time.perf_counter() - started
    maxrss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    with open(result, "w", encoding="utf-8") as f:
        json.dump({"wall": wall, "maxrss_mib": maxrss_kib / 1024, "code": code}, f)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
