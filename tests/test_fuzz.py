"""Random Markdown and BibTeX through `bookkit check`: a book error or success, never a crash.

The property is the CLI's contract: exit 0 or 1 and no "internal error" (exit 3,
a traceback in bookkit) whatever the chapter or the bibliography holds. `check`
runs pandoc, citeproc, every lint rule and the sanitizer, but not the layout, so a
few dozen examples stay fast.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookkit.cli import main
from conftest import BOOKS

MARKDOWN_PIECES = ["# ", "## ", "#### ", "\n", "\n\n", "text ", "雷军 ", "[^1]", "[^1]: a note\n", "[^x]",
                   "[@doe2020]", "@lei2021 ", "[@nope]", "![alt](", "](", ")", "[", "]", "(", "{#id}", "{.appendix}",
                   "<script>", "</script>", "<p onclick='x'>", "</p>", "<!--", "-->", "`", "```\n", "~~~", "* ",
                   "1. ", "> ", "| a | b |\n|---|---|\n", "---\n", "::: {.timeline src=\"data/x.yaml\"}\n", ":::\n",
                   "\\", "&amp;", "&#0;", "\u202e", "\ufeff", "\t", "    ", "$x$", "<img src=/etc/passwd>",
                   "[link](javascript:alert(1))", "{=html}", "%", "file:///etc/passwd", "../../", "\x0b"]
BIBTEX_PIECES = ["@book{", "@article{", "@online{", "@string{", "@comment{", "@preamble{", "doe2020", "lei2021",
                 "key", ",", "}", "{", "\n", " author = ", " title = ", " year = ", "{Doe, Jane}", '"', "2020",
                 "#", "%", "=", "\\", "{\\'e}", "雷军", "@", " ", "\t"]


def fragments(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=6)), max_size=max_size).map("".join)


def check_exit(chapter: str | None = None, bibtex: str | None = None) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(BOOKS / "tiny", book)
        if chapter is not None:
            (book / "chapters" / "03-fuzz.md").write_text(chapter, encoding="utf-8", errors="surrogatepass")
        if bibtex is not None:
            (book / "bibliography.bib").write_text(bibtex, encoding="utf-8", errors="surrogatepass")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["check", "--book", str(book), "--no-cache", "-q"])
        return code, err.getvalue()


FUZZ = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.one_of(fragments(MARKDOWN_PIECES, 40), st.builds("# Fuzz\n\n{}".format, fragments(MARKDOWN_PIECES, 40))))
def test_random_markdown_is_a_clean_answer(text):
    code, err = check_exit(chapter=text)
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err


@FUZZ
@given(fragments(BIBTEX_PIECES, 60))
def test_random_bibtex_is_a_clean_answer(text):
    code, err = check_exit(bibtex=text)
    assert code == 1 or "error[" not in err, err  # success prints no error; a book error exits 1
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err
