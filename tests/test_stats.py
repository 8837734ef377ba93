"""`stats`: counts per chapter from what the book prints; pages from the PDF when there is one."""

from __future__ import annotations

import json
import shutil

from conftest import BOOKS, pdf_page_texts, run_cli


def stats(book, *extra):
    result = run_cli("stats", "--json", "--book", str(book), *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_counts_per_chapter_and_total(book_copy):
    book = book_copy("tiny")
    shutil.copy(BOOKS / "check-links" / "images" / "gray.png", book / "chapters" / "gray.png")
    chapter = book / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n![A gray box.](gray.png)\n", encoding="utf-8")
    data = stats(book)
    first, second = data["chapters"]
    # 50 words: CJK characters count one each; the [@doe2020, 45] locator is not prose
    assert (first["words"], first["paragraphs"], first["citations"], first["sources"], first["notes"],
            first["figures"]) == (50, 2, 3, 2, 4, 0)
    assert (second["citations"], second["sources"], second["notes"], second["figures"]) == (2, 1, 3, 1)
    assert first["minutes"] == 1 and "pages" not in first
    total = data["total"]
    assert total["words"] == first["words"] + second["words"]
    assert total["sources"] == 2  # distinct over the book, not the sum of chapters
    assert total["citations"] == 5 and total["notes"] == 7 and total["figures"] == 1
    assert data["pdf"] is None


def test_pages_come_from_the_built_pdf(book_copy):
    book = book_copy("tiny")
    built = run_cli("pdf", "-q", "--book", str(book))
    assert built.code == 0, built.err
    data = stats(book)
    texts = pdf_page_texts(book / "dist" / "a-tiny-book.pdf")
    start_one = next(i for i, t in enumerate(texts) if "The opening sentence" in t)
    start_two = next(i for i, t in enumerate(texts) if "Another chapter cites" in t)
    start_bib = next(i for i, t in enumerate(texts) if i > start_two and "Bibliography" in t and "Doe" in t)
    assert [row["pages"] for row in data["chapters"]] == [start_two - start_one, start_bib - start_two]
    assert data["pdf"]["path"] == "dist/a-tiny-book.pdf" and data["pdf"]["older_than_sources"] is False

    table = run_cli("stats", "--book", str(book))
    assert table.code == 0
    header = table.out.splitlines()[0].split()
    assert header == ["chapter", "words", "minutes", "paragraphs", "citations", "sources", "notes", "figures", "pages"]
    total_row = next(line for line in table.out.splitlines() if line.startswith("total"))
    assert total_row.split()[-1] == str(start_bib - start_one)
