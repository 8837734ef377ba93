"""The book's own invariants: five chapters of the right length, sources all cited,
citations all resolving, and prose that does not copy its sources."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

SEEDS = ROOT.parent / "shared" / "seeds"
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))


def prose_words(text: str) -> int:
    text = re.sub(r"\[@[^\]]*\]|\[\^[^\]]*\]", " ", text)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return len(text.split())


def numbered_chapters() -> list[Path]:
    return [p for p in CHAPTERS
            if not re.search(r"\{[^}]*\.(unnumbered|appendix)", p.read_text(encoding="utf-8").splitlines()[0])]


def test_five_numbered_chapters_each_1500_to_3000_words():
    chapters = numbered_chapters()
    assert len(chapters) == 5
    counts = {p.name: prose_words(p.read_text(encoding="utf-8")) for p in chapters}
    for name, words in counts.items():
        assert 1500 <= words <= 3000, f"{name}: {words} words"
    assert sum(counts.values()) >= 9000


def test_check_is_clean_under_strict():
    """Every key resolves, every entry is cited, no warning of any kind."""
    result = run_cli("check", "--strict", "--book", str(ROOT))
    assert result.code == 0, result.err
    assert "warning[" not in result.err and "error[" not in result.err


def test_every_paragraph_with_a_figure_or_year_carries_a_citation():
    """A paragraph stating a dated or numeric fact must cite its source (or sit in a cited note)."""
    missing = []
    for path in numbered_chapters():
        text = path.read_text(encoding="utf-8")
        cited_notes = {m.group(1) for m in re.finditer(r"^\[\^([^\]]+)\]:(.*)$", text, re.M) if "[@" in m.group(2)}
        for block in re.split(r"\n\s*\n", text):
            if block.startswith(("#", ":::", "[^")):
                continue
            notes = set(re.findall(r"\[\^([^\]]+)\]", block))
            cited = "[@" in block or notes & cited_notes
            if re.search(r"\b(19|20)\d\d\b|\d+(\.\d+)? ?(percent|billion|million)", block) and not cited:
                missing.append(f"{path.name}: {block[:70]}…")
    assert not missing, "\n".join(missing)


def _words(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    return re.findall(r"[a-z0-9']+", text)


def _unquoted(text: str) -> str:
    text = re.sub(r"“[^”]*”", " | ", text)          # quotations are allowed to match
    text = re.sub(r"\[@[^\]]*\]|\[\^[^\]]*\]", " | ", text)
    return text


def require_seeds() -> None:
    """The source articles live beside the checkout, not in it. CI always has them, so there a missing
    folder is a broken setup and fails; on a developer's machine without them the test skips, saying why."""
    if SEEDS.is_dir() and any(SEEDS.glob("*.txt")):
        return
    reason = f"no source articles (*.txt) in {SEEDS}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so they are required)")
    pytest.skip(reason)


def test_no_run_of_twelve_words_is_copied_from_a_source():
    require_seeds()
    n = 12
    seed_grams = set()
    for seed in SEEDS.glob("*.txt"):
        words = _words(seed.read_text(encoding="utf-8"))
        seed_grams |= {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    hits = []
    for path in CHAPTERS:
        for segment in _unquoted(path.read_text(encoding="utf-8")).split("|"):
            words = _words(segment)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) in seed_grams:
                    hits.append(f"{path.name}: {' '.join(words[i:i + n])}")
    assert not hits, "\n".join(hits)


def test_timeline_events_cite_known_sources():
    import yaml

    data = yaml.safe_load((ROOT / "data" / "timeline.yaml").read_text(encoding="utf-8"))
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "bibliography.bib").read_text(encoding="utf-8")))
    for event in data["events"]:
        sources = event["source"] if isinstance(event["source"], list) else [event["source"]]
        assert sources and set(sources) <= keys, event
