"""The build up to the renderers: convert, check, transform.

`prepare` turns a loaded Book into the list of converted parts (front matter,
chapters, appendices, bibliography) that every renderer takes as it is.
"""

from __future__ import annotations

import posixpath
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .book import Book
from .cache import Cache, atomic_write, digest
from .caption_lists import anchor_captions
from .check import run_checks, timelines
from .code import number_captions
from .convert import Converted, bibliography_ast, convert_all, title_and_body_html
from .crossref import resolve as resolve_crossrefs
from .diagnostics import Report
from .index import mark_index
from .mathtex import typeset_math
from .matter import name_untitled
from .pdffigure import rasterise_pdf_figures
from .sanitize import sanitize
from .tasklists import mark_task_lists
from .templates_env import environment
from .timeline import render_svg
from .transforms import (
    cited_keys,
    count,
    figure,
    map_blocks,
    number_figures,
    resolve_images,
    separate_note_calls,
    split_title,
    stringify,
)

FIGURE_DIR = "figures"


@dataclass
class Prepared:
    book: Book
    parts: list[Converted]
    report: Report
    images: list[str] = field(default_factory=list)  # book-relative paths of every image

    @property
    def chapters(self) -> list[Converted]:
        return [p for p in self.parts if p.chapter is not None]

    def text_characters(self) -> set[str]:
        """Every character the book prints, for font subsetting."""
        chars = set(self.book.config.title + self.book.config.subtitle + self.book.config.author_line)
        chars |= set(self.book.config.publisher + self.book.config.rights + self.book.config.description)
        for part in self.parts:
            chars |= set(part.body_html) | set(part.title_html)
        return chars


def prepare(book: Book, cache: Cache, draft: bool = False, html: bool = True, jobs: int = 2) -> Prepared:
    """Convert every chapter and run the checks `check` runs; raise BookError on any error."""
    report = Report(lint=book.config.lint)
    report.extend(book.warnings)
    chapters, asts, pandoc_diags = convert_all(book, cache, jobs=jobs)
    problems = run_checks(book, asts, pandoc_diags, cache)
    if draft:
        problems = [d.as_warning() if d.code in ("C001", "X001") else d for d in problems]
    report.extend(problems)
    report.add_unused_ignores(book.config.lines)
    report.raise_if_errors()

    env = environment(book.root)
    parts: list[Converted] = []
    images: list[str] = []
    for chapter, ast in zip(chapters, asts, strict=True):
        report.extend(sanitize(ast, chapter))
        images += resolve_images(ast, posixpath.dirname(chapter.path))
        images += rasterise_pdf_figures(ast, book.root, cache)  # issue 16: PDF figures, task lists, untitled pages
        mark_task_lists(ast)
        name_untitled(chapter, ast)
        ast["blocks"] = _expand_timelines(ast["blocks"], book, chapter, cache, env, images)
        figures = number_figures(ast, chapter.number, book.config.crossref["figure"])
        separate_note_calls(ast)
        header, rest = split_title(ast)
        title_ast = {**ast, "blocks": [{"t": "Plain", "c": header["c"][2]}] if header else []}
        ident = header["c"][1][0] if header else chapter.slug
        parts.append(Converted(
            chapter=chapter, slug=ident or chapter.slug,
            title=(stringify(header["c"][2]) if header else "") or chapter.title,
            title_html="", classes=chapter.classes, number=chapter.number, kind=chapter.kind,
            ast=ast, title_ast=title_ast, body_ast={**ast, "blocks": rest},
            cited=cited_keys(ast), notes=count(ast, "Note"), figures=figures,
        ))
        typeset_technical(parts[-1])
    resolve_crossrefs(parts, book.config.crossref)  # numbers from every chapter: after all are numbered

    if book.config.lists:  # every figure and captioned table gets an id for its list entry
        anchor_captions(parts)

    keys = sorted({k for p in parts for k in p.cited} & book.bibliography.keys)
    if keys:
        bib_ast = bibliography_ast(book, keys, cache)
        header, rest = split_title(bib_ast)
        parts.append(Converted(
            chapter=None, slug="bibliography", title="Bibliography", title_html="",
            classes=("unnumbered",), number=None, kind="back", ast=bib_ast,
            title_ast={**bib_ast, "blocks": [{"t": "Plain", "c": header["c"][2]}] if header else []},
            body_ast={**bib_ast, "blocks": rest},
        ))

    index = mark_index(parts)  # the back-of-book index (issue 16): anchors at the marks, the Index last
    if index is not None:
        parts.append(index)

    if html:
        _add_html(parts, book, cache, jobs)
    return Prepared(book, parts, report, images)


def typeset_technical(part: Converted) -> None:
    """Math as MathML (or its TeX as code, reported by check's M001 rule), numbered equations,
    listings and table captions."""
    typeset_math(part)
    number_captions(part)


def _add_html(parts: list[Converted], book: Book, cache: Cache, jobs: int) -> None:
    """Each part's title and body as HTML: one pandoc process a part, `jobs` at a time."""
    def convert(part: Converted) -> None:
        source = part.chapter.path if part.chapter else book.config.bibliography
        part.title_html, part.body_html = title_and_body_html(part.title_ast, part.body_ast, source, cache)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(convert, parts))


def _expand_timelines(blocks: list, book: Book, chapter, cache: Cache, env, images: list[str]) -> list:
    """Each `.timeline` div as a figure of its SVG, read by the same function the D001 rule runs."""
    found = timelines(book, chapter, {"blocks": blocks})

    def replace(block):
        if id(block) not in found:
            return None
        (ident, _, _), content = block["c"]
        timeline, alt = found[id(block)]
        svg = render_svg(timeline, alt, env)
        name = f"timeline-{digest(svg)[:16]}.svg"
        path = cache.root / FIGURE_DIR / name
        if not path.exists():
            atomic_write(path, svg.encode("utf-8"))
        fig_src = posixpath.join(".cache", FIGURE_DIR, name)
        images.append(fig_src)
        caption: list[dict] = []
        for b in content:
            if b["t"] in ("Para", "Plain"):
                caption += ([{"t": "Space"}] if caption else []) + b["c"]
        return [figure(ident or "chronology-figure", fig_src, alt, caption, ["timeline"])]

    return map_blocks(blocks, replace)
