"""The rest of pandoc Markdown renders right in every output (issue 16).

The fixture tests/books/matter holds a task list, small capitals, sub- and
superscript, strikeout, a definition list, a line block, pipe and grid tables with
aligned columns, a table long enough to break over pages, and PNG, JPEG, SVG and PDF
figures. Each is checked on the print PDF's pages (positions from pypdfium2), in the
EPUB's XHTML and fonts, and in the live preview's HTML.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from conftest import copy_book, pdf_page_texts, run_cli

NAME = "front-back-and-between"


@pytest.fixture(scope="module")
def built(built_once):
    return built_once("matter", "all", "--strict")  # shared with the other file that reads this fixture


@pytest.fixture(scope="module")
def pdf(built):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(built / "dist" / f"{NAME}.pdf"))
    yield document
    document.close()


def _page(pdf, needle: str):
    for page in pdf:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        if needle in text:
            return page, textpage, text
    raise AssertionError(f"no page has {needle!r}")


def _box(textpage, text: str, needle: str, offset: int = 0):
    """(left, bottom, right, top) of one character of `needle` on the page."""
    return textpage.get_charbox(text.index(needle) + offset)


def _xhtml(built) -> str:
    with zipfile.ZipFile(built / "dist" / f"{NAME}.epub") as z:
        return "\n".join(z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.endswith(".xhtml"))


def test_task_list_box_sits_on_its_text_line(pdf):
    import pypdfium2.raw as raw

    page, textpage, text = _page(pdf, "Proofread the galleys")
    paths = [obj.get_bounds() for obj in page.get_objects(max_depth=3) if obj.type == raw.FPDF_PAGEOBJ_PATH]
    for words in ("Proofread the galleys", "Choose the typeface"):
        left, baseline, _, top = _box(textpage, text, words)  # a capital: its bottom is the baseline
        boxes = [b for b in paths if b[2] < left and left - b[2] < 12 and abs(b[1] - baseline) < 0.8]
        assert boxes, f"no box on the baseline of {words!r} (at {baseline:.1f})"
        assert all(b[3] - b[1] < (top - baseline) * 1.2 for b in boxes), "the box is taller than a capital"
    assert "\u2610" not in text and "\u2612" not in text


def test_small_capitals_are_set_from_the_font(pdf):
    _, textpage, text = _page(pdf, "midnight")
    small = _box(textpage, text, "midnight", 5)  # the h of midnight, a small capital: no ascender
    plain = _box(textpage, text, "the area", 1)  # a lower-case h
    assert (small[3] - small[1]) < 0.85 * (plain[3] - plain[1]), (small, plain)


def test_columns_keep_their_alignment(pdf):
    _, textpage, text = _page(pdf, "longer text")
    right = [_box(textpage, text, "1.00", 3)[2], _box(textpage, text, "22.50", 4)[2]]
    assert abs(right[0] - right[1]) < 0.5, right
    b, mid = _box(textpage, text, " b ", 1), (_box(textpage, text, "mid", 0), _box(textpage, text, "mid", 2))
    assert abs((b[0] + b[2]) / 2 - (mid[0][0] + mid[1][2]) / 2) < 0.8
    left = [_box(textpage, text, "a b")[0], _box(textpage, text, "longer text")[0]]
    assert abs(left[0] - left[1]) < 0.5, left
    grid = [_box(textpage, text, "$1.34", 4)[2], _box(textpage, text, "$2.10", 4)[2]]  # grid table, right
    assert abs(grid[0] - grid[1]) < 0.5, grid


def test_long_table_breaks_over_pages_and_repeats_its_header(built):
    pages = [t for t in pdf_page_texts(built / "dist" / f"{NAME}.pdf") if "Item number" in t]
    assert len(pages) >= 3, len(pages)
    for text in pages:
        assert "Number Description Amount" in text.replace("\r\n", " "), text[:200]
    assert sum(text.count("Item number") for text in pages) == 90


def test_pdf_figure_is_drawn_at_print_resolution_and_its_own_size(pdf, built):
    import pypdfium2.raw as raw

    page, _, _ = _page(pdf, "A bar chart drawn as a PDF.")
    images = [obj for obj in page.get_objects() if obj.type == raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 1
    left, _, right, _ = images[0].get_bounds()
    width_px, _ = images[0].get_px_size()
    assert abs((right - left) - 216) < 1  # the PDF's page is 3 in wide
    assert width_px >= 3 * 300 - 1  # 300 pixels an inch
    with zipfile.ZipFile(built / "dist" / f"{NAME}.epub") as z:
        names = z.namelist()
    assert not [n for n in names if n.endswith(".pdf")]
    assert re.search(r'<img src="[^"]*\.png" style="width:3in" alt="A bar chart drawn as a PDF\."', _xhtml(built))


def test_figures_of_every_kind_reach_the_pdf(pdf):
    import pypdfium2.raw as raw

    for caption in ("A red square in PNG.", "A blue circle in JPEG.", "A bar chart drawn as a PDF."):
        page, _, _ = _page(pdf, caption)
        assert any(obj.type == raw.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects()), caption
    page, _, _ = _page(pdf, "A green triangle in SVG.")  # drawn as vector paths
    assert any(obj.type in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM) for obj in page.get_objects(max_depth=3))


def test_epub_has_every_construct(built):
    html = _xhtml(built)
    for pattern in (r'<span class="task-box" role="img" aria-label="not done"(?:/>|></span>) Proofread',
                    r'<span class="task-box task-done" role="img" aria-label="done"(?:/>|></span>) Choose',
                    r'<span class="smallcaps">midnight</span>', r"H<sub>2</sub>O", r"m<sup>2</sup>",
                    r"<del>this was struck out</del>", r"<dt>Folio</dt>", r'<div class="line-block">',
                    r'<th style="text-align: center;">Centre</th>', r'<td style="text-align: right;">1.00</td>',
                    r"<thead>"):
        assert re.search(pattern, html), pattern
    assert "<input" not in html and "\u2610" not in html


def test_epub_font_keeps_the_small_capitals(built):
    from fontTools.ttLib import TTFont

    with zipfile.ZipFile(built / "dist" / f"{NAME}.epub") as z:
        name = next(n for n in z.namelist() if n.endswith("SourceSerifPro-Regular.otf"))
        font = TTFont(io.BytesIO(z.read(name)))
    features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    assert "smcp" in features
    cmap = font.getBestCmap()
    smcp = [r for r in font["GSUB"].table.FeatureList.FeatureRecord if r.FeatureTag == "smcp"][0]
    lookups = font["GSUB"].table.LookupList.Lookup
    mapping = {}
    for index in smcp.Feature.LookupListIndex:
        for sub in lookups[index].SubTable:
            mapping.update(getattr(sub, "mapping", {}) or getattr(getattr(sub, "ExtSubTable", None), "mapping", {}))
    assert mapping.get(cmap[ord("m")]) not in (None, cmap[ord("m")]), "no small capital m in the EPUB's font"


def test_preview_html_has_every_construct(built):
    from bookkit.cache import Cache
    from bookkit.render.web.preview import preview_html

    html = preview_html(built, Cache(built), 1)
    assert '<div class="task-list">' in html and 'class="task-box task-done"' in html
    assert '<span class="smallcaps">Royal Society</span>' in html
    assert re.search(r'<img src="\.cache/figures/pdf-[0-9a-f]+\.png"[^>]*style="width:3in"', html)
    assert "<dl>" in html and 'class="line-block"' in html


def test_pdf_figure_that_cannot_be_drawn_is_refused_at_its_line(tmp_path):
    import pypdfium2 as pdfium

    book = copy_book("matter", tmp_path)
    two = pdfium.PdfDocument.new()
    two.new_page(200, 100)
    two.new_page(200, 100)
    two.save(str(book / "images/chart.pdf"))
    (book / "images/broken.pdf").write_bytes(b"%PDF-1.7\nnot really\n")
    chapter = book / "chapters/05-markdown.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n![Broken.](../images/broken.pdf)\n", encoding="utf-8")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert re.search(r"^chapters/05-markdown\.md:51:1: error\[P002\]: PDF figure 'images/chart\.pdf' has 2 pages; "
                     r"a PDF figure must have exactly one$", result.err, re.M), result.err
    assert re.search(r"^chapters/05-markdown\.md:\d+:1: error\[P002\]: PDF figure 'images/broken\.pdf' cannot be "
                     r"read as a PDF", result.err, re.M), result.err
