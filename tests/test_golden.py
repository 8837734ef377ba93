"""Golden fixtures: a few fixture books' EPUB text files and `check` output, kept as expected files.

The EPUB is byte-reproducible (test_reproducible.py), so its XHTML and OPF are compared whole:
any change to what a reader or a validator gets shows as a diff to review, not only the
properties other tests assert. `tests/golden/<book>/` holds `check.txt` (exit code, stdout and
stderr of `bookkit check`) and `epub/`, the EPUB's .xhtml and .opf files at their paths inside
the zip. After a change that is meant, `pytest tests/test_golden.py --regen-golden` rewrites
them (and removes files the build no longer makes); review `git diff tests/golden/`.
"""

from __future__ import annotations

import difflib
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import Run, copy_book, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"
#: a cookbook (images, one check warning), front and back matter, math and code, cross-references
CASES = ("cookbook", "matter", "technical", "thesis")
CHECK_FILE = "check.txt"
EPUB_DIR = "epub"
KEPT = (".xhtml", ".opf")  # the EPUB's text files; fonts, images and the packaged CSS are not golden
MAX_DIFF_LINES = 80
MAX_LINE = 240


def _env() -> dict[str, str]:
    """The test's environment without SOURCE_DATE_EPOCH: the dates come from each book.yaml."""
    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def check_text(run: Run, book: Path) -> str:
    """What `check` said, as kept in check.txt (the book's folder, if it ever shows, as BOOK)."""
    text = f"exit code {run.code}\n--- stdout\n{run.out}--- stderr\n{run.err}"
    return text.replace(str(book), "BOOK")


def epub_texts(epub: Path) -> dict[str, str]:
    """The EPUB's kept files, keyed `epub/<path inside the zip>`."""
    with zipfile.ZipFile(epub) as z:
        return {f"{EPUB_DIR}/{name}": z.read(name).decode("utf-8") for name in z.namelist() if name.endswith(KEPT)}


def read_golden(folder: Path, under: str) -> dict[str, str]:
    """The expected files under `folder/under` (a file or a folder), keyed by their path in `folder`."""
    base = folder / under
    paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes().decode("utf-8") for p in paths}


def write_golden(folder: Path, under: str, files: dict[str, str]) -> None:
    """Replace `folder/under` by `files`, so that a file the build no longer makes goes too."""
    base = folder / under
    if base.is_dir():
        shutil.rmtree(base)
    elif base.exists():
        base.unlink()
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def differences(where: str, expected: dict[str, str], actual: dict[str, str],
                limit: int = MAX_DIFF_LINES) -> str:
    """Missing, unexpected and changed files, the changes as unified diffs; at most `limit` lines."""
    lines = [f"missing from the build: {where}/{name}" for name in sorted(expected.keys() - actual.keys())]
    lines += [f"not in {where}/ (new output): {name}" for name in sorted(actual.keys() - expected.keys())]
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            lines += difflib.unified_diff(expected[name].splitlines(), actual[name].splitlines(),
                                          f"{where}/{name}", f"built {name}", lineterm="")
    shown = [line if len(line) <= MAX_LINE else line[:MAX_LINE] + "…" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"… {len(lines) - limit} more lines: rerun with --regen-golden and read git diff {where}/")
    return "\n".join(shown)


def _compare_or_regenerate(request, case: str, under: str, actual: dict[str, str]) -> None:
    folder = GOLDEN / case
    if request.config.getoption("--regen-golden"):
        write_golden(folder, under, actual)
        pytest.skip(f"regenerated tests/golden/{case}/{under}")
    problems = differences(f"tests/golden/{case}", read_golden(folder, under), actual)
    if problems:  # the diff alone, without pytest's repr of the same text
        pytest.fail(f"{case}: the build differs from tests/golden/{case}/ (if the change is meant, "
                    f"rerun with --regen-golden and review git diff):\n{problems}", pytrace=False)


