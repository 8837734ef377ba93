"""`check`: every problem in one run, at the editor's line and column, with a stable code.

One fixture book per area (tests/books/check-<area>/); each holds several mistakes and
the test asserts the exact lines `check` prints for them, so a wrong line number,
a lost problem or a changed code all fail.
"""

from __future__ import annotations

import re

import pytest

from bookkit.diagnostics import CODES
from conftest import run_cli

EXPECTED = {
    "citations": [
        "chapters/01-one.md:4:51: error[C001]: unknown citation key 'doe202' (did you mean 'doe2020'?)",
        "bibliography.bib:9: warning[C002]: entry 'lei2021' is never cited",
        "bibliography.bib:16: warning[C002]: entry 'unused2019' is never cited",
    ],
    "bibtex": [
        "bibliography.bib:7: warning[B003]: entry 'notitle2021' (@article) has no title, which a Chicago note needs",
        "bibliography.bib:13: error[B002]: duplicate key 'doe2020' (first defined on line 1)",
        "bibliography.bib:21: error[B001]: malformed entry '@book{broken2022,': a brace or quote is not closed",
    ],
    "notes": [
        "chapters/01-one.md:3:49: error[N001]: note '[^missing]' is used but never defined",
        "chapters/01-one.md:7:1: warning[N002]: note '[^orphan]' is defined but never used",
        "chapters/01-one.md:9:1: error[N003]: note '[^twice]' defined twice (first on line 8)",
    ],
    "links": [
        "chapters/01-one.md:5:51: error[L003]: link to '#section-b', which no heading or block has"
        " (did you mean 'section-a'?)",
        "chapters/01-one.md:9:1: warning[L002]: image '../images/gray.png' has no alt text",
        "chapters/01-one.md:11:1: error[L001]: image file 'images/absent.png' not found",
        "chapters/01-one.md:13: error[D001]: timeline data file 'data/nothere.yaml' not found",
        "chapters/01-one.md:13: error[D002]: timeline block needs alt text (alt=\"…\")",
    ],
    "structure": [
        "book.yaml:8: error[S003]: chapter 'chapters/04-gone.md' listed in book.yaml does not exist",
        "chapters/01-one.md:5:1: warning[S002]: heading level 4 follows level 1; use level 2",
        "chapters/02-untitled.md:1: error[S001]: chapter does not open with a level-1 title ('# Title')",
        "chapters/03-empty.md:1: error[S004]: chapter is empty",
    ],
    "config": [
        "book.yaml: error[Y004]: required key 'lang' is missing (e.g. lang: en-US)",
        "book.yaml:3: warning[Y002]: unknown key 'colour'",
        "book.yaml:4: error[Y003]: bad value for 'csl': unknown CSL style 'chicago-footnotes'; did you mean "
        "'chicago-notes', 'chicago-notes-no-url', 'chicago-notes-classic'?",
        "book.yaml:5: error[Y003]: bad value for 'trim': unknown value '6x8in'; allowed: 5x8in, 5.25x8in, "
        "5.5x8.5in, 6x9in, 6.14x9.21in, 7x10in, 8.5x11in, a5, royal",
    ],
    # every bogus mark is inside indented code, a comment, a raw block, math or inline code, or is a
    # real note or citation in a setext heading: only the same marks written as text are reported
    "hidden": [
        "chapters/01-one.md:25:43: error[N001]: note '[^nope]' is used but never defined",
        "chapters/01-one.md:25:56: error[C001]: unknown citation key 'ghost2020' (did you mean 'doe2020'?)",
        "chapters/01-one.md:25:76: error[L003]: link to '#nowhere', which no heading or block has",
        "chapters/01-one.md:27:1: error[L001]: image file 'chapters/y.png' not found",
    ],
    "yaml": [
        "book.yaml:3:7: error[Y001]: the '[' that opens this value is never closed with ']'; close it, or, "
        "if the '[' is part of the text, put the value in quotes: lang: \"[en-US\"",
    ],
}

#: Codes `check` reports; the others belong to the renderers (R…) or to inputs check cannot
#: produce from a readable book (unreadable files, raw HTML, resources refused while rendering).
CHECK_CODES = {"C001", "C002", "B001", "B002", "B003", "N001", "N002", "N003", "L001", "L002", "L003",
               "S001", "S002", "S003", "S004", "Y001", "Y002", "Y003", "Y004", "D001", "D002"}

PROBLEM = re.compile(r"^\S+: (error|warning)\[\w+\]: ")


def problems(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if PROBLEM.match(line)]


