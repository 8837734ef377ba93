"""The PDF: the book's HTML laid out by WeasyPrint with the print stylesheet.

Every resource goes through one URL fetcher that only serves files inside the book,
the toolkit's package and installed font packages. Fonts are declared with
@font-face and the same FontConfiguration is given to CSS() and render(), without
which WeasyPrint silently falls back to system fonts.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import Cache, atomic_write
from ..check import stylesheet_messages
from ..diagnostics import BookError, Diagnostic, error, warning
from ..code import uses_code
from ..fonts import font_face_css, print_faces
from ..index import IndexPart, anchor_pages, numbered_index
from ..index import anchors as index_anchors
from ..outputs import build_timestamp
from ..pipeline import Prepared
from ..templates_env import Stylesheet, print_stylesheets
from .html import book_html
from .floats import FLOAT_CSS, replay_in_book
from .notecheck import moved_notes, number_paragraphs, paragraphs_to_push, push_css
from .pdfpost import add_page_labels, assemble, assembly_key, page_label_ranges, stable_document_id

#: WeasyPrint messages about the machine, not the book; dropped rather than reported.
IGNORED_MESSAGES = ("Using fontTools instead of HarfBuzz-Subset",)

#: KDP's minimum inside margin by page count: (up to pages, gutter inches).
KDP_GUTTER = ((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (10**9, 0.875))


#: extra layouts allowed to bring deferred footnotes back (see notecheck.py)
NOTE_PASSES = 4


def kdp_gutter(pages: int) -> float:
    for limit, gutter in KDP_GUTTER:
        if pages <= limit:
            return gutter
    return KDP_GUTTER[-1][1]


#: characters of text (notes included) per 6x9 print page, measured on our book and the
#: benchmark books (1,350–2,050); only used to guess the gutter before the first layout
CHARS_PER_PAGE = 1700


def first_gutter(prepared: Prepared) -> float:
    """The gutter for the first layout, from the page count the text length predicts.

    The gutter depends on the page count, which is only known after a layout at some
    gutter. Guessing from the text (a function of the sources alone, so builds stay
    reproducible) makes one layout enough for most books instead of always starting at
    the narrowest gutter and laying a book over 150 pages out twice.
    """
    area = prepared.book.config.trim_inches[0] * prepared.book.config.trim_inches[1] / 54.0
    chars = sum(len(html_lib.unescape(re.sub(r"<[^>]+>", "", part.body_html))) for part in prepared.parts)
    return kdp_gutter(round(chars / (CHARS_PER_PAGE * area)))


@dataclass
class PdfResult:
    path: Path
    pages: int
    variant: str
    trim: tuple[float, float]
    bleed: float
    gutter: float
    fonts: list[str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    spine: float = 0.0  # inches, from the page count and the paper's caliper
    laid_out: list[str] = field(default_factory=list)  # parts laid out by this build (print edition)
    reused: list[str] = field(default_factory=list)  # parts taken from the cache


def page_css(trim: tuple[float, float], bleed: float, gutter: float, marks: bool) -> str:
    width, height = trim
    inside = max(gutter + 0.25, 0.7)
    outside = 0.6 if bleed else 0.55
    return f"""
@page {{ size: {width}in {height}in; bleed: {bleed}in; marks: {'crop' if marks else 'none'};
        margin: 0.8in {outside}in 0.85in {inside}in; }}
@page :left {{ margin-left: {outside}in; margin-right: {inside}in; }}
@page :right {{ margin-left: {inside}in; margin-right: {outside}in; }}
"""


@contextlib.contextmanager
def captured_warnings(source: str):
    """Collect WeasyPrint's log messages as diagnostics instead of printing them."""
    from weasyprint import LOGGER

    records: list[logging.LogRecord] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Handler(level=logging.WARNING)
    old_propagate = LOGGER.propagate
    LOGGER.addHandler(handler)
    LOGGER.propagate = False
    diags: list[Diagnostic] = []
    try:
        yield diags
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = old_propagate
        for record in records:
            message = record.getMessage()
            if message.startswith(IGNORED_MESSAGES):
                continue
            if ".notdef" in message or "No glyph" in message:
                diags.append(error(source, None, "R002", f"a character has no glyph in any font: {message}"))
            else:
                diags.append(warning(source, None, "R004", f"WeasyPrint: {message}"))