@pytest.mark.parametrize("case", CASES)
def test_check_output_matches_the_golden_file(case, tmp_path, request):
    book = copy_book(case, tmp_path)
    checked = run_cli("check", "--book", str(book), env=_env())
    _compare_or_regenerate(request, case, CHECK_FILE, {CHECK_FILE: check_text(checked, book)})


@pytest.mark.parametrize("case", CASES)
def test_epub_text_files_match_the_golden_files(case, tmp_path, request):
    book = copy_book(case, tmp_path)
    built = run_cli("epub", "--book", str(book), env=_env())
    assert built.code == 0, built.err
    (epub,) = (book / "dist").glob("*.epub")
    actual = epub_texts(epub)
    assert any(name.endswith(".opf") for name in actual) and any(name.endswith(".xhtml") for name in actual)
    _compare_or_regenerate(request, case, EPUB_DIR, actual)


def test_every_golden_file_belongs_to_a_golden_case():
    """Each case has its files, and nothing else lies in tests/golden/: a file no test compares
    (a case dropped from CASES, a stray file) fails here; an EPUB file the build no longer makes
    fails its case's EPUB test."""
    stray = []
    for path in sorted(p for p in GOLDEN.rglob("*") if p.is_file()):
        parts = path.relative_to(GOLDEN).parts
        used = (parts[0] in CASES and (parts[1:] == (CHECK_FILE,)
                                       or (len(parts) > 2 and parts[1] == EPUB_DIR and path.name.endswith(KEPT))))
        if not used:
            stray.append(path.relative_to(GOLDEN).as_posix())
    assert not stray, f"files under tests/golden/ that no golden test compares: {stray}"
    for case in CASES:
        assert (GOLDEN / case / CHECK_FILE).is_file(), f"tests/golden/{case}/{CHECK_FILE} is missing"
        assert read_golden(GOLDEN / case, EPUB_DIR), f"tests/golden/{case}/{EPUB_DIR}/ is missing"


def test_differences_show_each_kind_of_change_and_stop_at_the_limit():
    expected = {"epub/a.xhtml": "one\ntwo\nthree\n", "epub/gone.xhtml": "x\n", "check.txt": "same\n"}
    actual = {"epub/a.xhtml": "one\n2\nthree\n", "epub/new.opf": "y\n", "check.txt": "same\n"}
    text = differences("tests/golden/b", expected, actual)
    assert "missing from the build: tests/golden/b/epub/gone.xhtml" in text
    assert "not in tests/golden/b/ (new output): epub/new.opf" in text
    assert "--- tests/golden/b/epub/a.xhtml\n+++ built epub/a.xhtml" in text
    assert "\n-two\n+2\n" in text and "check.txt" not in text
    assert differences("tests/golden/b", expected, dict(expected)) == ""
    long = differences("g", {"f": "a\n" * 500}, {"f": "b\n" * 500}, limit=10).splitlines()
    assert len(long) == 11 and long[-1].startswith("… 993 more lines")
    wide = differences("g", {"f": "a" * 1000}, {"f": "b" * 1000})
    assert max(len(line) for line in wide.splitlines()) == MAX_LINE + 1


def test_regenerating_replaces_the_old_files(tmp_path):
    write_golden(tmp_path, EPUB_DIR, {"epub/EPUB/old.xhtml": "old\n", "epub/EPUB/kept.opf": "v1\n"})
    write_golden(tmp_path, CHECK_FILE, {CHECK_FILE: "exit code 0\n"})
    write_golden(tmp_path, EPUB_DIR, {"epub/EPUB/kept.opf": "v2\n", "epub/EPUB/text/new.xhtml": "ü\n"})
    assert read_golden(tmp_path, EPUB_DIR) == {"epub/EPUB/kept.opf": "v2\n", "epub/EPUB/text/new.xhtml": "ü\n"}
    assert read_golden(tmp_path, CHECK_FILE) == {CHECK_FILE: "exit code 0\n"}
