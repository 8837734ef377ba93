"""`stats`: how long each chapter is, and how much it leans on sources and notes.

Counts come from the prepared ASTs (what the book prints, not the Markdown), so
citations count as pandoc resolved them and a timeline block counts as a figure.
Print pages come from the PDF in the output folder when there is one: each chapter
starts at its bookmark (WeasyPrint makes one per chapter title) and runs to the
next; the PDF's age is reported, since it may predate the latest edit.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path
from typing import Any

from .pipeline import Prepared
from .transforms import iter_nodes

#: Silent reading speed for non-fiction, words per minute (Brysbaert 2019).
WORDS_PER_MINUTE = 238
COLUMNS = ("words", "minutes", "paragraphs", "citations", "sources", "notes", "figures", "pages")
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+(?:['’.-][^\W\u3400-\u9fff]+)*")


def _outside_notes(node) -> list[dict]:
    """Every AST element that the running text prints, skipping note contents."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("t") == "Note":
                continue
            if "t" in item:
                found.append(item)
            if item.get("t") == "Cite":
                stack.append(item["c"][1])  # what prints, not the citation's prefix and locator
            elif "c" in item:
                stack.append(item["c"])
            elif "blocks" in item:
                stack.append(item["blocks"])
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def chapter_stats(ast: dict) -> dict[str, int]:
    nodes = _outside_notes(ast)
    text = " ".join(n["c"] for n in nodes if n["t"] == "Str")
    words = len(_WORD.findall(text))
    all_nodes = list(iter_nodes(ast))
    cites = [c for n in all_nodes if n["t"] == "Cite" for c in n["c"][0]]
    return {
        "words": words,
        "minutes": math.ceil(words / WORDS_PER_MINUTE) if words else 0,
        "paragraphs": sum(1 for n in nodes if n["t"] == "Para"),
        "citations": len(cites),
        "sources": len({c["citationId"] for c in cites}),
        "notes": sum(1 for n in all_nodes if n["t"] == "Note"),
        "figures": sum(1 for n in all_nodes if n["t"] == "Figure"),
    }


def chapter_pages(pdf_path: Path, titles: list[str]) -> list[int | None]:
    """Pages per chapter from the PDF's top-level bookmarks, matched to chapter titles in order."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        total = len(pdf)
        marks = []
        for item in pdf.get_toc():
            dest = item.get_dest()
            if item.level == 0 and dest is not None and dest.get_index() is not None:
                marks.append((item.get_title().strip(), dest.get_index()))
    finally:
        pdf.close()
    starts: list[int | None] = []
    position = 0
    for title in titles:
        start = None
        for index in range(position, len(marks)):
            if _same(marks[index][0], title):
                start, position = marks[index][1], index + 1
                break
        starts.append(start)
    later = sorted({page for _, page in marks})
    pages: list[int | None] = []
    for start in starts:
        if start is None:
            pages.append(None)
            continue
        end = next((page for page in later if page > start), total)
        pages.append(end - start)
    return pages


def _same(a: str, b: str) -> bool:
    squash = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return squash(a) == squash(b) or squash(a).endswith(" " + squash(b))


def book_stats(prepared: Prepared, pdf_path: Path) -> dict:
    """Per-chapter rows, a total row and where the page counts came from (the print PDF at
    `pdf_path`, if it has been built; the CLI names it from the PDF renderer's file names)."""
    chapters = [(part, part.chapter) for part in prepared.chapters if part.chapter is not None]
    rows: list[dict[str, Any]] = []
    for part, chapter in chapters:
        rows.append({"chapter": chapter.path, "title": part.title, **chapter_stats(part.body_ast)})
    pdf_info = None
    if pdf_path.is_file():
        pages = chapter_pages(pdf_path, [row["title"] for row in rows])
        for row, count in zip(rows, pages, strict=True):
            row["pages"] = count
        newest = max((prepared.book.root / chapter.path).stat().st_mtime for _, chapter in chapters)
        built = pdf_path.stat().st_mtime
        pdf_info = {"path": prepared.book.rel(pdf_path),
                    "built": time.strftime("%Y-%m-%d %H:%M", time.localtime(built)),
                    "older_than_sources": built < newest}
    total: dict[str, Any] = {"chapter": "total", "title": ""}
    for column in COLUMNS:
        values = [row.get(column) for row in rows]
        if column == "pages":
            total[column] = sum(v for v in values if v) if pdf_info else None
        elif column == "sources":
            keys = {k for p in prepared.chapters for k in p.cited}
            total[column] = len(keys & prepared.book.bibliography.keys)
        elif column == "minutes":
            words = sum(row["words"] for row in rows)
            total[column] = math.ceil(words / WORDS_PER_MINUTE) if words else 0
        else:
            total[column] = sum(values)
    return {"chapters": rows, "total": total, "pdf": pdf_info, "words_per_minute": WORDS_PER_MINUTE}


def format_table(stats: dict) -> str:
    """A plain-text table: one row per chapter, then the total."""
    show_pages = stats["pdf"] is not None
    columns = [c for c in COLUMNS if c != "pages" or show_pages]
    header = ["chapter", *columns]
    body = [[row["chapter"], *("—" if row.get(c) is None else str(row[c]) for c in columns)]
            for row in [*stats["chapters"], stats["total"]]]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells):
        return "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(cells))

    rule = "  ".join("-" * w for w in widths)
    out = [line(header), rule, *(line(r) for r in body[:-1]), rule, line(body[-1])]
    out.append(f"minutes: reading time at {stats['words_per_minute']} words a minute; notes include citation notes")
    if show_pages:
        pdf = stats["pdf"]
        stale = " — older than the chapters; rebuild it for current page counts" if pdf["older_than_sources"] else ""
        out.append(f"pages: from {pdf['path']} (built {pdf['built']}){stale}")
    else:
        out.append("pages: no PDF in the output folder yet (build one with `pdf`)")
    return "\n".join(out)
