"""The table of codes (`bookkit.codes.CODES`) is the only place a code's severity and meaning live.

`check --list-codes` and README's table are printed from it; every diagnostic is made by
`diagnostic()`, which reads the severity from it; diagnostics have one order.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bookkit.codes import codes_markdown, with_codes_table
from bookkit.diagnostics import (
    BUILD,
    CODES,
    ERROR,
    WARNING,
    BookError,
    Diagnostic,
    Lint,
    Report,
    diagnostic,
    sorted_diagnostics,
)
from conftest import ROOT, run_cli

PACKAGE = ROOT / "bookkit"


def _sources() -> list[Path]:
    """Every module but the table (codes.py) and the constructor's own (diagnostics.py)."""
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if p.name not in ("diagnostics.py", "codes.py") or p.parent != PACKAGE]


def test_list_codes_prints_every_code_with_its_severity_in_the_tables_order(tmp_path):
    result = run_cli("check", "--list-codes", cwd=tmp_path)  # no book needed
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split()[:2] for line in lines] == [[c.code, c.severity] for c in CODES.values()]
    assert lines[0].startswith("C001  error    check         unknown citation key")
    assert all(line.endswith(c.description) for line, c in zip(lines, CODES.values(), strict=True))


def test_readme_table_is_the_table():
    """Regenerate with `python -m bookkit.codes --readme README.md`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_codes_table(readme) == readme, "README's codes table differs from CODES; regenerate it"
    assert codes_markdown() in readme


def test_the_regenerated_readme_table_replaces_a_stale_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("| C002 | warning | check | bibliography entry never cited |\n", "")
    assert stale != readme and with_codes_table(stale) == readme


def test_every_code_has_one_severity_and_a_description():
    for code, entry in CODES.items():
        assert re.fullmatch(r"[A-Z]\d{3}", code) and entry.code == code
        assert entry.severity in (ERROR, WARNING) and entry.description and "\n" not in entry.description


def test_diagnostic_takes_its_severity_from_the_table():
    assert diagnostic("chapters/a.md", 3, "L002", "image has no alt text").severity == WARNING
    assert diagnostic("chapters/a.md", 3, "D002", "timeline block needs alt text").severity == ERROR
    with pytest.raises(KeyError):
        diagnostic("chapters/a.md", 3, "Z999", "no such code")


def _calls(tree: ast.AST, names: set[str]) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id in names]


def test_no_call_site_builds_a_diagnostic_or_chooses_its_severity():
    """Only `diagnostic()` makes one (and `replace`/`as_error`/`as_warning` change one): never
    `Diagnostic(...)` by field position, never an `error(...)` or `warning(...)` helper."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("diagnostics"):
                found += [f"{path}: imports {a.name}" for a in node.names if a.name in ("error", "warning")]
        found += [f"{path}:{line}: Diagnostic(...)" for line in _calls(tree, {"Diagnostic"})]
    assert found == []


def test_every_code_the_sources_name_is_in_the_table_and_every_table_code_is_raised():
    named = set()
    for path in _sources():
        named |= set(re.findall(r"""["']([A-Z]\d{3})["']""", path.read_text(encoding="utf-8")))
    assert named - set(CODES) == set()
    assert set(CODES) - named == {"Y007"}  # raised by the table's own Report (UNUSED_IGNORE)


def test_layout_only_codes_come_from_the_table():
    from bookkit.check import LAYOUT_ONLY

    assert LAYOUT_ONLY == {c.code for c in CODES.values() if c.found_by == BUILD}
    assert {"R001", "R005", "R006"} <= LAYOUT_ONLY


def test_one_order_everywhere():
    diags = [diagnostic("b.md", 2, "S002", "skip"), diagnostic("a.md", None, "S004", "empty"),
             diagnostic("a.md", 3, "L002", "alt", 7), diagnostic("a.md", 3, "L002", "alt", 2),
             diagnostic("a.md", 3, "L002", "alt", 2)]
    expected = [diags[1], diags[3], diags[2], diags[0]]
    assert sorted_diagnostics(diags) == expected
    assert BookError(diags).diagnostics == expected
    report = Report()
    report.extend(diags)
    assert report.sorted() == expected


def test_a_diagnostic_survives_the_cache_by_name_not_position():
    d = diagnostic("a.md", 3, "R003", "pandoc said so", 4)
    assert Diagnostic.from_json(d.to_json()) == d
    assert d.to_json()["code"] == "R003" and d.to_json()["severity"] == WARNING


def test_report_settle_applies_the_lint_and_raises_with_everything_so_far():
    report = Report(lint=Lint(error=frozenset({"R001"})))
    report.add(diagnostic("a.md", 1, "L002", "earlier warning"))
    kept = report.settle([diagnostic("book", None, "R004", "a layout warning")])
    assert [d.code for d in kept] == ["R004"] and len(report.items) == 1  # settle keeps its report as it was
    with pytest.raises(BookError) as stopped:
        report.settle([diagnostic("a.md", 5, "R001", "note moved")])
    assert [d.format() for d in stopped.value.diagnostics] == ["a.md:1: warning[L002]: earlier warning",
                                                               "a.md:5: error[R001]: note moved"]
