"""The cover's design from the `cover.html` template: drawn as a PDF, and its front panel as the
e-book cover image (which the EPUB carries too).

The cover template links the book's `styles/book.css`, so what its `url()`s name is
relative to `styles/`, as in the PDF.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ... import __version__
from ...cache import Cache, atomic_write, digest
from ...fonts import font_face_css, print_faces
from ...pipeline import Prepared
from ...stylesheets import Stylesheet, book_stylesheet
from ...templates_env import environment
from .weasy import captured_warnings, weasyprint_version

#: The e-book cover: 1600×2560 px, the aspect stores ask for.
RASTER_SIZE = (1600, 2560)


def cover_html(prepared: Prepared, cache: Cache, **geometry) -> tuple[str, list]:
    """The cover template rendered at `geometry`, and the font faces it uses."""
    config = prepared.book.config
    mark = config.cover_mark
    faces = print_faces(set(mark + config.title + config.subtitle + config.description + config.author_line), cache)
    own_css = book_stylesheet(prepared.book.root)
    html = environment(prepared.book.root).get_template("cover.html").render(
        config=config, mark=mark, font_css=font_face_css(faces, lambda p: p.resolve().as_uri()),
        book_css=own_css.relative_to(prepared.book.root).as_posix() if own_css else "", **geometry)
    return html, faces


def cover_pdf(prepared: Prepared, cache: Cache, **geometry) -> bytes:
    """The cover template drawn at `geometry` (sizes in inches) as a one-page PDF; BookError on errors."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from .fetch import SafeFetcher

    book = prepared.book
    html, faces = cover_html(prepared, cache, **geometry)
    font_config = FontConfiguration()
    fetcher = SafeFetcher(book.root, extra_roots=[f.path.parent for f in faces] + [cache.root])
    with captured_warnings("book") as diags:
        document = HTML(string=html, base_url=book.root.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=font_config)
        data = document.write_pdf(pdf_identifier=b"bookkit-cover-" + book.slug.encode()[:40])
    prepared.report.settle(diags + fetcher.diagnostics)  # an error stops the cover; its warnings are not shown
    return data


def render_cover_image(prepared: Prepared, out: Path, cache: Cache) -> Path:
    """The front design alone, rasterised to 1600×2560 JPEG for the e-book."""
    import pypdfium2 as pdfium


    width_in = 6.0
    height_in = width_in * RASTER_SIZE[1] / RASTER_SIZE[0]
    geometry = dict(width=width_in, height=height_in, bleed=0.0, spine=0.0, back_width=0,
                    front_width=width_in, front_scale=1.0, spine_text=False, spine_font=0)
    html, _ = cover_html(prepared, cache, **geometry)
    key = digest("cover-image-1", __version__, weasyprint_version(), pdfium.PDFIUM_INFO.version, html,
                 *_loaded_files(html, prepared.book.root))
    cached = cache.get("cover", key)
    if cached is not None:
        atomic_write(out, cached)
        return out
    data = cover_pdf(prepared, cache, **geometry)
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
