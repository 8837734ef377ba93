"""Covers: the full-wrap print cover and the raster e-book cover, from one template.

The spine width follows the interior's real page count times the paper caliper, so
the cover always matches the PDF a printer receives; the e-book cover is the same
front panel, rendered on its own and rasterised. The cover template links the book's
`styles/book.css`, so what its `url()`s name is relative to `styles/`, as in the PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ...cache import Cache, atomic_write
from ...pipeline import Prepared
from ..shared.coverart import cover_pdf, render_cover_image
from ..shared.printlayout.incremental import can_lay_out_in_parts, lay_out_in_parts
from ..shared.printlayout.whole import layout_book

__all__ = ["CoverResult", "interior_pages", "render_cover", "render_cover_image"]

#: KDP prints spine text only from this many pages on.
SPINE_TEXT_MIN_PAGES = 100


@dataclass
class CoverResult:
    path: Path
    pages: int
    spine: float  # inches
    width: float
    height: float
    spine_text: bool


def interior_pages(prepared: Prepared, cache: Cache) -> int:
    """Pages of the print interior, from the same (cached) layout `pdf` uses."""
    if can_lay_out_in_parts(prepared):
        return lay_out_in_parts(prepared, cache).pages
    return len(layout_book(prepared, cache).document.pages)


def render_cover(prepared: Prepared, out: Path, cache: Cache) -> CoverResult:
    """One page: back + spine + front, each with bleed; TrimBox marks the trimmed wrap."""
    import pikepdf

    config = prepared.book.config
    pages = interior_pages(prepared, cache)
    trim_w, trim_h = config.trim_inches
    bleed = 0.125 if config.bleed == 0 else config.bleed
    spine = round(pages * config.caliper, 4)
    width, height = 2 * trim_w + spine + 2 * bleed, trim_h + 2 * bleed
    data = cover_pdf(prepared, cache, width=width, height=height, bleed=bleed, spine=spine,
                   back_width=bleed + trim_w, front_width=trim_w + bleed, front_scale=trim_w / 6,
                   spine_text=pages >= SPINE_TEXT_MIN_PAGES, spine_font=min(11, max(6, spine * 72 * 0.45)))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        full = [0, 0, width * 72, height * 72]
        page.obj["/BleedBox"] = pikepdf.Array(full)
        page.obj["/TrimBox"] = pikepdf.Array([bleed * 72, bleed * 72, (width - bleed) * 72, (height - bleed) * 72])
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
    atomic_write(out, buffer.getvalue())
    return CoverResult(out, pages, spine, width, height, pages >= SPINE_TEXT_MIN_PAGES)

