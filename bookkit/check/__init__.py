"""Every rule a book must pass: `check` runs them, and so does every build, through `run_checks`.

There is one validation path. `check_book` (the `check` command) and
`pipeline.prepare` (every build) both call `run_checks` over the same converted
chapters, so they report the same diagnostics at the same positions. The only
problems a build can add are those only an output's own step finds (a page layout,
the EPUB writer), listed in `LAYOUT_ONLY`. Both settle what they found in a `Report`
under the book's `lint:` settings, so a silenced or escalated code is the same in both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..book import Book, Chapter
from ..cache import Cache
from ..config import load_config
from ..diagnostics import BUILD, CODES, BookError, Diagnostic, Lint, Report
from ..locate import Source, sites
from ..sanitize import sanitize
from ..timeline import Timeline
from ..transforms import iter_nodes
from . import memo
from .index import index_rules
from .prelayout import MATH_WARNING, glyph_rules, math_rules, stylesheet_messages, stylesheet_rules
from .rules import (
    NOTE_WARNING,
    book_ids,
    heading_rules,
    image_rules,
    link_rules,
    note_definitions,
    timeline_figure,
    timeline_rules,
    title_rule,
    uncited_entries,
    undefined_notes,
    unknown_citations,
)
from .xref import xref_rules

__all__ = ["LAYOUT_ONLY", "MATH_WARNING", "check_book", "run_checks", "stylesheet_messages", "timelines"]

#: Codes only a build can raise (a page layout, an output's writer); `check` cannot know them.
LAYOUT_ONLY: frozenset[str] = frozenset(c.code for c in CODES.values() if c.found_by == BUILD)


def run_checks(book: Book, asts: Sequence[dict | None], pandoc_diags: Sequence[Diagnostic] = (),
               cache: Cache | None = None) -> list[Diagnostic]:
    """Every rule over the chapters; a chapter pandoc could not read has `None` as its AST.

    `pandoc_diags` are the warnings pandoc's reader gave while converting them. With a
    cache, the result is remembered for an unchanged book (`memo`).
    """
    key = memo.checks_key(book.root, list(pandoc_diags)) if cache is not None else ""
    remembered = memo.recall(cache, key) if cache is not None else None
    if remembered is not None:
        return remembered
    diags = _every_rule(book, asts, pandoc_diags)
    if cache is not None:
        memo.remember(cache, key, diags)
    return diags


def _every_rule(book: Book, asts: Sequence[dict | None], pandoc_diags: Sequence[Diagnostic]) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    ids = book_ids(book, asts)
    for chapter, ast in zip(book.chapters, asts, strict=True):
        source = Source(chapter.text)
        diags.extend(_pandoc_warnings(chapter, [d for d in pandoc_diags if d.path == chapter.path], source))
        if ast is None:
            continue
        placed = sites(ast, chapter.text, source)
        diags.extend(title_rule(chapter, ast, placed))
        diags.extend(unknown_citations(book, chapter, placed))
        diags.extend(undefined_notes(chapter, placed, source))
        diags.extend(image_rules(book, chapter, placed, source))
        diags.extend(timeline_rules(book, chapter, placed))
        diags.extend(heading_rules(chapter, placed))
        diags.extend(link_rules(chapter, placed, ids))
        diags.extend(math_rules(chapter, placed))
        diags.extend(glyph_rules(chapter, ast, source))
        diags.extend(sanitize(ast, chapter, fix=False))
    diags.extend(stylesheet_rules(book.root))
    diags.extend(xref_rules(book, asts))  # numbered cross-references (issue 15)
    chapter_paths = {c.path for c in book.chapters}
    diags.extend(_place(d) for d in pandoc_diags if d.path not in chapter_paths)
    diags.extend(index_rules(book, asts))  # the back-of-book index (issue 16)
    if asts and all(ast is not None for ast in asts):
        diags.extend(uncited_entries(book, [a for a in asts if a is not None]))
    return diags


def _pandoc_warnings(chapter: Chapter, diags: list[Diagnostic], source: Source) -> list[Diagnostic]:
    """pandoc's reader warnings for one chapter: notes become N002/N003, the rest R003 at pandoc's position.

    A citation pandoc did not find is left out: C001 reports it with a did-you-mean.
    """
    out = []
    for d in diags:
        if NOTE_WARNING.search(d.message):
            note = note_definitions(chapter, d.message, source)
            if note is not None:
                out.append(note)
        elif not ("citation" in d.message.lower() and "not found" in d.message.lower()):
            out.append(_place(d))
    return out


_PANDOC_POSITION = re.compile(r"\s*\(?at line (?P<line>\d+) column (?P<column>\d+)\)?")


def _place(d: Diagnostic) -> Diagnostic:
    """A pandoc warning at the line and column its message names (pandoc reads the chapter as is)."""
    where = _PANDOC_POSITION.search(d.message)
    if not where or d.line is not None:
        return d
    message = (d.message[:where.start()] + d.message[where.end():]).strip()
    return replace(d, line=int(where["line"]), column=int(where["column"]), message=message)


def timelines(book: Book, chapter: Chapter, ast: dict) -> dict[int, tuple[Timeline, str]]:
    """{id(div): (timeline, alt)} for every `.timeline` div of a chapter, validated by the rule `check` runs."""
    found: dict[int, tuple[Timeline, str]] = {}
    problems: list[Diagnostic] = []
    if not any(node["t"] == "Div" and "timeline" in node["c"][0][1] for node in iter_nodes(ast["blocks"])):
        return found  # placing every node of the chapter is the slow part: only for a chapter with a timeline
    for site in sites(ast, chapter.text):
        if site.kind == "div" and "timeline" in site.node["c"][0][1]:
            timeline, diags = timeline_figure(book, chapter, site.node, site.line)
            problems += diags
            if timeline is not None:
                found[id(site.node)] = (timeline, dict(site.node["c"][0][2])["alt"].strip())
    Report(problems).raise_if_errors()
    return found


def check_book(root, strict: bool = False, cache=None) -> list[Diagnostic]:
    """Everything `check` reports, in one run: loading problems, then every rule over the text."""
    from concurrent.futures import ThreadPoolExecutor

    from ..book import load_book
    from ..convert import chapter_ast

    try:
        book = load_book(root, strict=strict, keep_going=True)
    except BookError as exc:
        stopped = Report(lint=_lint(root, strict))
        stopped.extend(exc.diagnostics)
        return stopped.sorted()
    cache = cache or Cache(book.root)
    diags = list(book.warnings)
    pandoc_diags: list[Diagnostic] = []
    if any(d.code in ("B001", "B004") for d in diags):
        asts: list[dict | None] = [None] * len(book.chapters)  # pandoc would stop at the broken .bib
    else:
        def convert(chapter):
            try:
                return chapter_ast(book, chapter, cache)
            except BookError as exc:
                return None, exc.diagnostics

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(convert, book.chapters))
        asts = [ast for ast, _ in results]
        pandoc_diags = [d for _, found in results for d in found]
    diags += run_checks(book, asts, pandoc_diags, cache)
    report = Report(lint=book.config.lint)
    report.extend(diags)
    report.add_unused_ignores(book.config.lines)
    return report.sorted()


def _lint(root, strict: bool) -> Lint:
    """The book's `lint:` settings when its book.yaml loads, though the book does not."""
    config, _ = load_config(root, strict=strict)
    return config.lint if config is not None else Lint()
