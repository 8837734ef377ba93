"""The print book laid out part by part: which parts, where each starts, which gutter.

Chapters are laid out first (their content does not depend on where they start),
then their start pages follow from their lengths: every chapter opens on a recto,
after a blank verso when needed, and body folios count from chapter 1. The front
matter (with those folios in its contents) and each chapter's folios and running
heads are laid out next, in one batch. The gutter follows the page count as in `layout_book`:
a first pass at the gutter the text length predicts (`first_gutter`), a second if the
count calls for another. The last build's gutter, kept in the cache folder, only says
which second-pass layouts to start early, alongside the first pass, on the other core.
A clean build and any sequence of incremental builds run the same steps on the
same inputs; the cache only skips the layouts whose inputs did not change.
"""

from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass, field

from ....cache import Cache, atomic_write
from ....caption_lists import caption_lists, folio_css, held_ids
from ....check import stylesheet_messages
from ....code import uses_code
from ....crossref import fill_pages, page_labels
from ....diagnostics import Diagnostic
from ....fonts import font_face_css, print_faces
from ....index import IndexPart, anchor_pages, numbered_index
from ....index import anchors as index_anchors
from ....outputs import build_timestamp
from ....pipeline import Prepared
from ....stylesheets import print_stylesheets
from ..html import book_html
from .geometry import NOTE_PASSES, first_gutter, kdp_gutter, page_css
from .notecheck import NotePlace, moved_note_diagnostics, number_paragraphs
from .parts import HIDDEN_FLOW_CSS, NO_MARGINS_CSS, LayoutStats, PartResult, PartSpec, lay_out_all, margins_html

#: file in the cache folder holding the gutter of the last print build
GUTTER_HINT = "pdf-gutter.txt"


@dataclass
class PlacedPart:
    """One part of the book and where its pages sit in the PDF (0-based page indexes)."""

    name: str
    source: str | None  # the chapter file, None for the front-matter block and the bibliography
    first_page: int
    blank_before: bool  # a blank verso goes before it so that it opens on a recto
    content: PartResult
    margins: PartResult | None = None  # folios and heads, for chapters
    stand_ins: frozenset[str] = frozenset()  # ids linked to from this part but held by another


@dataclass
class PagePlace:
    """What a caller needs to map a print page back to the text: part, anchors, first paragraph."""

    index: int
    part: str
    source: str | None
    anchors: list[str]
    paragraph: str | None  # the part's `data-para` number of the first paragraph on the page
    line: str = ""  # the text that paragraph's first line on the page begins with


@dataclass
class PartsLayout:
    parts: list[PlacedPart]
    pages: int
    gutter: float
    bleed: float
    fonts: list[str]
    body_start: int | None
    diagnostics: list[Diagnostic]
    stats: LayoutStats = field(default_factory=LayoutStats)

    def page_places(self) -> list[PagePlace]:
        """Per print page: the part it belongs to (a blank belongs to the part after it)."""
        places: list[PagePlace] = []
        for part in self.parts:
            while len(places) < part.first_page:
                places.append(PagePlace(len(places), part.name, part.source, [], None))
            lines = part.content.page_lines or [""] * part.content.pages
            for anchors, paragraph, line in zip(part.content.page_anchors, part.content.page_paragraphs, lines,
                                                strict=True):
                places.append(PagePlace(len(places), part.name, part.source, anchors, paragraph, line))
        last = self.parts[-1]
        while len(places) < self.pages:
            places.append(PagePlace(len(places), last.name, last.source, [], None))
        return places


def can_lay_out_in_parts(prepared: Prepared) -> bool:
    """Parts need front matter first and chapter 1 first after it (folios count from it)."""
    kinds = [p.kind for p in prepared.parts]
    rest = [p for p in prepared.parts if p.kind != "front"]
    ordered = kinds == sorted(kinds, key=lambda k: k != "front")
    return ordered and bool(rest) and rest[0].kind == "body" and rest[0].number == 1


#: most layouts of the book that "on page N" references may take to settle
MAX_PAGE_PASSES = 4


def lay_out_in_parts(prepared: Prepared, cache: Cache, marks: bool = False, jobs: int = 2) -> PartsLayout:
    """The print edition as cached parts; raise BookError on errors.

    A page-form cross-reference (`[@fig:x]{.page}`, crossref.py) says "on page N" only
    here: the book is laid out with the pages of the layout before filled in, starting
    from none, until they stop changing. Only the parts whose text changed are laid out
    again (the part cache keeps the rest), and a book without such references is laid
    out once. Every build runs the same passes from the same start, so an incremental
    build's pages equal a clean build's.
    """
    wanted = page_labels(prepared.parts)
    folios: dict[str, str] = {}
    for _ in range(MAX_PAGE_PASSES):
        layout = _lay_out(prepared, cache, marks, jobs, folios)
        if not wanted:
            return layout
        found = target_folios(layout, wanted)
        if found == folios:
            return layout
        folios = found
    return layout