@dataclass
class Layout:
    """A laid-out book: WeasyPrint's Document plus what the preflight reports."""

    document: object  # weasyprint.Document
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

    from .fetch import SafeFetcher
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
    errors = [d for d in diags if d.is_error]
    if errors:
        raise BookError(errors)
    return Layout(document, variant, bleed, gutter, font_names, diags, _body_start(prepared, document))


def _body_start(prepared: Prepared, document) -> int | None:
    """Index of the page where the first numbered chapter opens, if there is one."""
    first = next((p.slug for p in prepared.parts if p.kind == "body" and p.number == 1), None)
    for index, page in enumerate(document.pages):
        if first and first in page.anchors:
            return index
    return None


def render_pdf(prepared: Prepared, out: Path, cache: Cache, variant: str = "print", marks: bool = False,
               jobs: int = 2) -> PdfResult:
    """Lay out and write the PDF atomically to `out`.

    The print edition is laid out in cached parts (incremental.py); the screen
    edition is tagged (PDF/UA), and a structure tree cannot be stitched together
    from parts, so it is laid out whole.
    """
    from .incremental import can_lay_out_in_parts, lay_out_in_parts
    from .weasyfix import diagnostics as weasyfix_warnings

    book = prepared.book
    off = weasyfix_warnings()  # a change to WeasyPrint that does not apply to the installed one
    if variant == "print" and can_lay_out_in_parts(prepared):
        parts = lay_out_in_parts(prepared, cache, marks=marks, jobs=jobs)
        key = assembly_key(parts)  # a no-op rebuild skips the assembly too
        pdf_bytes = cache.get("pdf", key)
        if pdf_bytes is None:
            pdf_bytes = assemble(parts)
            cache.put("pdf", key, pdf_bytes)
        fonts, slanted = _packaged_fonts_only(prepared, cache, pdf_bytes)
        atomic_write(out, pdf_bytes)
        return PdfResult(out, parts.pages, variant, book.config.trim_inches, parts.bleed, parts.gutter,
                         fonts, parts.diagnostics + off + slanted, spine=parts.pages * book.config.caliper,
                         laid_out=parts.stats.laid_out, reused=parts.stats.reused)
    floated = None
    if variant == "screen" and can_lay_out_in_parts(prepared):  # its figures float as the print edition's do
        floated = {p.name: p.content.floats for p in lay_out_in_parts(prepared, cache, jobs=jobs).parts}
    laid = layout_book(prepared, cache, variant, marks, floated)
    document = laid.document
    document.metadata.created = document.metadata.modified = build_timestamp(book.config.date)
    options = {"pdf_identifier": b"bookkit-" + book.slug.encode()[:48]}
    if variant == "print":
        # The only ICC profile a PyPI package gives us is sRGB; it stands in as the
        # output intent until book.yaml can name a press (CMYK) characterisation.
        options.update(pdf_variant="pdf/x-4", output_intent="srgb")
    else:  # tagged, with language, title and outline: what assistive readers need
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)
    with captured_warnings("book") as diags:
        pdf_bytes = document.write_pdf(**options)
    pdf_bytes = add_page_labels(stable_document_id(pdf_bytes), page_label_ranges(len(document.pages), laid.body_start))
    errors = [d for d in diags if d.is_error]
    if errors:
        raise BookError(errors)
    fonts, slanted = _packaged_fonts_only(prepared, cache, pdf_bytes)
    diags += slanted
    atomic_write(out, pdf_bytes)
    return PdfResult(out, len(document.pages), variant, book.config.trim_inches, laid.bleed, laid.gutter,
                     fonts, laid.diagnostics + diags + off, spine=len(document.pages) * book.config.caliper)


def _packaged_fonts_only(prepared: Prepared, cache: Cache, pdf_bytes: bytes) -> tuple[list[str], list[Diagnostic]]:
    """The fonts the PDF carries, read from it, and R008 for a face slanted by hand;
    BookError (R006) if any is the machine's."""
    from .fontguard import book_families, embedded_fonts, foreign_fonts, synthetic_faces

    families = {f.family for f in print_faces(prepared.text_characters(), cache, code=uses_code(prepared.parts))} | book_families(prepared.book.root)
    problems = foreign_fonts(pdf_bytes, families)
    if problems:
        raise BookError(problems)
    return [str(f) for f in embedded_fonts(pdf_bytes)], synthetic_faces(pdf_bytes)


def _blank_page(document):
    """A page with nothing on it, to make the page count even (the half-title's verso)."""
    return document.pages[1]
