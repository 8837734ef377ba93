"""The benchmark generator writes a valid book: deterministic, and it builds cleanly."""

from __future__ import annotations

import sys

from conftest import ROOT, pdf_page_texts, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402


def test_generated_book_is_deterministic_and_builds_without_warnings(tmp_path):
    book = generate(tmp_path / "book", chapters=2, words=300)
    again = generate(tmp_path / "again", chapters=2, words=300)
    sources = sorted((book / "chapters").glob("*.md")) + [book / "bibliography.bib", book / "book.yaml"]
    for path in sources:
        assert path.read_bytes() == (again / path.relative_to(book)).read_bytes(), f"{path.name} differs"
    chapters = [p.read_text(encoding="utf-8") for p in sorted((book / "chapters").glob("*.md"))]
    assert len(chapters) == 2
    for text in chapters:
        assert "[@" in text and "[^1]:" in text and "| Year |" in text

    result = run_cli("pdf", "--strict", "--book", str(book))
    assert result.code == 0, result.err
    assert "warning[" not in result.err and "error[" not in result.err

    pages = pdf_page_texts(next((book / "dist").glob("*.pdf")))
    text = "".join(pages)
    assert "Bibliography" in text and "Shipments by year" in text
    assert any(zh in text for zh in ("雷军", "小米", "金山", "卓越网", "仙桃", "武汉大学", "北京", "中关村"))
