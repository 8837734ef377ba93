"""Lint rules over a loaded book, one function per code.

Rules see the chapter sources (for the editor's line numbers) and, where they need
pandoc's reading of the text, the chapter ASTs. Each returns diagnostics; none
raises, so one run reports every problem.
"""

from __future__ import annotations

import re
from typing import Iterator

from .book import Book, Chapter
from .diagnostics import Diagnostic, did_you_mean, error, warning
from .transforms import cited_keys

_CITE = re.compile(r"(?<![\w@\\])-?@(?:\{(?P<braced>[^}\s]+)\}|(?P<key>[\w][\w:.#$%&\-+?<>~/]*))")


def source_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of lines outside fenced code, inline code blanked."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        marker = stripped[:3]
        if fence is None and marker in ("```", "~~~"):
            fence = marker
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        yield number, re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), line)


def citation_sites(text: str) -> Iterator[tuple[str, int, int]]:
    """(key, line, column) of every citation-looking `@key` in a chapter source."""
    for number, line in source_lines(text):
        for match in _CITE.finditer(line):
            key = match.group("braced") or match.group("key").rstrip(".:;,?!/-+~<>#$%&")
            yield key, number, match.start() + 1 + (1 if match.group(0).startswith("-") else 0)


def unknown_citations(book: Book, chapter: Chapter, ast: dict | None) -> list[Diagnostic]:
    """C001: every citation of a key the bibliography lacks, at its line and column."""
    keys = book.bibliography.keys
    used = set(cited_keys(ast)) if ast is not None else None
    out = []
    for key, line, column in citation_sites(chapter.text):
        if key in keys or (used is not None and key not in used):
            continue  # known, or pandoc did not read it as a citation (e.g. an e-mail address)
        out.append(error(chapter.path, line, "C001", f"unknown citation key '{key}'{did_you_mean(key, keys)}", column))
    return out


def uncited_entries(book: Book, asts: list[dict]) -> list[Diagnostic]:
    """C002: bibliography entries no chapter cites."""
    used = {key for ast in asts for key in cited_keys(ast)}
    bib = book.bibliography
    return [warning(bib.path, entry.line, "C002", f"entry '{key}' is never cited")
            for key, entry in sorted(bib.entries.items()) if key not in used]


def run_checks(book: Book, asts: list[dict]) -> list[Diagnostic]:
    """All rules that need the converted chapters."""
    diags: list[Diagnostic] = []
    for chapter, ast in zip(book.chapters, asts):
        diags.extend(unknown_citations(book, chapter, ast))
    diags.extend(uncited_entries(book, asts))
    return diags


def check_book(root, strict: bool = False, cache=None) -> list[Diagnostic]:
    """Everything `check` reports: loading problems, then the rules over the text."""
    from .book import load_book
    from .cache import Cache
    from .convert import convert_all
    from .diagnostics import BookError

    try:
        book = load_book(root, strict=strict)
    except BookError as exc:
        return exc.diagnostics
    cache = cache or Cache(book.root)
    diags = list(book.warnings)
    try:
        _, asts, pandoc_diags = convert_all(book, cache)
    except BookError as exc:
        return diags + exc.diagnostics
    from .pipeline import pandoc_diags_filtered

    diags += pandoc_diags_filtered(pandoc_diags)
    diags += run_checks(book, asts)
    return diags
