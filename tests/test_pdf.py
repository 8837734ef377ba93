"""The print and screen PDFs: press boxes, fonts, folios, contents, heads, notes, layout.

Most checks share one build of the `pdf-notes` fixture (long notes that WeasyPrint
used to push past their calls' pages) and one build of our own book.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from conftest import BOOKS, ROOT, pdf_page_texts, run_cli

PT = 72.0
BLEED = 0.125 * PT
LEADER = re.compile(r"^(?P<title>.+?)\s*(?:\. ?){3,}\s*(?P<folio>[ivxlc]+|\d+)$")


@pytest.fixture(scope="module")
def fixture_pdfs(tmp_path_factory):
    import shutil

    book = tmp_path_factory.mktemp("pdf") / "pdf-notes"
    shutil.copytree(BOOKS / "pdf-notes", book)
    prints = run_cli("pdf", "--book", str(book))
    screen = run_cli("pdf", "--variant", "screen", "--book", str(book))
    return book, prints, screen


@pytest.fixture(scope="module")
def our_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("ours")
    result = run_cli("pdf", "--book", str(ROOT), "--out", str(out))
    return result, out / "lei-jun.pdf"


def labels(pdf: pikepdf.Pdf) -> list[str]:
    return [pikepdf.Page(p).label for p in pdf.pages]


def contents(path: Path) -> list[tuple[str, str]]:
    """(entry, printed folio) from the contents page."""
    texts = pdf_page_texts(path)
    page = next(t for t in texts if t.lstrip().startswith("Contents"))
    return [(m["title"], m["folio"]) for line in page.splitlines() if (m := LEADER.match(line.strip()))]


def test_fixture_builds_without_warnings_and_no_note_moved(fixture_pdfs):
    """The workaround holds: no R001 (or any other) warning for the fixture that triggered it."""
    _, prints, screen = fixture_pdfs
    for result in (prints, screen):
        assert result.code == 0, result.err
        assert "warning[" not in result.err, result.err
    assert "PDF/X-4" in prints.out and "spine" in prints.out and "fonts embedded" in prints.out


def _moved_notes(root: Path, note_passes: int, line_fix: bool, monkeypatch) -> list:
    """R001 of one whole-book layout with the push passes and WeasyPrint's line fix set as asked."""
    import bookkit.render.shared.printlayout.whole as pdf
    from bookkit.book import load_book
    from bookkit.cache import Cache
    from bookkit.pipeline import prepare
    from bookkit.render.shared.printlayout import weasyfix

    monkeypatch.setattr(pdf, "NOTE_PASSES", note_passes)
    weasyfix.apply()
    weasyfix.keep_notes_with_calls(line_fix)
    book = load_book(root)
    cache = Cache(root)
    try:
        return [d for d in pdf.layout_book(prepare(book, cache), cache).diagnostics if d.code == "R001"]
    finally:
        weasyfix.keep_notes_with_calls(True)


def test_fixture_moves_notes_without_the_workarounds(book_copy, monkeypatch):
    """Proof the fixture is a real trigger, and that the check finds and locates moved notes."""
    root = book_copy("pdf-notes")
    moved = _moved_notes(root, 0, False, monkeypatch)
    assert moved, "the fixture no longer provokes a deferred note; make its notes longer"
    first = moved[0]
    assert first.path == "chapters/01-notes.md" and first.severity == "warning"
    line = (root / first.path).read_text(encoding="utf-8").splitlines()[first.line - 1]
    assert "[^n" in line


def test_line_layout_fix_alone_keeps_notes_with_calls(book_copy, monkeypatch):
    """WeasyPrint's changed line layout takes (a WeasyPrint upgrade that breaks it fails here)
    and needs no paragraph-push relayout for the fixture's notes."""
    from bookkit.render.shared.printlayout.weasyfix import keep_notes_with_calls

    assert keep_notes_with_calls(), "weasyfix no longer matches WeasyPrint's _linebox_layout"
    assert _moved_notes(book_copy("pdf-notes"), 0, True, monkeypatch) == []


def test_note_heights_measured_once_lay_out_as_weasyprint_does(book_copy):
    """The footnote area's height from cached note heights breaks every page where WeasyPrint's
    own repeated area layout does: same pages, same anchors on each, same note places."""
    from bookkit.book import load_book
    from bookkit.cache import Cache
    from bookkit.pipeline import prepare
    from bookkit.render.shared.printlayout import weasyfix
    from bookkit.render.shared.printlayout import whole as pdf
    from bookkit.render.shared.printlayout.notecheck import note_places

    root = book_copy("pdf-notes")
    cache = Cache(root)
    prepared = prepare(load_book(root), cache)
    layouts = []
    for fast in (True, False):
        weasyfix.apply()
        weasyfix.measure_notes_once(fast)
        try:
            layouts.append(pdf.layout_book(prepared, cache).document)
        finally:
            weasyfix.measure_notes_once(True)
    fast, slow = layouts
    assert [sorted(p.anchors) for p in fast.pages] == [sorted(p.anchors) for p in slow.pages]
    assert note_places(fast) == note_places(slow) and len(note_places(fast)) > 50


