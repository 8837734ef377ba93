"""`check` and the build never disagree: one validation path, the same diagnostics at the same positions.

Every fixture book under tests/books/ is checked and built (`all`) from its own copy.
A build that succeeds must print exactly what `check` printed (minus what only a page
layout can know, bookkit.check.LAYOUT_ONLY); a build that fails must fail when `check`
fails, with errors `check` also reported (a build stops at the first stage with
errors, so it may print fewer of them; it never prints one `check` did not).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from bookkit.check import LAYOUT_ONLY
from conftest import BOOKS, copy_book, run_cli

PROBLEM = re.compile(r"^(?P<where>\S*): (?P<severity>error|warning)\[(?P<code>\w+)\]: ")

def problems(stderr: str) -> set[str]:
    return {line for line in stderr.splitlines()
            if (m := PROBLEM.match(line)) and m["code"] not in LAYOUT_ONLY}


def _copy(name: str, folder):
    book = copy_book(name, folder)
    expect = book / "expect.yaml"
    links = (yaml.safe_load(expect.read_text(encoding="utf-8")) or {}).get("symlinks") if expect.exists() else None
    for link, target in (links or {}).items():
        (book / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, book / link)
    return book


FIXTURES = sorted(p.name for p in BOOKS.iterdir() if (p / "book.yaml").exists())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{fixture: (check run, `all` run)}, two books at a time (the builds are a minute of layout)."""
    folder = tmp_path_factory.mktemp("agree")

    def both(name):
        book = _copy(name, folder)
        return name, (run_cli("check", "--book", str(book)), run_cli("all", "--book", str(book)))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(both, FIXTURES))


@pytest.mark.slow
@pytest.mark.parametrize("name", FIXTURES)
def test_check_and_build_agree(name, runs):
    checked, built = runs[name]
    for run in (checked, built):
        assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    said, did = problems(checked.err), problems(built.err)
    assert checked.code == built.code, (checked.err, built.err)
    assert did == said, (checked.err, built.err)  # a failed build prints what check prints, warnings too
    if built.code != 0:
        assert did, built.err


def test_fixture_list_is_complete():
    assert {"tiny", "manual", "check-hidden", "pdf-notes", "hostile-raw-html"} <= set(FIXTURES)


@pytest.mark.slow
def test_math_warning_comes_from_check_and_every_build_at_its_line(book_copy):
    book = book_copy("tiny")
    chapter = book / "chapters" / "02-second.md"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    chapter.write_text("\n".join(lines + ["", "A formula: $\\badcommand{x}$ and more."]) + "\n", encoding="utf-8")
    where = f"chapters/02-second.md:{len(lines) + 2}:12: warning[M001]: cannot typeset the formula '\\badcommand{{x}}'"
    for command in ("check", "pdf", "epub"):
        result = run_cli(command, "--book", str(book))
        assert result.code == 0, result.err
        found = [line for line in result.err.splitlines() if "M001" in line]
        assert len(found) == 1 and found[0].startswith(where), (command, result.err)


@pytest.mark.slow
def test_stylesheet_warnings_come_from_check_and_pdf_at_their_line(book_copy):
    book = book_copy("tiny")
    (book / "styles").mkdir()
    (book / "styles" / "book.css").write_text("p { colr: red; }\nh1 { margin: 1em 2em 3em 4em 5em; }\n",
                                              encoding="utf-8")
    expected = {"styles/book.css:1:5: warning[R004]: WeasyPrint: Ignored `colr: red`, unknown property.",
                "styles/book.css:2:6: warning[R004]: WeasyPrint: Ignored `margin: 1em 2em 3em 4em 5em`, "
                "Expected 1 to 4 tokens, got 5."}
    for command in ("check", "pdf"):
        result = run_cli(command, "--book", str(book))
        assert result.code == 0, result.err
        assert problems(result.err) == expected, (command, result.err)
