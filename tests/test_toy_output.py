"""Adding an output is adding a package and registering it: a toy output (`tests/toyoutput/`)
gets its command, its help and options, a place in `all` and in `clean`, without a line of the CLI.

The CLI runs in-process (`bookkit.cli.main`), where the registration is; the registry is
left as it was afterwards.
"""

from __future__ import annotations

import pytest

from bookkit.cli import main
from bookkit.render import registry
from tests.toyoutput import RENDERER as TOY

TITLES = "The First Chapter\nThe Second Chapter\n"


@pytest.fixture
def toy(monkeypatch):
    """The toy output registered for one test; the registry as it was afterwards."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714521600")  # a build pins it for its process: keep it to this test
    before = list(registry.RENDERERS)
    registry.register(TOY)
    yield TOY
    registry.unregister(TOY.name)
    assert registry.RENDERERS == before


def test_the_toy_has_a_command_with_its_help_and_options(toy, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    listing = capsys.readouterr().out
    assert "toy" in listing and "write the chapter titles to <slug>.txt" in listing
    assert "build the print PDF, the EPUB and the chapter list" in listing  # `all` names what it builds
    with pytest.raises(SystemExit) as exited:
        main(["toy", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "Write <slug>.txt: the title of every chapter, one a line." in text
    assert "--numbers" in text and "--book" in text and "--draft" not in text


def test_the_toy_command_writes_its_file_and_clean_removes_it(toy, book_copy, capsys):
    book = book_copy("tiny")
    assert main(["toy", "--book", str(book)]) == 0
    written = book / "dist" / "a-tiny-book.txt"
    assert written.read_text(encoding="utf-8") == TITLES
    assert "wrote dist/a-tiny-book.txt" in capsys.readouterr().out
    assert main(["toy", "--numbers", "--book", str(book)]) == 0
    assert written.read_text(encoding="utf-8") == "1. The First Chapter\n2. The Second Chapter\n"
    assert main(["clean", "--book", str(book)]) == 0
    assert not written.exists() and not (book / "dist").exists()


def test_clean_removes_only_what_a_registered_output_writes(toy, book_copy, capsys):
    """Without the toy registered, its file is not bookkit's: clean keeps it (and says so)."""
    book = book_copy("tiny")
    assert main(["toy", "--book", str(book)]) == 0
    registry.unregister(TOY.name)
    try:
        assert main(["clean", "--book", str(book)]) == 0
    finally:
        registry.register(TOY)
    assert (book / "dist" / "a-tiny-book.txt").is_file()
    assert "kept dist: it holds files bookkit does not write (a-tiny-book.txt)" in capsys.readouterr().out


def test_all_builds_the_toy_with_the_pdf_and_the_epub(toy, book_copy, capsys):
    book = book_copy("tiny")
    assert main(["all", "--book", str(book)]) == 0
    dist = book / "dist"
    assert sorted(p.name for p in dist.iterdir()) == ["a-tiny-book.epub", "a-tiny-book.pdf", "a-tiny-book.txt"]
    assert (dist / "a-tiny-book.txt").read_text(encoding="utf-8") == TITLES
    out = capsys.readouterr().out
    assert out.index("wrote dist/a-tiny-book.pdf") < out.index("wrote dist/a-tiny-book.epub") \
        < out.index("wrote dist/a-tiny-book.txt")
