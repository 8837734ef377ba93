"""Covers: the full-wrap print cover and the raster e-book cover, from one template.

The spine width follows the interior's real page count times the paper caliper, so
the cover always matches the PDF a printer receives; the e-book cover is the same
front panel, rendered on its own and rasterised. The cover template links the book's
`styles/book.css`, so what its `url()`s name is relative to `styles/`, as in the PDF.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ... import __version__
from ...cache import Cache, atomic_write, digest
from ...diagnostics import BookError
from ...fonts import font_face_css, print_faces
from ...pipeline import Prepared
from ...templates_env import Stylesheet, book_stylesheet, environment
from ..pdf.render import captured_warnings

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
    from ..shared.printlayout.incremental import can_lay_out_in_parts, lay_out_in_parts
    from ..pdf.render import layout_book

    if can_lay_out_in_parts(prepared):
        return lay_out_in_parts(prepared, cache).pages
    return len(layout_book(prepared, cache).document.pages)


def _cover_html(prepared: Prepared, cache: Cache, **geometry) -> tuple[str, list]:
    config = prepared.book.config
    mark = config.cover_mark
    faces = print_faces(set(mark + config.title + config.subtitle + config.description + config.author_line), cache)
    own_css = book_stylesheet(prepared.book.root)
    html = environment(prepared.book.root).get_template("cover.html").render(
        config=config, mark=mark, font_css=font_face_css(faces, lambda p: p.resolve().as_uri()),
        book_css=own_css.relative_to(prepared.book.root).as_posix() if own_css else "", **geometry)
    return html, faces


def _render(prepared: Prepared, cache: Cache, **geometry) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..shared.fetch import SafeFetcher

    book = prepared.book
    html, faces = _cover_html(prepared, cache, **geometry)
    font_config = FontConfiguration()
    fetcher = SafeFetcher(book.root, extra_roots=[f.path.parent for f in faces] + [cache.root])
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

    from ..shared.printlayout.parts import weasyprint_version

    width_in = 6.0
    height_in = width_in * RASTER_SIZE[1] / RASTER_SIZE[0]
    geometry = dict(width=width_in, height=height_in, bleed=0.0, spine=0.0, back_width=0,
                    front_width=width_in, front_scale=1.0, spine_text=False, spine_font=0)
    html, _ = _cover_html(prepared, cache, **geometry)
    key = digest("cover-image-1", __version__, weasyprint_version(), pdfium.PDFIUM_INFO.version, html,
                 *_loaded_files(html, prepared.book.root))
    cached = cache.get("cover", key)
    if cached is not None:
        atomic_write(out, cached)
        return out
    data = _render(prepared, cache, **geometry)
    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[0].render(scale=RASTER_SIZE[0] / (width_in * 72)).to_pil().convert("RGB")
    finally:
        pdf.close()
    image = image.resize(RASTER_SIZE)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    cache.put("cover", key, buffer.getvalue())
    atomic_write(out, buffer.getvalue())
    return out


_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)""")


def _loaded_files(html: str, root: Path) -> list[bytes]:
    """The contents of every file the cover HTML refers to (fonts, images a book's template adds,
    the book's stylesheets and the files those load, relative to each stylesheet's folder)."""
    found = []
    for match in _REFERENCE.finditer(html):
        ref = match[1] or match[2]
        path = Path(unquote(urlparse(ref).path)) if ref.startswith("file:") else root / ref
        if path.is_file():
            found.append(ref.encode() + path.read_bytes())
            if path.suffix.lower() == ".css":
                found += Stylesheet.read(path).loads(root)
    return found