def target_folios(layout: PartsLayout, labels: set[str]) -> dict[str, str]:
    """label → printed folio of the page holding its id (stand-ins do not count)."""
    found: dict[str, str] = {}
    for part in layout.parts[1:] + layout.parts[:1]:  # the front matter's contents hold stand-ins of chapters
        for index, anchors in enumerate(part.content.page_anchors):
            page = part.first_page + index
            for name in anchors:
                if name in labels and name not in part.stand_ins:
                    found.setdefault(name, folio(page, layout.body_start))
    return found


def folio(page: int, body_start: int | None) -> str:
    """The number printed on a page (0-based index): arabic from the body, roman before it."""
    if body_start is not None and page >= body_start:
        return str(page - body_start + 1)
    return _roman(page + 1)


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


def _lay_out(prepared: Prepared, cache: Cache, marks: bool, jobs: int, folios: dict[str, str]) -> PartsLayout:
    """One layout of the book in parts, "on page N" filled from `folios`."""
    book = prepared.book
    config = book.config
    faces = print_faces(prepared.text_characters(), cache, code=uses_code(prepared.parts))
    font_names = sorted({f.family for f in faces})
    font_ids = [f"{f.path}:{f.path.stat().st_size}" for f in faces]
    roots = [str(book.root)] + sorted({str(f.path.parent) for f in faces}) + [str(cache.root)]
    base = book.root.as_uri() + "/"
    sheets = print_stylesheets(book.root)  # each with its own folder as base URL
    styles = [(font_face_css(faces, lambda p: p.resolve().as_uri()), base)] + [(s.text, s.base_url) for s in sheets]
    loaded = [data for s in sheets for data in s.loads(book.root)]
    created = build_timestamp(config.date)
    identifier = "bookkit-" + book.slug[:48]
    front_parts = [p for p in prepared.parts if p.kind == "front"]
    chapters = [p for p in prepared.parts if p.kind != "front"]
    # --- the Index (issue 16): laid out after every other part, from the pages their layouts
    # give its anchors; cached by its content like any part, so an edit that moves no page
    # does not lay it out again
    index_part = next((p for p in chapters if isinstance(p, IndexPart)), None)
    wanted = index_anchors(index_part.entries) if index_part else set()
    index_stand_ins: list[frozenset[str]] = []
    laid = [p for p in chapters if p is not index_part]
    chapter_html, borrowed = [], []
    for p in laid:
        html, found = with_stand_ins(fill_pages(book_html(prepared, "print", font_names, parts=[p], front=False),
                                                folios, config.crossref))
        chapter_html.append(html)
        borrowed.append(found)
    front_html = number_paragraphs(fill_pages(book_html(prepared, "print", font_names, parts=front_parts, front=True),
                                              folios, config.crossref))
    # The chapters' anchors are in other documents: stand-ins keep the contents' links (pdf/assemble.py
    # points them at the chapters' pages) and the folios come from the CSS built in one_pass.
    lists = caption_lists(prepared)  # their entries link to figures and tables in the chapters too
    held = [p.slug for p in chapters] + held_ids(lists, {p.slug for p in chapters})
    stand_ins = "".join(f'<span id="{htmlmod.escape(ident)}"></span>' for ident in held)
    front_html, front_borrowed = with_stand_ins(
        front_html.replace('<ol class="toc-list">', '<ol class="toc-list">' + stand_ins, 1))
    stats = LayoutStats()

    def spec(name, html, extra, passes, sources, floats=False):
        return PartSpec(name, html, styles + [(css, base) for css in extra], base, roots, font_ids, created,
                        identifier, passes, sources, loaded, floats)

    def content_specs(gutter: float) -> list[PartSpec]:
        page = page_css(config.trim_inches, config.bleed, gutter, marks)
        return [spec(p.slug, number_paragraphs(h), [page, NO_MARGINS_CSS], NOTE_PASSES,
                     [p.chapter.path] if p.chapter else [], floats=True)
                for p, h in zip(laid, chapter_html, strict=True)]

    def one_pass(gutter: float, early: float | None = None):
        page = page_css(config.trim_inches, config.bleed, gutter, marks)
        specs = content_specs(gutter)
        if early is not None and early != gutter:  # the likely second pass, laid out alongside
            specs += content_specs(early)
        contents = lay_out_all(specs, cache, jobs, stats)[:len(laid)]
        offsets, blanks, offset = [], [], 0
        for result in contents:
            blanks.append(offset % 2 == 1)
            offset += offset % 2
            offsets.append(offset)
            offset += result.pages
        index_offset = offset + offset % 2
        toc = "".join(f'.toc-list a[href="#{_css_string(p.slug)}"]::after {{ content: leader(". ") "{o + 1}"; }}\n'
                      for p, o in zip(chapters, offsets + [index_offset] * (index_part is not None), strict=True))
        toc += folio_css(lists, {p.slug: o + 1 for p, o in zip(laid, offsets, strict=True)},
                         {p.slug: r.page_anchors for p, r in zip(laid, contents, strict=True)})
        # The front matter and the chapters' folios and heads need only the chapters' lengths:
        # one batch for the pool. If the page count then asks for another gutter, both are redone.
        front, *margins = lay_out_all([spec("front", front_html, [page, toc], NOTE_PASSES,
                                            [p.chapter.path for p in front_parts if p.chapter])] + [
            spec(p.slug + ":margins", margins_html(h, config.title, r.pages),
                 [page, HIDDEN_FLOW_CSS, f"@page :first {{ counter-reset: page {o + 1}; }}\n"], 0, [])
            for p, h, r, o in zip(laid, chapter_html, contents, offsets, strict=True)], cache, jobs, stats)
        body_start = front.pages + front.pages % 2
        if index_part is not None:
            pages = anchor_pages(front.page_anchors, wanted)
            for result, o in zip(contents, offsets, strict=True):
                pages.update(anchor_pages(result.page_anchors, wanted, body_start + o))
            html, found = with_stand_ins(book_html(prepared, "print", font_names, front=False,
                                                   parts=[numbered_index(index_part, pages, body_start)]))
            index_stand_ins[:] = [found]
            (content,) = lay_out_all([spec(index_part.slug, number_paragraphs(html), [page, NO_MARGINS_CSS], 0, [])],
                                     cache, jobs, stats)
            (margin,) = lay_out_all([spec(index_part.slug + ":margins", margins_html(html, config.title, content.pages),
                                          [page, HIDDEN_FLOW_CSS,
                                           f"@page :first {{ counter-reset: page {index_offset + 1}; }}\n"],
                                          0, [])], cache, jobs, stats)
            contents, margins = contents + [content], margins + [margin]
            blanks, offsets = blanks + [offset % 2 == 1], offsets + [index_offset]
            offset = index_offset + content.pages
        total = body_start + offset
        return contents, margins, offsets, blanks, front, body_start, total + total % 2

    hint = cache.root / GUTTER_HINT  # the last build's gutter: only says which layouts to start early
    try:
        early = float(hint.read_text()) if cache.enabled else None
    except (OSError, ValueError):
        early = None
    gutter = first_gutter(prepared)
    contents, margins, offsets, blanks, front, body_start, total = one_pass(gutter, early)
    if kdp_gutter(total) != gutter:
        gutter = kdp_gutter(total)
        contents, margins, offsets, blanks, front, body_start, total = one_pass(gutter)

    if cache.enabled and early != gutter:
        atomic_write(hint, str(gutter).encode())

    placed = [PlacedPart("front", None, 0, False, front, None, front_borrowed)]
    placed += [PlacedPart(p.slug, p.chapter.path if p.chapter else None, body_start + o, b, r, m, s)
               for p, o, b, r, m, s in zip(chapters, offsets, blanks, contents, margins, borrowed + index_stand_ins,
                                           strict=True)]
    texts = {c.path: c.text for c in book.chapters}
    diags: list[Diagnostic] = []
    known = stylesheet_messages(book.root)  # the checks reported these at the stylesheet's lines
    for part in placed:
        diags += [d for d in part.content.diagnostics if not (d.code == "R004" and d.message in known)]
        places = [NotePlace(*m) for m in part.content.moved]
        diags += moved_note_diagnostics(places, texts, part.first_page)
    diags = prepared.report.settle(diags)
    return PartsLayout(placed, total, gutter, config.bleed, font_names, body_start, diags, stats)


def with_stand_ins(html: str) -> tuple[str, frozenset[str]]:
    """A chapter's HTML with an empty stand-in for each `#id` it links to that another part holds.

    Each part is laid out alone, so WeasyPrint would drop a link to another chapter (and
    warn "No anchor"); with a stand-in it keeps the link, and pdf/assemble.py points the name
    at the page of the part that really holds the id.
    """
    held = set(re.findall(r'\sid="([^"]+)"', html))
    wanted = sorted(set(re.findall(r'\shref="#([^"]+)"', html)) - held)
    if not wanted:
        return html, frozenset()
    spans = "".join(f'<span id="{name}"></span>' for name in wanted)  # already escaped, as in the href
    html = re.sub(r'(<section class="chapter[^>]*>)', lambda m: m.group(1) + spans, html, count=1)
    return html, frozenset(htmlmod.unescape(name) for name in wanted)


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