def test_print_boxes_output_intent_and_even_pages(fixture_pdfs):
    book, _, _ = fixture_pdfs
    with pikepdf.open(book / "dist" / "notes-at-the-foot.pdf") as pdf:
        assert len(pdf.pages) % 2 == 0
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert trim[2] - trim[0] == pytest.approx(6 * PT) and trim[3] - trim[1] == pytest.approx(9 * PT)
            assert bleed == pytest.approx([trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED])
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and "/DestOutputProfile" in intent
        assert "PDF/X-4" in str(pdf.open_metadata().get("pdfxid:GTS_PDFXVersion", ""))


def test_every_font_embedded_and_subset(fixture_pdfs):
    book, _, _ = fixture_pdfs
    with pikepdf.open(book / "dist" / "notes-at-the-foot.pdf") as pdf:
        fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]
        assert fonts
        for font in fonts:
            if font.Subtype == "/Type0":
                continue  # its descendant font carries the descriptor and is in the list too
            if font.Subtype == "/Type3":
                continue  # glyphs are drawn by content streams inside the PDF itself
            descriptor = font.FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            assert re.match(r"^/[A-Z]{6}\+", str(font.BaseFont)), f"not subset: {font.BaseFont}"


def test_page_labels_match_folios(fixture_pdfs):
    """Roman front matter, arabic from chapter 1; the label is the folio printed on the page."""
    book, _, _ = fixture_pdfs
    path = book / "dist" / "notes-at-the-foot.pdf"
    with pikepdf.open(path) as pdf:
        page_labels = labels(pdf)
    assert page_labels[:3] == ["i", "ii", "iii"]
    body = page_labels.index("1")
    assert all(re.fullmatch(r"[ivx]+", lab) for lab in page_labels[:body])
    assert page_labels[body:] == [str(n) for n in range(1, len(page_labels) - body + 1)]
    for index, text in enumerate(pdf_page_texts(path)):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines and re.fullmatch(r"[ivx]+|\d+", lines[-1]):
            assert lines[-1] == page_labels[index], f"page {index + 1} prints {lines[-1]}"


def _check_contents(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        page_labels = labels(pdf)
    texts = pdf_page_texts(path)
    entries = contents(path)
    assert entries
    for title, folio in entries:
        index = page_labels.index(folio)
        opener = " ".join(texts[index].split())
        heading = re.sub(r"^\d+\s+", "", title)
        assert heading in opener[:200], f"contents says '{title}' is on {folio}; that page begins {opener[:80]!r}"
        assert "CHAPTER" in opener.replace(" ", "").upper()[:40] or not re.match(r"^\d", title)
    return len(entries)


def test_contents_lead_to_chapter_openers(fixture_pdfs):
    book, _, _ = fixture_pdfs
    assert _check_contents(book / "dist" / "notes-at-the-foot.pdf") == 3  # two chapters and the bibliography


def _head_text(page, trim: list[float]) -> str:
    """Text in the top margin of the trimmed page: the running head."""
    x0, _, x1, top = trim
    return page.get_textpage().get_text_bounded(x0, top - 0.75 * PT, x1, top).strip()


def test_running_heads(fixture_pdfs):
    """Book title on versos, chapter title on rectos, nothing on openers and blank pages."""
    book, _, _ = fixture_pdfs
    path = book / "dist" / "notes-at-the-foot.pdf"
    with pikepdf.open(path) as pdf:
        page_labels = labels(pdf)
        trims = [[float(v) for v in p.TrimBox] for p in pdf.pages]
    openers = {page_labels.index(folio) for _, folio in contents(path)}
    texts = pdf_page_texts(path)
    doc = pdfium.PdfDocument(str(path))
    try:
        checked = 0
        for index in range(page_labels.index("1"), len(page_labels)):
            head = _head_text(doc[index], trims[index])
            if index in openers or not texts[index].strip():
                assert head == "", f"page {index + 1} should have no head, has {head!r}"
                continue
            folio = int(page_labels[index])
            expected = "Notes at the Foot" if folio % 2 == 0 else ("Long Notes", "More Long Notes", "Bibliography")
            if folio % 2 == 0:
                assert head.lower() == expected.lower(), f"verso {folio}: {head!r}"
            else:
                assert head in expected, f"recto {folio}: {head!r}"
            checked += 1
        assert checked >= 10
    finally:
        doc.close()


def test_text_stays_inside_the_text_block(fixture_pdfs):
    """A visual check: no glyph in the outer margin or the gutter, mirrored on each side."""
    book, _, _ = fixture_pdfs
    path = book / "dist" / "notes-at-the-foot.pdf"
    with pikepdf.open(path) as pdf:
        trims = [[float(v) for v in p.TrimBox] for p in pdf.pages]
    doc = pdfium.PdfDocument(str(path))
    try:
        for index, page in enumerate(doc):
            x0, _, x1, _ = trims[index]
            textpage = page.get_textpage()
            boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
            boxes = [b for b in boxes if b[2] > b[0]]
            if not boxes:
                continue
            left = min(b[0] for b in boxes) - x0
            right = x1 - max(b[2] for b in boxes)
            recto = index % 2 == 0
            inside, outside = (left, right) if recto else (right, left)
            assert outside >= 0.375 * PT - 1, f"page {index + 1}: text {outside / PT:.2f} in from the edge"
            assert inside >= 0.375 * PT + 0.25 * PT - 1, f"page {index + 1}: text {inside / PT:.2f} in from the gutter"
    finally:
        doc.close()


def test_screen_edition_tagged_with_outline_and_links(fixture_pdfs):
    book, _, _ = fixture_pdfs
    with pikepdf.open(book / "dist" / "notes-at-the-foot-screen.pdf") as pdf:
        page = pdf.pages[0]
        assert [float(v) for v in page.MediaBox] == pytest.approx([0, 0, 6 * PT, 9 * PT])
        assert "/OutputIntents" not in pdf.Root
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "en-US" and str(pdf.docinfo.Title) == "Notes at the Foot"
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert {"Long Notes", "More Long Notes"} <= set(titles)
        texts = pdf_page_texts(book / "dist" / "notes-at-the-foot-screen.pdf")
        contents_page = next(p for p, t in zip(pdf.pages, texts, strict=True) if t.lstrip().startswith("Contents"))
        links = [a for a in contents_page.get("/Annots", []) if a.Subtype == "/Link"]
        assert len(links) >= 2


def test_our_book_has_no_moved_note_and_a_true_contents(our_book):
    result, path = our_book
    assert result.code == 0, result.err
    assert "warning[" not in result.err, result.err
    assert _check_contents(path) >= 7
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) % 2 == 0
        assert labels(pdf)[0] == "i" and "1" in labels(pdf)


