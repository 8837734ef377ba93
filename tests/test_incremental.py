"""Incremental print builds: reuse what did not change, and never differ from a clean build.

The property checked is the one an editor relies on: after edits and rebuilds,
the PDF is page for page (text of each page, page count, page labels) the PDF a
clean build of the same sources makes.
"""

from __future__ import annotations

import re

import pikepdf

from conftest import pdf_page_texts, run_cli

PDF = "dist/notes-at-the-foot.pdf"
#: about a page and a half of plain text, without notes, to lengthen chapter 1
ADDED = "\n\n" + "\n\n".join(
    "An added paragraph that makes the first chapter longer, so every later part starts on another page. " * 6
    for _ in range(4)) + "\n"


def snapshot(book) -> tuple[list[str], list[str]]:
    with pikepdf.open(book / PDF) as pdf:
        labels = [pikepdf.Page(p).label for p in pdf.pages]
    return labels, [" ".join(t.split()) for t in pdf_page_texts(book / PDF)]


def build(book, *extra: str):
    result = run_cli("pdf", "-v", "--book", str(book), *extra)
    assert result.code == 0, result.err
    assert "warning[" not in result.err, result.err
    return result


def laid_out(result) -> str:
    return re.search(r"parts laid out: (.*?);", result.out).group(1)


def test_edits_then_rebuilds_match_a_clean_build(book_copy):
    book = book_copy("pdf-notes")
    build(book)
    first = snapshot(book)

    noop = build(book)
    assert laid_out(noop) == "none", noop.out
    assert snapshot(book) == first

    chapter = book / "chapters" / "01-notes.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original + ADDED, encoding="utf-8")
    edited = build(book)
    assert "front" in laid_out(edited) and "long-notes," in laid_out(edited) + ","
    incremental = snapshot(book)
    assert len(incremental[0]) > len(first[0])  # the edit moved the later chapters

    chapter.write_text(original, encoding="utf-8")  # back and forth: every part is in the cache
    reverted = build(book)
    assert laid_out(reverted) == "none", reverted.out
    assert snapshot(book) == first
    chapter.write_text(original + ADDED, encoding="utf-8")
    assert laid_out(build(book)) == "none"
    assert snapshot(book) == incremental

    assert run_cli("clean", "--book", str(book)).code == 0
    build(book)
    assert snapshot(book) == incremental
    assert_links_reach_their_targets(book)


def assert_links_reach_their_targets(book) -> None:
    """Links between parts (contents → chapters) land on the page that holds their anchor."""
    labels, texts = snapshot(book)
    with pikepdf.open(book / PDF) as pdf:
        dests = pikepdf.NameTree(pdf.Root.Names.Dests)
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        targets = {str(a.Dest): index[dests[str(a.Dest)][0].objgen]
                   for page in pdf.pages for a in page.get("/Annots", []) if "/Dest" in a}
    assert {"long-notes", "more-long-notes", "bibliography"} <= set(targets)
    assert texts[targets["more-long-notes"]].replace(" ", "").startswith("CHAPTER2MoreLongNotes")
    assert texts[targets["bibliography"]].startswith("Bibliography")


def test_page_places_name_each_pages_chapter(book_copy):
    """The per-page map that replaces one Document for callers such as the EPUB page-list."""
    from bookkit.book import load_book
    from bookkit.cache import Cache
    from bookkit.pipeline import prepare
    from bookkit.render.shared.printlayout.incremental import lay_out_in_parts

    root = book_copy("pdf-notes")
    cache = Cache(root)
    layout = lay_out_in_parts(prepare(load_book(root), cache), cache, jobs=1)
    places = layout.page_places()
    assert len(places) == layout.pages
    for part in layout.parts[1:]:
        opener = places[part.first_page]
        assert part.first_page % 2 == 0 and part.name in opener.anchors
        assert all(p.part == part.name for p in places[part.first_page:part.first_page + part.content.pages])
    assert places[0].part == "front" and layout.body_start == layout.parts[1].first_page


THESIS_PDF = "dist/light-in-small-rooms.pdf"


def thesis_snapshot(book) -> tuple[list[str], list[str]]:
    with pikepdf.open(book / THESIS_PDF) as pdf:
        labels = [pikepdf.Page(p).label for p in pdf.pages]
    return labels, [" ".join(t.split()) for t in pdf_page_texts(book / THESIS_PDF)]


def test_cross_references_and_their_pages_match_a_clean_build(book_copy):
    """Figure numbers and "on page N" (crossref.py) after edits equal a clean build's."""
    book = book_copy("thesis")
    build(book)
    labels, texts = thesis_snapshot(book)
    before = re.search(r"drawn in Figure 2\.1 on page (\d+)", " ".join(texts)).group(1)
    assert labels[next(i for i, t in enumerate(texts) if "Figure 2.1. The apparatus" in t)] == before

    method = book / "chapters" / "02-method.md"
    method.write_text(method.read_text(encoding="utf-8").replace("## Setup", ADDED + "\n## Setup"), encoding="utf-8")
    build(book)
    intro = book / "chapters" / "01-introduction.md"
    intro.write_text(intro.read_text(encoding="utf-8").replace(
        "## Motivation {#sec:motivation}", "![An added first figure.](../images/results.png){#fig:added}\n\n"
        "## Motivation {#sec:motivation}"), encoding="utf-8")
    build(book)
    incremental = thesis_snapshot(book)
    text = " ".join(incremental[1])
    after = re.search(r"drawn in Figure 2\.1 on page (\d+)", text).group(1)
    assert after != before  # the edit moved the figure, and the reference followed it
    assert "Figures 1.2 and 2.1" in text and "Figure 1.1. An added first figure." in text

    assert run_cli("clean", "--book", str(book)).code == 0
    build(book)
    assert thesis_snapshot(book) == incremental
