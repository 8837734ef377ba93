"""Progress display and problems on the terminal, and the exit codes problems become.

Exit status: 0 success, 1 the book has an error (or a warning under --strict),
2 bad usage, 3 an internal error in the toolkit itself (a bug: please report it).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from ..diagnostics import Diagnostic, sorted_diagnostics

EXIT_OK, EXIT_BOOK, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class Console:
    """Progress and problems; problems to stderr, progress to stdout.

    On a terminal, per-item progress is one bar redrawn in place; elsewhere (a pipe, CI)
    it is plain lines, and `--quiet` drops it altogether.
    """

    BAR = 24

    def __init__(self, quiet: bool, verbose: bool, book_root: Path | None = None, tty: bool | None = None):
        self.quiet, self.verbose = quiet, verbose
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.started = time.monotonic()
        self._bar_open = False

    def step(self, message: str) -> None:
        if not self.quiet:
            self._end_bar()
            print(message, flush=True)

    def progress(self, stage: str, done: int, total: int, item: str = "") -> None:
        """`done` of `total` items of a stage finished, the latest being `item`."""
        if self.quiet or total <= 0:
            return
        if not self.tty:
            print(f"  {stage} {done}/{total}{': ' + item if item else ''}", flush=True)
            return
        filled = round(self.BAR * done / total)
        bar = "#" * filled + "-" * (self.BAR - filled)
        line = f"  {stage} [{bar}] {done}/{total} {item}"
        width = shutil.get_terminal_size((80, 20)).columns - 1
        sys.stdout.write("\r" + line[:width].ljust(width))
        sys.stdout.flush()
        self._bar_open = done < total
        if done >= total:
            sys.stdout.write("\n")
            sys.stdout.flush()

    def _end_bar(self) -> None:
        if self._bar_open:
            sys.stdout.write("\n")
            self._bar_open = False

    def detail(self, message: str) -> None:
        if self.verbose:
            self._end_bar()
            print(f"  [{time.monotonic() - self.started:6.2f}s] {message}", flush=True)

    def problems(self, diags: list[Diagnostic]) -> None:
        self._end_bar()
        for d in sorted_diagnostics(diags):
            print(d.format(), file=sys.stderr)
