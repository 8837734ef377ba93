"""Lint rules over a loaded book, one function per code.

Rules see the chapter sources (for the editor's line numbers) and, where they need
pandoc's reading of the text, the chapter ASTs. Each returns diagnostics; none
raises, so one run reports every problem.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterator

from .book import Book, Chapter
from .diagnostics import BookError, Diagnostic, did_you_mean, error, warning
from .resources import vet_image
from .sanitize import sanitize
from .transforms import cited_keys, iter_nodes

_CITE = re.compile(r"(?<![\w@\\])-?@(?:\{(?P<braced>[^}\s]+)\}|(?P<key>[\w][\w:.#$%&\-+?<>~/]*))")
_NOTE_DEF = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\]:")
_NOTE_REF = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
_IMAGE = re.compile(r"!\[(?P<alt>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<src><[^>]*>|[^)\s]+)")
_LOCAL_LINK = re.compile(r"\]\(#(?P<id>[^)\s]+)")
_ATX = re.compile(r"^(?P<marks>#{1,6})(?:\s|$)")
_TIMELINE = re.compile(r"^:{3,}\s*\{[^}]*\.timeline\b")


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


def note_rules(chapter: Chapter) -> list[Diagnostic]:
    """N001–N003: `[^label]` notes; labels are local to their chapter file."""
    defined: dict[str, int] = {}
    refs: list[tuple[str, str, int, int]] = []
    out = []
    for number, line in source_lines(chapter.text):
        definition = _NOTE_DEF.match(line)
        if definition:
            label = definition.group("label")
            if label.lower() in defined:
                out.append(error(chapter.path, number, "N003",
                                 f"note '[^{label}]' defined twice (first on line {defined[label.lower()]})", 1))
            else:
                defined[label.lower()] = number
        for match in _NOTE_REF.finditer(line):
            if definition and match.start() == definition.start("label") - 2:
                continue
            refs.append((match.group("label"), match.group("label").lower(), number, match.start() + 1))
    used = {lower for _, lower, _, _ in refs}
    for label, lower, number, column in refs:
        if lower not in defined:
            hint = did_you_mean(label, defined)
            out.append(error(chapter.path, number, "N001", f"note '[^{label}]' is used but never defined{hint}", column))
    for lower, number in defined.items():
        if lower not in used:
            out.append(warning(chapter.path, number, "N002", f"note '[^{lower}]' is defined but never used", 1))
    return out


def image_rules(book: Book, chapter: Chapter) -> list[Diagnostic]:
    """L002 (no alt text) and the resource gate (L001, L004–L006), at the image's position."""
    out = []
    folder = posixpath.dirname(chapter.path)
    for number, line in source_lines(chapter.text):
        for match in _IMAGE.finditer(line):
            src = match.group("src").strip("<>")
            column = match.start() + 1
            if not match.group("alt").strip():
                out.append(warning(chapter.path, number, "L002", f"image '{src}' has no alt text", column))
            refused = vet_image(book.root, src, folder)
            if refused:
                out.append(error(chapter.path, number, refused[0], refused[1], column))
    return out


def timeline_rules(book: Book, chapter: Chapter) -> list[Diagnostic]:
    """L002 and D001 for chronology figures, before the build would stop at the first."""
    from .timeline import load_timeline

    out = []
    for number, line in source_lines(chapter.text):
        if not _TIMELINE.match(line):
            continue
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', line))
        if not attrs.get("alt", "").strip():
            out.append(error(chapter.path, number, "L002", 'timeline block needs alt text (alt="…")'))
        src = attrs.get("src")
        if not src:
            out.append(error(chapter.path, number, "D001", 'timeline block needs a src="../data/….yaml" attribute'))
            continue
        try:
            load_timeline(book.root, src, chapter.path, number)
        except BookError as exc:
            out.extend(exc.diagnostics)
    return out


def heading_rules(chapter: Chapter) -> list[Diagnostic]:
    """S002: a heading more than one level below the one before it (## then ####)."""
    out, previous = [], None
    for number, line in source_lines(chapter.text):
        match = _ATX.match(line)
        if not match:
            continue
        level = len(match.group("marks"))
        if previous is not None and level > previous + 1:
            out.append(warning(chapter.path, number, "S002",
                               f"heading level {level} follows level {previous}; use level {previous + 1}", 1))
        previous = level
    return out


def book_ids(book: Book, asts: list[dict | None]) -> set[str]:
    """Every id a link can point at: headings, divs, spans, figures, and the generated parts."""
    ids = {"contents", "bibliography"} | {chapter.slug for chapter in book.chapters}
    for ast in asts:
        for node in iter_nodes(ast or {}):
            kind, content = node["t"], node.get("c")
            if kind == "Header":
                ids.add(content[1][0])
            elif kind in ("Div", "Span", "Figure", "Table", "CodeBlock"):
                ids.add(content[0][0])
            elif kind in ("Image", "Link", "Code"):
                ids.add(content[0][0])
    ids.discard("")
    return ids


def link_rules(chapter: Chapter, ids: set[str]) -> list[Diagnostic]:
    """L003: `[text](#id)` where no heading, figure or block in the book has that id."""
    out = []
    for number, line in source_lines(chapter.text):
        for match in _LOCAL_LINK.finditer(line):
            target = match.group("id")
            if target not in ids:
                out.append(error(chapter.path, number, "L003",
                                 f"link to '#{target}', which no heading or block has{did_you_mean(target, ids)}",
                                 match.start() + 3))
    return out


def run_checks(book: Book, asts: list[dict | None]) -> list[Diagnostic]:
    """Every rule over the chapters; a chapter pandoc could not read has `None` as its AST."""
    diags: list[Diagnostic] = []
    ids = book_ids(book, asts)
    for chapter, ast in zip(book.chapters, asts):
        if ast is not None:
            diags.extend(unknown_citations(book, chapter, ast))
            diags.extend(sanitize(ast, chapter, fix=False))
        diags.extend(note_rules(chapter))
        diags.extend(image_rules(book, chapter))
        diags.extend(timeline_rules(book, chapter))
        diags.extend(heading_rules(chapter))
        diags.extend(link_rules(chapter, ids))
    if all(ast is not None for ast in asts):
        diags.extend(uncited_entries(book, [a for a in asts if a is not None]))
    return diags


def check_book(root, strict: bool = False, cache=None) -> list[Diagnostic]:
    """Everything `check` reports, in one run: loading problems, then every rule over the text."""
    from concurrent.futures import ThreadPoolExecutor

    from .book import load_book
    from .cache import Cache
    from .convert import chapter_ast
    from .pipeline import pandoc_diags_filtered

    try:
        book = load_book(root, strict=strict, keep_going=True)
    except BookError as exc:
        return exc.diagnostics
    cache = cache or Cache(book.root)
    diags = list(book.warnings)
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
        diags += pandoc_diags_filtered([d for _, found in results for d in found if d.code != "R003"
                                        or not _NOTE_WARNING.search(d.message)])
    diags += run_checks(book, asts)
    return sorted(set(diags), key=lambda d: (d.path, d.line or 0, d.column or 0, d.code, d.message))


#: pandoc's own note warnings; note_rules reports the same problems with better positions.
_NOTE_WARNING = re.compile(r"note (with key|reference)|Duplicate note", re.IGNORECASE)
