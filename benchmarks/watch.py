#!/usr/bin/env python3
"""Save-to-PDF time in `watch`: from a saved edit to the PDF in dist/; print a Markdown table.

For each size a synthetic book is generated (generate.py) and built once; then
`build.py watch` runs on it, and one sentence is appended to its middle chapter
`--edits` times (each after the previous PDF is written). Each edit is timed from
the moment the file is written to the moment watch reports the PDF updated, and to
the moment it reports the preview updated. watch polls every 0.2 s, and that wait
is part of the figure, as it is for an editor.

    python benchmarks/watch.py                    # about 50 and 250 pages
    python benchmarks/watch.py --sizes 250 --edits 9
"""

from __future__ import annotations

import argparse
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate  # noqa: E402
from run import edit_chapter  # noqa: E402

PY = sys.executable


class Watch:
    """`build.py watch` on a book, its output lines read as they come."""

    def __init__(self, book: Path):
        self.proc = subprocess.Popen([PY, str(ROOT / "build.py"), "watch", "--book", str(book), "--port", "0"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line.rstrip()))

    def wait(self, text: str, timeout: float = 600) -> float:
        """The time the next line containing `text` arrived; exit on a failed build."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                when, line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if "error" in line or "failed" in line:
                sys.exit(f"watch: {line}")
            if text in line:
                return when
        sys.exit(f"watch: no {text!r} within {timeout:.0f} s")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def latency(book: Path, edits: int) -> tuple[list[float], list[float]]:
    """Seconds from each saved edit to the preview, and to the PDF."""
    watch = Watch(book)
    try:
        watch.wait("PDF updated")
        previews, pdfs = [], []
        for n in range(edits):
            time.sleep(1.0)
            saved = time.monotonic()
            edit_chapter(book, 1000 + n)
            previews.append(watch.wait("preview updated") - saved)
            pdfs.append(watch.wait("PDF updated") - saved)
        return previews, pdfs
    finally:
        watch.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,250", help=f"comma-separated sizes from {sorted(SIZES)}")
    parser.add_argument("--edits", type=int, default=5, help="edits timed per size (median shown)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bookkit-bench-watch")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if any(s not in SIZES for s in sizes) or args.edits < 1:
        parser.error(f"--sizes must be from {sorted(SIZES)} and --edits at least 1")
    rows = ["| size | edits | save → preview s (median) | save → PDF s (median) | save → PDF s (max) |",
            "|---|---|---|---|---|"]
    for size in sizes:
        book = args.work / f"book-{size}"
        chapters, words = SIZES[size]
        generate(book, chapters, words)
        subprocess.run([PY, str(ROOT / "build.py"), "pdf", "-q", "--book", str(book)], check=True)
        previews, pdfs = latency(book, args.edits)
        rows.append(f"| ~{size} | {args.edits} | {statistics.median(previews):.2f} | "
                    f"{statistics.median(pdfs):.2f} | {max(pdfs):.2f} |")
        print(f"  {size} pages: done", file=sys.stderr, flush=True)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
