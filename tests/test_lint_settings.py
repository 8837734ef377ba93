"""book.yaml's `lint:`: a book silences or escalates warning codes, the same in `check` and every build.

Fixture books: tests/books/lint-ignore/ (C002 everywhere, L002 in one chapter), lint-error/
(S002 made an error), lint-unused-ignore/ (two ignores nothing matches). The parser's own
refusals are unit tests of `bookkit.config._lint` and CLI runs on a copy of `tiny`.
"""

from __future__ import annotations

import re

import pytest

from bookkit.config.parsers import lint_settings as _lint
from bookkit.diagnostics import Ignore, Lint
from conftest import run_cli

PROBLEM = re.compile(r"^\S+: (error|warning)\[\w+\]: ")


def problems(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if PROBLEM.match(line))


# ---- the parser --------------------------------------------------------------------------------

def test_lint_reads_codes_and_file_limited_ignores():
    lint = _lint({"ignore": ["c002", "L002: chapters/./intro.md", {"S007": "chapters/"}], "error": ["S002"]})
    assert lint == Lint((Ignore("C002"), Ignore("L002", "chapters/intro.md"), Ignore("S007", "chapters")),
                        frozenset({"S002"}))
    assert _lint({"error": "M001"}) == Lint((), frozenset({"M001"}))
    assert _lint({}) == Lint()


@pytest.mark.parametrize("value, message", [
    ({"ignore": ["L02"]}, "lint.ignore: unknown code 'L02' (did you mean 'L002'?)"),
    ({"error": ["S0002"]}, "lint.error: unknown code 'S0002' (did you mean 'S002'?)"),
    ({"ignore": ["C001"]}, "lint.ignore: C001 (unknown citation key) is an error, and an error cannot be ignored"),
    ({"error": ["C001"]}, "lint.error: C001 (unknown citation key) is an error already"),
    ({"ignore": ["Y007"]}, "lint.ignore: Y007 cannot be ignored; remove the unused entries it reports"),
    ({"ignore": ["L002"], "error": ["L002"]}, "L002 is both in lint.ignore and in lint.error; keep one"),
    ({"ignores": ["L002"]}, "unknown key 'ignores' (did you mean 'ignore'?); allowed: ignore, error"),
    ({"ignore": ["L002: ../other/x.md"]}, "'../other/x.md' must be a file or folder inside the book"),
    ({"ignore": ["L002: /etc/x.md"]}, "'/etc/x.md' must be a file or folder inside the book"),
    ({"ignore": [{"L002": ["a.md", "b.md"]}]}, "L002: expected one file or folder of the book"),
    ({"ignore": {"L002": "a.md"}}, "lint.ignore: expected a list of codes"),
    (["L002"], "expected a mapping such as {ignore: [C002], error: [L002]}"),
])
def test_lint_refuses_what_it_cannot_mean(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _lint(value)


def test_an_ignore_limited_to_a_file_may_sit_beside_an_escalation():
    lint = _lint({"ignore": ["L002: chapters/intro.md"], "error": ["L002"]})
    assert lint.error == {"L002"} and lint.ignore == (Ignore("L002", "chapters/intro.md"),)


# ---- the CLI on fixture books ------------------------------------------------------------------

IGNORED = ["chapters/02-two.md:5:1: warning[L002]: image '../images/gray.png' has no alt text"]


@pytest.mark.slow
def test_ignored_warnings_are_gone_from_check_and_the_build(book_copy):
    book = book_copy("lint-ignore")
    checked = run_cli("check", "--book", str(book))
    assert checked.code == 0, checked.err
    assert problems(checked.err) == IGNORED
    built = run_cli("pdf", "--book", str(book))
    assert built.code == 0, built.err
    assert problems(built.err) == IGNORED
    assert (book / "dist" / "lint-ignore.pdf").is_file()


def test_without_its_lint_the_same_book_reports_what_it_silences(book_copy):
    book = book_copy("lint-ignore")
    config = book / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8").split("# C002")[0], encoding="utf-8")
    said = problems(run_cli("check", "--book", str(book)).err)
    assert "bibliography.bib:9: warning[C002]: entry 'unused2019' is never cited" in said
    assert "chapters/01-one.md:5:1: warning[L002]: image '../images/gray.png' has no alt text" in said


ESCALATED = ["chapters/01-one.md:5:1: error[S002]: heading level 4 follows level 1; use level 2",
             "chapters/01-one.md:7:1: warning[L002]: image '../images/gray.png' has no alt text"]


def test_an_escalated_warning_fails_check_and_the_build_before_it_writes(book_copy):
    book = book_copy("lint-error")
    checked = run_cli("check", "--book", str(book))
    assert checked.code == 1
    assert problems(checked.err) == ESCALATED
    built = run_cli("epub", "--book", str(book))
    assert built.code == 1
    assert problems(built.err) == ESCALATED
    assert not (book / "dist").exists()


UNUSED = [
    "book.yaml:10: warning[Y007]: lint ignores L002 (image without alternative text) but nothing in "
    "'chapters/02-two.md' raises it: remove the entry",
    "book.yaml:9: warning[Y007]: lint ignores N002 (note defined but never used) but nothing in the book "
    "raises it: remove the entry",
    "chapters/01-one.md:5:1: warning[L002]: image '../images/gray.png' has no alt text",
]


def test_an_ignore_that_matches_nothing_is_reported_at_its_line(book_copy):
    book = book_copy("lint-unused-ignore")
    checked = run_cli("check", "--book", str(book))
    assert checked.code == 0, checked.err
    assert problems(checked.err) == UNUSED  # C002 silenced the uncited entry: it is used
    built = run_cli("epub", "--book", str(book))
    assert built.code == 0, built.err
    assert problems(built.err) == UNUSED


def test_an_unused_ignore_made_an_error_fails_the_run(book_copy):
    book = book_copy("lint-unused-ignore")
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write("  error: [Y007]\n")
    checked = run_cli("check", "--book", str(book))
    assert checked.code == 1
    assert [line.split(": ")[1] for line in problems(checked.err)] == ["error[Y007]", "error[Y007]",
                                                                       "warning[L002]"]


def test_an_unused_ignore_is_not_judged_while_the_book_has_errors(book_copy):
    """An error may keep a chapter from being read, so nothing could have matched the ignore."""
    book = book_copy("lint-unused-ignore")
    chapter = book / "chapters" / "02-two.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA citation of nothing.[@nobody2000]\n",
                       encoding="utf-8")
    checked = run_cli("check", "--book", str(book))
    assert checked.code == 1
    assert "Y007" not in checked.err and "error[C001]" in checked.err


@pytest.mark.parametrize("entry, message", [
    ("ignore: [L02]", "bad value for 'lint': lint.ignore: unknown code 'L02' (did you mean 'L002'?)"),
    ("ignore: [C001]", "bad value for 'lint': lint.ignore: C001 (unknown citation key) is an error, and an error "
                       "cannot be ignored: the outputs would be wrong; fix it where it is reported"),
])
def test_a_bad_lint_entry_is_a_config_error_at_its_key(entry, message, book_copy):
    book = book_copy("tiny")
    config = book / "book.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + f"lint: {{{entry}}}\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    for command in ("check", "epub"):
        result = run_cli(command, "--book", str(book))
        assert result.code == 1
        assert problems(result.err) == [f"book.yaml:{line}: error[Y003]: {message}"], (command, result.err)