def test_our_book_embeds_only_real_packaged_faces(our_book):
    """No face WeasyPrint made up: an italic run whose character only the roman face has (the
    U+2010 hyphen of a hyphenated italic word), or Chinese in italics, used to come out as a
    roman face slanted by hand, `Source-Serif-Pro-Oblique` and `Noto-Sans-CJK-SC-Oblique`."""
    from bookkit.fonts import CJK_FAMILY, MONO_FAMILY, text_faces
    from bookkit.render.pdf.fontguard import embedded_fonts

    result, path = our_book
    assert result.code == 0, result.err
    weights = {400: "", 600: "-Semi-Bold", 700: "-Bold"}
    real = {f.family.replace(" ", "-") + weights[f.weight] + ("-Italic" if f.style == "italic" else "")
            for f in text_faces()}
    real |= {MONO_FAMILY.replace(" ", "-") + w + s for w in ("", "-Bold") for s in ("", "-Italic")}
    real.add(CJK_FAMILY.replace(" ", "-"))
    fonts = [f.name for f in embedded_fonts(path.read_bytes())]
    assert "Source-Serif-Pro-Italic" in fonts and "Noto-Sans-CJK-SC" in fonts, fonts
    assert set(fonts) <= real, sorted(set(fonts) - real)
    fonts_line = next(line for line in result.out.splitlines() if "fonts embedded" in line)
    assert "Oblique" not in fonts_line, fonts_line


def test_note_calls_side_by_side_are_separated_and_never_start_a_line(tmp_path):
    """`[@key].[^note]` sets two calls together: they read 1,2 (not 12) in both outputs, and a
    call is never carried to the start of a line away from the word it follows."""
    import zipfile

    result = run_cli("all", "--book", str(BOOKS / "note-calls"), "--out", str(tmp_path), "--no-cache")
    assert result.code == 0 and "warning[" not in result.err, result.err
    pages = [t for t in pdf_page_texts(tmp_path / "note-calls.pdf") if "Paragraph" in t]
    assert len(pages) > 1 and re.search(r"103\.\s*1,2\b", pages[0]), pages[:1]
    for page in pages:  # the text lines above the first note (notes are "N. text")
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = lines[:next(i for i, line in enumerate(lines) if re.match(r"\d+\. ", line))]
        assert not [line for line in body if line[0].isdigit()], body
    with zipfile.ZipFile(tmp_path / "note-calls.epub") as epub:
        chapter = next(epub.read(n).decode() for n in epub.namelist() if "Calls Side by Side" in
                       epub.read(n).decode(errors="ignore") and n.endswith(".xhtml") and "nav" not in n)
    assert re.search(r'fnref1"[^>]*>1</a>(</span>)?<span class="note-call-sep"><sup>,</sup></span><a[^>]*>2</a>',
                     chapter), chapter[:3000]
