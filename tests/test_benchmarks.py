"""The benchmark tools: a deterministic generator whose books pass `check`, and the runner's parts.

Fast on purpose — nothing here lays out a PDF with WeasyPrint — and no timing is asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, run_cli

BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

from generate import CHINESE, generate  # noqa: E402
from report import Row, Run, table  # noqa: E402
from run import edit_chapter  # noqa: E402


def chapter_texts(book) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((book / "chapters").glob("*.md"))}


def check_is_clean(book) -> None:
    result = run_cli("check", "--strict", "--book", str(book))
    assert result.code == 0, result.err
    assert "warning[" not in result.err and "error[" not in result.err, result.err


def test_generator_is_deterministic_and_its_book_passes_check(tmp_path):
    book = generate(tmp_path / "book", chapters=2, words=300)
    again = generate(tmp_path / "again", chapters=2, words=300)
    sources = sorted((book / "chapters").glob("*.md")) + [book / "bibliography.bib", book / "book.yaml"]
    for path in sources:
        assert path.read_bytes() == (again / path.relative_to(book)).read_bytes(), f"{path.name} differs"
    texts = list(chapter_texts(book).values())
    assert len(texts) == 2
    for text in texts:
        assert "[@" in text and "[^1]:" in text and "| Year |" in text
        assert any(zh in text for zh in CHINESE)
    check_is_clean(book)


def test_an_edit_lengthens_one_chapter_and_keeps_the_book_valid(tmp_path):
    book = generate(tmp_path / "book", chapters=3, words=300)
    before = chapter_texts(book)
    edit_chapter(book, 1)
    edit_chapter(book, 2)
    after = chapter_texts(book)
    assert [name for name in before if before[name] != after[name]] == ["02-chapter.md"]
    text = after["02-chapter.md"]
    assert text.index("sentence number 1") < text.index("sentence number 2") < text.index("\n[^1]:")
    check_is_clean(book)


def test_measure_passes_the_exit_code_on_and_reports_memory(tmp_path):
    result = tmp_path / "m.json"
    hold = "import time; block = b'x' * (64 * 2**20); time.sleep(1)"
    code = subprocess.call([sys.executable, str(BENCH / "measure.py"), str(result), "--", sys.executable, "-c", hold])
    data = json.loads(result.read_text())
    assert code == data["code"] == 0
    assert data["maxrss_mib"] >= 64 and data["pss_mib"] >= 64

    code = subprocess.call([sys.executable, str(BENCH / "measure.py"), str(result), "--",
                            sys.executable, "-c", "raise SystemExit(3)"])
    assert code == json.loads(result.read_text())["code"] == 3


def test_table_gives_ratios_to_cold_and_to_the_plain_pipeline():
    rows = {"pdf": Row(cold=[Run(10, 300, 500, 0)], noop=[Run(1, 200, 250, 0)], edit=[Run(2.5, 310, 520, 1)],
                       pages=58),
            "epub": Row(cold=[Run(12, 320, 540, 0)], noop=[Run(3, 210, 260, 0)], edit=[Run(6, 330, 560, 0)]),
            "plain": Row(cold=[Run(8, 180, 180, 0)], pages=51)}
    lines = table({50: (12_000, rows)}).splitlines()
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    assert len(cells[0]) == lines[0].count("|") - 1
    assert cells[0] == ["~50", "12,000", "bookkit pdf", "58", "10.00", "1.00", "2.50", "10 %", "25 %", "1.25×",
                        "5.8", "310", "520", "1"]
    assert cells[1][2:4] == ["bookkit epub", "58"] and cells[1][9] == "—"
    assert cells[2][2:10] == ["plain: pandoc → WeasyPrint", "51", "8.00", "—", "—", "—", "—", "1.00×"]


def _bench(script: str, *args: str) -> subprocess.CompletedProcess:
    """One benchmarks/ script run as a user runs it, its output captured."""
    return subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=300)


def test_runner_rejects_unknown_sizes_and_runs_the_typst_reference(tmp_path):
    bad = _bench("run.py", "--sizes", "60")
    assert bad.returncode == 2 and "unknown size" in bad.stderr

    ran = _bench("run.py", "--sizes", "50", "--pipelines", "typst", "--work", str(tmp_path))
    assert ran.returncode == 0, ran.stderr
    row = next(line for line in ran.stdout.splitlines() if "pandoc → Typst" in line)
    assert 40 <= int(row.split("|")[4]) <= 70, row
    assert (tmp_path / "typst.pdf").is_file() and (tmp_path / "run.log").is_file()


def test_watch_latency_runner_times_an_edit_to_the_pdf(tmp_path):
    """benchmarks/watch.py drives a real `watch`: one edit, timed to the preview and to the PDF."""
    bad = _bench("watch.py", "--sizes", "60")
    assert bad.returncode == 2 and "--sizes" in bad.stderr

    ran = _bench("watch.py", "--sizes", "50", "--edits", "1", "--work", str(tmp_path))
    assert ran.returncode == 0, ran.stderr
    cells = [c.strip() for c in ran.stdout.splitlines()[-1].strip("|").split("|")]
    assert cells[:2] == ["~50", "1"], ran.stdout
    preview, pdf = float(cells[2]), float(cells[3])
    assert 0 < preview < pdf < 60, ran.stdout
    middle = tmp_path / "book-50" / "chapters" / "03-chapter.md"  # the edit went into the middle chapter
    assert "sentence number 1000" in middle.read_text(encoding="utf-8")
