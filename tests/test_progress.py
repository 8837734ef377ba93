"""A build that talks back: progress per chapter, quiet when asked, timings with -v,
and pandoc's warnings in the same file:line form as every other problem."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

from bookkit.cli.console import Console
from conftest import run_cli


def test_progress_lines_when_not_a_terminal_and_silence_with_quiet(book_copy):
    book = book_copy("tiny")
    loud = run_cli("epub", "--book", str(book))
    assert loud.code == 0, loud.err
    lines = loud.out.splitlines()
    assert "  converting 1/2: " in "\n".join(lines) and any(line.startswith("  converting 2/2: ") for line in lines)
    assert "\r" not in loud.out
    quiet = run_cli("epub", "-q", "--book", str(book))
    assert quiet.code == 0 and quiet.out == ""
    verbose = run_cli("epub", "-v", "--no-cache", "--book", str(book))
    assert "pandoc EPUB writer and packaging in" in verbose.out and "loading book" in verbose.out


def test_progress_bar_redraws_one_line_on_a_terminal():
    out = io.StringIO()
    console = Console(quiet=False, verbose=False, tty=True)
    with redirect_stdout(out):
        for done in range(1, 5):
            console.progress("converting", done, 4, f"chapters/0{done}.md")
        console.step("next stage")
    text = out.getvalue()
    assert text.count("\r") == 4 and text.count("\n") == 2  # one line for the bar, one for the step
    assert "[" + "#" * Console.BAR + "] 4/4" in text


def test_pandoc_warnings_are_placed_at_their_line(book_copy):
    book = book_copy("tiny")
    chapter = book / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       + "\nSee [x].\n\n[x]: http://a.example\n[x]: http://b.example\n", encoding="utf-8")
    result = run_cli("epub", "--book", str(book))
    assert result.code == 0, result.err
    assert "chapters/02-second.md:11:1: warning[R003]: Duplicate link reference '[x]'" in result.err.splitlines()
    assert "[WARNING]" not in result.err
