"""Covers: the full-wrap print cover and the raster e-book cover, from one template.

The spine width follows the interior's real page count times the paper caliper, so
the cover always matches the PDF a printer receives; the e-book cover is the same
front panel, rendered on its own and rasterised.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..cache import Cache, atomic_write
from ..diagnostics import BookError
from ..fonts import font_face_css, print_faces
from ..pipeline import Prepared
from ..templates_env import environment
from .fetch import SafeFetcher
from .pdf import captured_warnings

#: KDP prints spine text only from this many pages on.
SPINE_TEXT_MIN_PAGES = 100
#: The e-book cover: 1600×2560 px, the aspect stores ask for.
RASTER_SIZE = (1600, 2560)


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
    from .incremental import can_lay_out_in_parts, lay_out_in_parts
    from .pdf import layout_book

    if can_lay_out_in_parts(prepared):
        return lay_out_in_parts(prepared, cache).pages
    return len(layout_book(prepared, cache).document.pages)


def _render(prepared: Prepared, cache: Cache, **geometry) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    book = prepared.book
    config = book.config
    mark = config.cover_mark
    faces = print_faces(set(mark + config.title + config.subtitle + config.description + config.author_line), cache)
    font_config = FontConfiguration()
    fetcher = SafeFetcher(book.root, extra_roots=[f.path.parent for f in faces] + [cache.root])
    html = environment(book.root).get_template("cover.html").render(
        config=config, mark=mark, font_css=font_face_css(faces, lambda p: p.resolve().as_uri()), **geometry)
    with captured_warnings("book") as diags:
        document = HTML(string=html, base_url=book.root.as_uri() + "/", url_fetcher=fetcher).render(font_config=font_config)
        data = document.write_pdf(pdf_identifier=b"bookkit-cover-" + book.slug.encode()[:40])
    errors = [d for d in diags + fetcher.diagnostics if d.is_error]
    if errors:
        raise BookError(errors)
    return data


def render_cover(prepared: Prepared, out: Path, cache: Cache) -> CoverResult:
    """One page: back + spine + front, each with bleed; TrimBox marks the trimmed wrap."""
    import pikepdf

    config = prepared.book.config
    pages = interior_pages(prepared, cache)
    trim_w, trim_h = config.trim_inches
    bleed = 0.125 if config.bleed == 0 else config.bleed
    spine = round(pages * config.caliper, 4)
    width, height = 2 * trim_w + spine + 2 * bleed, trim_h + 2 * bleed
    data = _render(prepared, cache, width=width, height=height, bleed=bleed, spine=spine,
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


def render_cover_image(prepared: Prepared, out: Path, cache: Cache) -> Path:
    """The front design alone, rasterised to 1600×2560 JPEG for the e-book."""
    import pypdfium2 as pdfium

    width_in = 6.0
    height_in = width_in * RASTER_SIZE[1] / RASTER_SIZE[0]
    data = _render(prepared, cache, width=width_in, height=height_in, bleed=0.0, spine=0.0, back_width=0,
                   front_width=width_in, front_scale=1.0, spine_text=False, spine_font=0)
    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[0].render(scale=RASTER_SIZE[0] / (width_in * 72)).to_pil().convert("RGB")
    finally:
        pdf.close()
    image = image.resize(RASTER_SIZE)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    atomic_write(out, buffer.getvalue())
    return out