@pytest.mark.parametrize("area", sorted(EXPECTED))
def test_check_reports_every_problem_at_its_line(area, book_copy):
    book = book_copy(f"check-{area}")
    result = run_cli("check", "--book", str(book))
    assert sorted(problems(result.err)) == sorted(EXPECTED[area]), result.err
    assert result.code == 1
    assert "Traceback" not in result.err


def test_every_check_code_has_a_fixture():
    covered = {re.search(r"\[(\w+)\]", line).group(1) for lines in EXPECTED.values() for line in lines}
    assert covered == CHECK_CODES
    assert CHECK_CODES <= set(CODES)


def test_warnings_alone_pass_unless_strict(book_copy):
    book = book_copy("check-citations")
    chapter = book / "chapters" / "01-one.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("[@doe202, 4]", "[@doe2020, 4]"), encoding="utf-8")
    relaxed = run_cli("check", "--book", str(book))
    assert relaxed.code == 0, relaxed.err
    assert problems(relaxed.err) == [
        "bibliography.bib:9: warning[C002]: entry 'lei2021' is never cited",
        "bibliography.bib:16: warning[C002]: entry 'unused2019' is never cited",
    ]
    strict = run_cli("check", "--strict", "--book", str(book))
    assert strict.code == 1


def test_unknown_key_is_an_error_under_strict(book_copy):
    book = book_copy("check-config")
    result = run_cli("check", "--strict", "--book", str(book))
    assert "book.yaml:3: error[Y002]: unknown key 'colour'" in problems(result.err)
    assert result.code == 1


def test_clean_fixture_book_has_no_problems(book_copy):
    result = run_cli("check", "--strict", "--book", str(book_copy("tiny")))
    assert result.code == 0, result.err
    assert problems(result.err) == []


def test_hidden_marks_alone_give_no_problem(book_copy):
    """The check-hidden chapter without its last real mistakes: nothing in code, comments, raw or math counts."""
    book = book_copy("check-hidden")
    chapter = book / "chapters" / "01-one.md"
    text = chapter.read_text(encoding="utf-8")
    start = text.index("Now real mistakes")
    chapter.write_text(text[:start] + text[text.index("[^1]: The real note."):], encoding="utf-8")
    result = run_cli("check", "--strict", "--book", str(book))
    assert problems(result.err) == [], result.err
    assert result.code == 0


def test_setext_title_is_a_title_and_a_paragraph_is_not(book_copy):
    book = book_copy("tiny")
    first = book / "chapters" / "01-first.md"
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("# The First Chapter", "The First Chapter {.unnumbered}\n================="),
                     encoding="utf-8")
    assert run_cli("check", "--strict", "--book", str(book)).code == 0
    first.write_text("---\nkeywords: [small, books]\n---\n\n<!-- a comment\nover two lines -->\n" + text,
                     encoding="utf-8")
    assert run_cli("check", "--strict", "--book", str(book)).code == 0
    first.write_text(text.replace("# The First Chapter", "The First Chapter\nstill the first paragraph"),
                     encoding="utf-8")
    result = run_cli("check", "--book", str(book))
    assert problems(result.err) == [
        "chapters/01-first.md:1: error[S001]: chapter does not open with a level-1 title ('# Title')"]
    assert result.code == 1


def test_math_that_cannot_be_converted_is_a_warning_at_its_formula(book_copy):
    book = book_copy("tiny")
    second = book / "chapters" / "02-second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\nFine $x^2$, bad $\\badcommand{x}$.\n"
                      "\n    $\\badcommand{x}$ in code is text.\n", encoding="utf-8")
    line = second.read_text(encoding="utf-8").splitlines().index("Fine $x^2$, bad $\\badcommand{x}$.") + 1
    result = run_cli("check", "--book", str(book))
    assert problems(result.err) == [
        f"chapters/02-second.md:{line}:17: warning[M001]: cannot typeset the formula '\\badcommand{{x}}': "
        "latex2mathml does not know the command \\badcommand; it is shown as its TeX"], result.err
    assert result.code == 0
    assert run_cli("check", "--strict", "--book", str(book)).code == 1


def test_a_character_no_font_has_is_an_error_at_its_place(book_copy):
    book = book_copy("tiny")
    second = book / "chapters" / "02-second.md"
    second.write_text(second.read_text(encoding="utf-8") + "\nA sign: \U0001F6F8 here.\n<!-- \U0001F6F9 -->\n",
                      encoding="utf-8")
    line = second.read_text(encoding="utf-8").splitlines().index("A sign: \U0001F6F8 here.") + 1
    result = run_cli("check", "--book", str(book))
    assert problems(result.err) == [
        f"chapters/02-second.md:{line}:9: error[R002]: '\U0001F6F8' (U+1F6F8 FLYING SAUCER) has no glyph in "
        "any of the book's fonts"], result.err
    assert result.code == 1
