"""A PDF figure (`![A chart.](chart.pdf)`) as a PNG at print resolution, for every output.

Neither WeasyPrint nor an EPUB reading system shows a PDF as an image, and charts
often come from a plotting tool as PDF. The figure's first and only page is drawn
with pypdfium2 at 300 pixels per inch, cached by the PDF's bytes under
`.cache/figures/`, and the image is given the PDF's own width, so it prints at the size
it was drawn at (never wider than the text) and every output shows the same picture.
The resource gate (`resources.vet_image`) has already refused a PDF it cannot draw.
"""

from __future__ import annotations

import io
import posixpath
from pathlib import Path

from .cache import Cache, atomic_write, digest
from .transforms import iter_nodes

FIGURE_DIR = "figures"
DPI = 300
PDF_MAGIC = b"%PDF-"


def is_pdf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(1024).lstrip().startswith(PDF_MAGIC)


def pdf_problem(path: Path) -> str | None:
    """Why the PDF cannot be a figure (unreadable, encrypted, not exactly one page), else None."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        return f"cannot be read as a PDF ({exc})"
    try:
        pages = len(pdf)
        if pages != 1:
            return f"has {pages} pages; a PDF figure must have exactly one"
        width, height = pdf[0].get_size()
        if width <= 0 or height <= 0 or max(width, height) > 72 * 60:
            return f"has a page of {width:.0f}×{height:.0f} pt; a figure is at most 60 in on a side"
    finally:
        pdf.close()
    return None


def rasterise_pdf_figures(ast, root: Path, cache: Cache) -> list[str]:
    """Point every Image whose (book-relative) file is a PDF at its PNG; returns the PNGs' paths."""
    made = []
    for node in iter_nodes(ast):
        if node["t"] != "Image":
            continue
        attr, _, target = node["c"]
        path = root / target[0]
        if ":" in target[0].split("/")[0] or not path.is_file() or not is_pdf(path):
            continue
        png, width_in = _png_for(path, cache)
        target[0] = posixpath.join(".cache", FIGURE_DIR, png.name)
        if not any(key in ("width", "height") for key, _ in attr[2]):
            attr[2].append(["width", f"{width_in:.3f}in"])
        made.append(target[0])
    return made


def _png_for(path: Path, cache: Cache) -> tuple[Path, float]:
    """The cached PNG of the PDF's page and the page's width in inches."""
    import pypdfium2 as pdfium

    data = path.read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        width_pt, _ = page.get_size()
        png = cache.root / FIGURE_DIR / f"pdf-{digest('pdf-figure-1', str(DPI), data)[:16]}.png"
        if not png.exists():
            image = page.render(scale=DPI / 72, fill_color=(255, 255, 255, 255)).to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG", dpi=(DPI, DPI), optimize=True)
            atomic_write(png, out.getvalue())
    finally:
        pdf.close()
    return png, width_pt / 72
