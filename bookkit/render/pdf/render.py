"""The PDF output: the print edition from the cached part layouts (joined by `assemble.py`),
the screen edition (tagged, PDF/UA-1) laid out whole.

The layout itself is shared with the outputs that read the print pages (the EPUB's
page-list, the cover's spine): `render/shared/printlayout/`. What is the PDF's alone is
here: writing it, its PDF/X or PDF/UA variant, page labels, and the check that every font
in it is one bookkit ships.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...cache import Cache, atomic_write
from ...code import uses_code
from ...diagnostics import Diagnostic
from ...fonts import print_faces
from ...outputs import build_timestamp
from ...pipeline import Prepared
from ..shared.printlayout.pagelabels import page_label_ranges
from ..shared.printlayout.whole import layout_book
from ..shared.weasy import captured_warnings
from .assemble import add_page_labels, assemble, assembly_key, stable_document_id


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


def render_pdf(prepared: Prepared, out: Path, cache: Cache, variant: str = "print", marks: bool = False,
               jobs: int = 2) -> PdfResult:
    """Lay out and write the PDF atomically to `out`.

    The print edition is laid out in cached parts (incremental.py); the screen
    edition is tagged (PDF/UA), and a structure tree cannot be stitched together
    from parts, so it is laid out whole.
    """
    from ..shared.printlayout.incremental import can_lay_out_in_parts, lay_out_in_parts
    from ..shared.printlayout.weasyfix import diagnostics as weasyfix_warnings

    book = prepared.book
    off = prepared.report.settle(weasyfix_warnings())  # a change to WeasyPrint that does not apply to the installed one
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
    options: dict[str, Any] = {"pdf_identifier": b"bookkit-" + book.slug.encode()[:48]}
    if variant == "print":
        # The only ICC profile a PyPI package gives us is sRGB; it stands in as the
        # output intent until book.yaml can name a press (CMYK) characterisation.
        options.update(pdf_variant="pdf/x-4", output_intent="srgb")
    else:  # tagged, with language, title and outline: what assistive readers need
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)
    with captured_warnings("book") as diags:
        pdf_bytes = document.write_pdf(**options)
    pdf_bytes = add_page_labels(stable_document_id(pdf_bytes), page_label_ranges(len(document.pages), laid.body_start))
    diags[:] = prepared.report.settle(diags)
    fonts, slanted = _packaged_fonts_only(prepared, cache, pdf_bytes)
    diags += slanted
    atomic_write(out, pdf_bytes)
    return PdfResult(out, len(document.pages), variant, book.config.trim_inches, laid.bleed, laid.gutter,
                     fonts, laid.diagnostics + diags + off, spine=len(document.pages) * book.config.caliper)


def _packaged_fonts_only(prepared: Prepared, cache: Cache, pdf_bytes: bytes) -> tuple[list[str], list[Diagnostic]]:
    """The fonts the PDF carries, read from it, and R008 for a face slanted by hand;
    BookError (R006) if any is the machine's."""
    from .fontguard import book_families, embedded_fonts, foreign_fonts, synthetic_faces

    families = ({f.family for f in print_faces(prepared.text_characters(), cache, code=uses_code(prepared.parts))}
                | book_families(prepared.book.root))
    prepared.report.settle(foreign_fonts(pdf_bytes, families))
    return [str(f) for f in embedded_fonts(pdf_bytes)], prepared.report.settle(synthetic_faces(pdf_bytes))

