"""Shared helpers: run the real CLI on a copy of a fixture book."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOKS = Path(__file__).resolve().parent / "books"


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/golden/ from what the build makes now (test_golden.py), then review git diff")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 600) -> Run:
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def copy_book(name: str, folder: Path) -> Path:
    """Copy fixture book `name` (without any build output left in it) into `folder`."""
    target = folder / name
    shutil.copytree(BOOKS / name, target, ignore=shutil.ignore_patterns("dist", ".cache"))
    return target


def built_copy(folder: Path, name: str, command: str) -> tuple[Path, Run]:
    """A copy of fixture book `name` after `build.py COMMAND` succeeded on it."""
    book = copy_book(name, folder)
    result = run_cli(command, "--book", str(book))
    assert result.code == 0, result.err
    return book, result


@pytest.fixture(scope="session")
def built_once(tmp_path_factory):
    """A fixture book built once a session, for test files that only read its outputs:
    built_once("matter", "all", "--strict") -> the book folder."""
    built: dict[tuple[str, ...], Path] = {}

    def build(name: str, *args: str) -> Path:
        if (name, *args) not in built:
            book = copy_book(name, tmp_path_factory.mktemp(name))
            result = run_cli(*args, "--book", str(book))
            assert result.code == 0, result.err
            built[(name, *args)] = book
        return built[(name, *args)]

    return build


@pytest.fixture
def book_copy(tmp_path):
    """Copy a fixture book into a temporary folder (a function: book_copy("tiny"))."""
    return lambda name: copy_book(name, tmp_path)


def pdf_page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()
