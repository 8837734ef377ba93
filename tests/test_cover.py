"""Covers: full-wrap geometry from the interior page count, and the e-book cover image."""

from __future__ import annotations

import zipfile

import pytest

from conftest import built_copy, run_cli


@pytest.fixture(scope="module")
def tiny_cover(tmp_path_factory):
    book, result = built_copy(tmp_path_factory.mktemp("cover"), "tiny", "cover")
    assert "warning[" not in result.err
    return book, result


def test_wrap_is_back_spine_front_with_bleed(tiny_cover):
    import pikepdf

    book, result = tiny_cover
    with pikepdf.open(book / "dist" / "a-tiny-book-cover.pdf") as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        width, height = float(page.mediabox[2]) / 72, float(page.mediabox[3]) / 72
        trim = [float(v) / 72 for v in page.obj["/TrimBox"]]
    assert run_cli("pdf", "--book", str(book)).code == 0
    with pikepdf.open(book / "dist" / "a-tiny-book.pdf") as interior:
        pages = len(interior.pages)
    spine = pages * 0.002252  # white paper by default
    assert width == pytest.approx(2 * 6 + spine + 2 * 0.125, abs=0.01)
    assert height == pytest.approx(9 + 2 * 0.125, abs=0.01)
    assert trim == pytest.approx([0.125, 0.125, width - 0.125, height - 0.125], abs=0.01)
    assert f"{pages} pages" in result.out and "too thin for spine text" in result.out


def test_front_and_back_carry_title_and_description(tiny_cover):
    from conftest import pdf_page_texts

    book, _ = tiny_cover
    text = " ".join(pdf_page_texts(book / "dist" / "a-tiny-book-cover.pdf")[0].split())
    assert "A Tiny Book" in text and "Two Chapters and Their Notes" in text
    assert "TestAuthor" in text.replace(" ", "")  # letter-spaced small capitals
    assert "A two-chapter fixture whose chapters both use" in text


def test_ebook_cover_image_is_large_enough_and_in_the_epub(tiny_cover):
    from PIL import Image

    book, _ = tiny_cover
    with Image.open(book / "dist" / "a-tiny-book-cover.jpg") as image:
        assert image.size[0] >= 1600 and image.size[1] >= 2560
    assert run_cli("epub", "--book", str(book)).code == 0
    with zipfile.ZipFile(book / "dist" / "a-tiny-book.epub") as z:
        opf = next(z.read(n).decode() for n in z.namelist() if n.endswith(".opf"))
        nav = next(z.read(n).decode() for n in z.namelist() if n.endswith("nav.xhtml"))
    assert 'properties="cover-image"' in opf and 'media-type="image/jpeg"' in opf
    assert 'epub:type="cover"' in nav


def test_two_cover_builds_are_byte_identical(tmp_path):
    """`cover` pins SOURCE_DATE_EPOCH as the other builds do: a second build, elsewhere, a second
    later and without the cache, writes the same bytes (font subsets carry a timestamp otherwise)."""
    import shutil
    import time

    from conftest import BOOKS

    first, second = tmp_path / "a" / "tiny", tmp_path / "b" / "elsewhere"
    shutil.copytree(BOOKS / "tiny", first, ignore=shutil.ignore_patterns("dist", ".cache"))
    shutil.copytree(BOOKS / "tiny", second, ignore=shutil.ignore_patterns("dist", ".cache"))
    assert run_cli("cover", "--book", str(first)).code == 0
    time.sleep(1.1)
    assert run_cli("cover", "--book", str(second), "--no-cache").code == 0
    for name in ("a-tiny-book-cover.pdf", "a-tiny-book-cover.jpg"):
        assert (first / "dist" / name).read_bytes() == (second / "dist" / name).read_bytes(), name


def test_cover_builds_under_the_book_lock(book_copy):
    """Like `pdf`, `cover` takes the output folder's build lock, under which a killed build's
    temporary files are cleared, and waits while another build holds it."""
    import fcntl
    import os
    import subprocess
    import sys
    import time

    from conftest import ROOT

    book = book_copy("tiny")
    dist = book / "dist"
    dist.mkdir()
    debris = dist / ".a-tiny-book-cover.pdf.killed.tmp"
    debris.write_bytes(b"half a cover")
    lock = os.open(dist, os.O_RDONLY | os.O_DIRECTORY)  # the folder's lock, as another build holds it
    fcntl.flock(lock, fcntl.LOCK_EX)
    cover = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "cover", "--book", str(book)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while "Drawing the cover" not in (line := cover.stdout.readline()) and time.monotonic() < deadline:
            assert line, "cover ended before drawing: " + cover.stderr.read()
        time.sleep(2)
        assert cover.poll() is None and debris.exists()  # waiting for the lock
        assert not (dist / "a-tiny-book-cover.pdf").exists()
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    out, err = cover.communicate(timeout=300)
    assert cover.returncode == 0, err
    assert not debris.exists() and (dist / "a-tiny-book-cover.pdf").is_file()
