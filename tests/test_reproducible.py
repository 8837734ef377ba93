"""Nothing is lost and the same sources give the same bytes.

A build killed with SIGKILL while laying out leaves the previous PDF untouched and
no debris; two builds of one book at once both succeed with the same result; two
builds in different folders, at different times, without SOURCE_DATE_EPOCH, give
byte-identical PDFs and EPUBs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import BOOKS, ROOT, run_cli

PDF = "a-tiny-book.pdf"
EPUB = "a-tiny-book.epub"


def env_without_epoch() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def debris(book: Path) -> list[Path]:
    return [p for p in book.rglob("*") if p.name.endswith(".tmp")]


def with_isbn(book: Path) -> Path:
    with open(book / "book.yaml", "a", encoding="utf-8") as fh:
        fh.write('isbn:\n  ebook: "9780306406157"\n')
    return book


def test_same_sources_give_the_same_bytes_in_another_folder_on_another_second(tmp_path):
    outputs = []
    for name in ("first", "second/deeper"):
        book = with_isbn(Path(shutil.copytree(BOOKS / "tiny", tmp_path / name)))
        result = run_cli("all", "--book", str(book), env=env_without_epoch())
        assert result.code == 0, result.err
        outputs.append(((book / "dist" / PDF).read_bytes(), (book / "dist" / EPUB).read_bytes()))
        time.sleep(1.1)  # a clock-based timestamp would now differ
    (pdf_a, epub_a), (pdf_b, epub_b) = outputs
    assert pdf_a == pdf_b
    assert epub_a == epub_b


def test_a_build_killed_while_laying_out_loses_nothing(book_copy):
    book = book_copy("tiny")
    assert run_cli("pdf", "--book", str(book)).code == 0
    before = (book / "dist" / PDF).read_bytes()
    chapter = book / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added after the first build.\n",
                       encoding="utf-8")

    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "pdf", "--book", str(book)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_without_epoch())
    seen = b""
    while b"Laying out" not in seen:
        line = proc.stdout.readline()
        assert line, "the build ended before it started laying out: " + proc.stderr.read().decode()
        seen += line
    time.sleep(0.3)  # well inside WeasyPrint's layout, which takes seconds
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    assert (book / "dist" / PDF).read_bytes() == before
    assert debris(book) == []
    assert run_cli("pdf", "--book", str(book)).code == 0
    after_kill = (book / "dist" / PDF).read_bytes()
    assert after_kill != before
    assert run_cli("clean", "--book", str(book)).code == 0
    assert run_cli("pdf", "--book", str(book)).code == 0
    assert (book / "dist" / PDF).read_bytes() == after_kill


def test_two_builds_of_one_book_at_once_do_not_corrupt_each_other(book_copy):
    book = with_isbn(book_copy("tiny"))
    procs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "all", "--book", str(book), "-q"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.communicate()) for p in procs]
    for code, (_, err) in results:
        assert code == 0, err
        assert "warning[" not in err
    pdf, epub = (book / "dist" / PDF).read_bytes(), (book / "dist" / EPUB).read_bytes()
    assert debris(book) == []
    assert sorted(p.name for p in (book / "dist").iterdir()) == [EPUB, PDF]  # no lock file left behind
    assert run_cli("clean", "--book", str(book)).code == 0
    assert run_cli("all", "--book", str(book), "-q").code == 0
    assert (book / "dist" / PDF).read_bytes() == pdf
    assert (book / "dist" / EPUB).read_bytes() == epub


def test_a_build_waits_while_another_holds_the_output_folder(book_copy):
    """The lock is a flock on the output folder itself: a build that finds it taken waits, writes nothing."""
    from bookkit.outputs import build_lock

    book = book_copy("tiny")
    out = book / "dist"
    with build_lock(out):
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "pdf", "--book", str(book), "-q"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            with open(f"/proc/{proc.pid}/wchan", encoding="ascii") as fh:
                if "lock" in fh.read():  # blocked in flock (locks_lock_inode_wait on Linux)
                    break
            time.sleep(0.2)
        assert proc.poll() is None, "the build did not wait for the lock: " + proc.communicate()[1]
        time.sleep(1)
        assert not (out / PDF).exists()
    code = proc.wait(timeout=600)
    assert code == 0, proc.communicate()[1]
    assert sorted(p.name for p in out.iterdir()) == [PDF]
