"""Random Markdown, raw HTML and BibTeX through `bookkit check` and the build: never a crash.

The property is the CLI's contract: exit 0 or 1 and no "internal error" (exit 3,
a traceback in bookkit) whatever the chapter or the bibliography holds. `check`
runs pandoc, citeproc, every lint rule and the sanitizer, but not the layout, so a
few dozen examples stay fast; the build (`all`: the print PDF and the EPUB, without
the page-list's print layout) takes seconds an example, so it gets a handful.
Examples are derandomized, so every run (and CI) tries the same ones.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bookkit.cli import main
from conftest import BOOKS

MARKDOWN_PIECES = ["# ", "## ", "#### ", "\n", "\n\n", "text ", "雷军 ", "[^1]", "[^1]: a note\n", "[^x]",
                   "[@doe2020]", "@lei2021 ", "[@nope]", "![alt](", "](", ")", "[", "]", "(", "{#id}", "{.appendix}",
                   "<script>", "</script>", "<p onclick='x'>", "</p>", "<!--", "-->", "`", "```\n", "~~~", "* ",
                   "1. ", "> ", "| a | b |\n|---|---|\n", "---\n", "::: {.timeline src=\"data/x.yaml\"}\n", ":::\n",
                   "\\", "&amp;", "&#0;", "\u202e", "\ufeff", "\t", "    ", "$x$", "<img src=/etc/passwd>",
                   "[link](javascript:alert(1))", "{=html}", "%", "file:///etc/passwd", "../../", "\x0b",
                   "<div>", "</div>", "\n<div class=\"box\">\n\n", "\n</div>\n\n", "<hr>", "<br>", "<p>",
                   "<span>", "</span>", "<table><tr><td>", "</td></tr></table>", "<tr>", "<td>", "&nbsp;",
                   "&madeup;", "<section>", "</section>", "<ul><li>", "<img src=x.png>", "<svg><circle/>",
                   "<a href='#x'>", "</a>", "<dl><dt>", "<dd>", "<pre>", "</p>", "{1a=x}", "{foo:bar=1}", "{xmlns=x}",
                   "\x0c", "\x01",
                   "\n| line block\n", "Term\n:   definition\n", "```{=html}\n<hr>\n```\n"]
BIBTEX_PIECES = ["@book{", "@article{", "@online{", "@string{", "@comment{", "@preamble{", "doe2020", "lei2021",
                 "key", ",", "}", "{", "\n", " author = ", " title = ", " year = ", "{Doe, Jane}", '"', "2020",
                 "#", "%", "=", "\\", "{\\'e}", "雷军", "@", " ", "\t"]


def fragments(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=6)), max_size=max_size).map("".join)


def run_exit(command: str, chapter: str | None = None, bibtex: str | None = None) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(BOOKS / "tiny", book)
        with open(book / "book.yaml", "a", encoding="utf-8") as fh:
            fh.write("epub: {page_list: false}\n")
        if chapter is not None:
            (book / "chapters" / "03-fuzz.md").write_text(chapter, encoding="utf-8", errors="surrogatepass")
        if bibtex is not None:
            (book / "bibliography.bib").write_text(bibtex, encoding="utf-8", errors="surrogatepass")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main([command, "--book", str(book), "--no-cache", "-q"])
        return code, err.getvalue()


def check_exit(chapter: str | None = None, bibtex: str | None = None) -> tuple[int, str]:
    return run_exit("check", chapter, bibtex)


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


#: A build takes seconds: a handful of examples, and a failure is reported as found (shrinking one
#: example through the build would take many minutes).
BUILD = settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@BUILD
@example("# Fuzz\n\n<div>\n<hr>\n</div>\n\nText.\n")  # issue 13: exit 3 in the EPUB
@example("# Fuzz\n\n# \n<div class=\"box\">\n\n\n<div class=\"box\">\n\n\n</div>\n\n# <span>")
@given(st.builds("# Fuzz\n\n{}".format, fragments(MARKDOWN_PIECES, 60)))
def test_random_markdown_builds_or_is_refused(text):
    code, err = run_exit("all", chapter=text)
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err
