"""The book laid out whole by WeasyPrint: the screen edition, and the print edition when its
parts cannot be laid out one by one (`incremental.can_lay_out_in_parts`).

Every resource goes through one URL fetcher that only serves files inside the book,
the toolkit's package and installed font packages. Fonts are declared with
@font-face and the same FontConfiguration is given to CSS() and render(), without
which WeasyPrint silently falls back to system fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ....cache import Cache
from ....check import stylesheet_messages
from ....code import uses_code
from ....diagnostics import Diagnostic
from ....fonts import font_face_css, print_faces
from ....index import IndexPart, anchor_pages, numbered_index
from ....index import anchors as index_anchors
from ....pipeline import Prepared
from ....stylesheets import Stylesheet, print_stylesheets
from ..html import book_html
from ..weasy import captured_warnings
from .floats import FLOAT_CSS, replay_in_book
from .geometry import NOTE_PASSES, first_gutter, kdp_gutter, page_css
from .notecheck import moved_notes, number_paragraphs, paragraphs_to_push, push_css

if TYPE_CHECKING:  # imported where a layout runs: loading WeasyPrint takes half a second
    from weasyprint import Document


@dataclass
class Layout:
    """A laid-out book: WeasyPrint's Document plus what the preflight reports."""

    document: Document
    variant: str
    bleed: float
    gutter: float
    fonts: list[str]
    diagnostics: list[Diagnostic]
    body_start: int | None = None  # index of the page that opens chapter 1 (folio 1)


def layout_book(prepared: Prepared, cache: Cache, variant: str = "print", marks: bool = False,
                floated: dict[str, list] | None = None) -> Layout:
    """Lay the book out (twice if the page count changes the gutter); raise on errors.

    `floated`: per chapter slug, the figure moves of the print edition's layout (floats.py).
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..fetch import SafeFetcher
    from .weasyfix import apply as patch_weasyprint

    patch_weasyprint()
    book = prepared.book
    config = book.config
    faces = print_faces(prepared.text_characters(), cache, code=uses_code(prepared.parts))
    font_names = sorted({f.family for f in faces})
    fetcher = SafeFetcher(book.root, extra_roots=[f.path.parent for f in faces] + [cache.root])
    html_text = number_paragraphs(book_html(prepared, variant=variant, fonts=font_names))
    if floated:  # the print edition's figure floats, on the same pages
        html_text = replay_in_book(html_text, floated)
    base = book.root.as_uri() + "/"
    bleed = config.bleed if variant == "print" else 0.0

    font_config = FontConfiguration()
    css_text = font_face_css(faces, lambda p: p.resolve().as_uri())
    sheets = print_stylesheets(book.root)  # each with its own folder as base URL
    # figures that float (floats.py) are set with their own rules, after print.css, before the book's
    stylesheets = sheets[:1] + [Stylesheet(Path("floats.css"), FLOAT_CSS, base)] + sheets[1:]

    pushed: set[str] = set()

    def layout(gutter: float):
        css = [CSS(string=css_text, font_config=font_config, url_fetcher=fetcher, base_url=base)]
        css += [CSS(string=s.text, font_config=font_config, url_fetcher=fetcher, base_url=s.base_url)
                for s in stylesheets]
        css.append(CSS(string=page_css(config.trim_inches, bleed, gutter, marks), font_config=font_config))
        if pushed:
            css.append(CSS(string=push_css(pushed)))
        return HTML(string=html_text, base_url=base, url_fetcher=fetcher).render(
            stylesheets=css, font_config=font_config)

    with captured_warnings("book") as diags:
        gutter = first_gutter(prepared)
        document = layout(gutter)
        # --- the Index (issue 16): its folios read from this layout, then laid out with them
        # (the Index is last, so its numbers move no page before it)
        index_part = next((p for p in prepared.parts if isinstance(p, IndexPart)), None)
        if index_part is not None:
            pages = anchor_pages([list(p.anchors) for p in document.pages], index_anchors(index_part.entries))
            numbered = numbered_index(index_part, pages, _body_start(prepared, document))
            html_text = number_paragraphs(book_html(
                prepared, variant=variant, fonts=font_names,
                parts=[numbered if p is index_part else p for p in prepared.parts]))
            document = layout(gutter)
        if kdp_gutter(len(document.pages)) != gutter:
            gutter = kdp_gutter(len(document.pages))
            document = layout(gutter)
        for _ in range(NOTE_PASSES):  # bring deferred notes back to their calls' pages
            more = paragraphs_to_push(document) - pushed
            if not more:
                break
            pushed |= more
            document = layout(gutter)
        if len(document.pages) % 2:
            document = document.copy(document.pages + [_blank_page(document)])
    diags.extend(fetcher.diagnostics)
    known = stylesheet_messages(book.root)  # the checks reported these at the stylesheet's lines
    diags[:] = [d for d in diags if not (d.code == "R004" and d.message in known)]
    diags.extend(moved_notes(document, {c.path: c.text for c in book.chapters}))
    diags[:] = prepared.report.settle(diags)
    return Layout(document, variant, bleed, gutter, font_names, diags, _body_start(prepared, document))


def _body_start(prepared: Prepared, document) -> int | None:
    """Index of the page where the first numbered chapter opens, if there is one."""
    first = next((p.slug for p in prepared.parts if p.kind == "body" and p.number == 1), None)
    for index, page in enumerate(document.pages):
        if first and first in page.anchors:
            return index
    return None


def _blank_page(document):
    """A page with nothing on it, to make the page count even (the half-title's verso)."""
    return document.pages[1]
