"""The benchmark's measurements and the Markdown table run.py prints from them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

LABELS = {"pdf": "bookkit pdf", "epub": "bookkit epub", "plain": "plain: pandoc → WeasyPrint",
          "typst": "pandoc → Typst"}
HEAD = ("| size | words | pipeline | pages | cold s | no-op s | edit s | no-op/cold | edit/cold "
        "| cold/plain | pages/s (cold) | peak RSS MiB | peak PSS MiB | problems |")


@dataclass
class Run:
    """One measured process: wall seconds, peak memory (see measure.py), problems it reported."""

    wall: float
    rss: float
    pss: float
    problems: int


@dataclass
class Row:
    """Every run of one pipeline on one book; the reference pipelines have only cold runs."""

    cold: list[Run] = field(default_factory=list)
    noop: list[Run] = field(default_factory=list)
    edit: list[Run] = field(default_factory=list)
    pages: int | None = None


def median(runs: list[Run]) -> float | None:
    return statistics.median(r.wall for r in runs) if runs else None


def table(results: dict[int, tuple[int, dict[str, Row]]]) -> str:
    """One line per size and pipeline: median times, ratios, the largest memory of any run."""
    lines = [HEAD, "|" + "---|" * (HEAD.count("|") - 1)]
    for size, (words, rows) in results.items():
        plain = median(rows["plain"].cold) if "plain" in rows else None
        print_pages = rows["pdf"].pages if "pdf" in rows else None
        for kind, row in rows.items():
            cold, noop, edit = median(row.cold), median(row.noop), median(row.edit)
            pages = row.pages or print_pages
            runs = row.cold + row.noop + row.edit
            cells = [
                f"~{size:,}", f"{words:,}", LABELS[kind], str(pages) if pages else "—",
                _f(cold), _f(noop), _f(edit), _pct(noop, cold), _pct(edit, cold),
                _x(cold, plain) if kind != "epub" else "—",
                f"{pages / cold:.1f}" if pages and cold else "—",
                f"{max(r.rss for r in runs):,.0f}", f"{max(r.pss for r in runs):,.0f}",
                str(sum(r.problems for r in runs)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "—"


def _pct(part: float | None, whole: float | None) -> str:
    return f"{100 * part / whole:.0f} %" if part is not None and whole else "—"


def _x(value: float | None, ref: float | None) -> str:
    return f"{value / ref:.2f}×" if value is not None and ref else "—"
