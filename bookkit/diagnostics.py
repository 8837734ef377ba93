"""User-facing problems: one type for everything an author can get wrong.

Every stage reports problems as :class:`Diagnostic` values carrying a path relative
to the book, a line (and column where known), a stable code and a message. Only the
CLI turns them into text and an exit code, so library code never prints or exits.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

ERROR = "error"
WARNING = "warning"

#: Stable codes. Tests and editors rely on them; never renumber, only add.
CODES: dict[str, str] = {
    # citations and bibliography
    "C001": "unknown citation key",
    "C002": "bibliography entry never cited",
    "B001": "malformed BibTeX entry",
    "B002": "duplicate BibTeX key",
    "B003": "BibTeX entry lacks a field the citation style needs",
    "B004": "bibliography file missing or unreadable",
    # notes
    "N001": "note reference without a definition",
    "N002": "note defined but never referenced",
    "N003": "note defined twice",
    # images, links, resources
    "L001": "image file not found",
    "L002": "image without alternative text",
    "L003": "internal link to an id that does not exist",
    "L004": "reference to a resource outside the book directory",
    "L005": "remote resource refused",
    "L006": "file is not a usable image",
    "L007": "file named by a book stylesheet is not carried into the EPUB",
    "L008": "stylesheet is not UTF-8 text",
    # the back-of-book index (issue 16)
    "I001": "index see / see-also names a term nothing indexes",
    "I002": "index terms that differ only in case, accents or a plural",
    # structure
    "S001": "chapter has no level-1 title",
    "S002": "heading level skips",
    "S003": "chapter file listed in book.yaml does not exist",
    "S004": "chapter is empty",
    "S005": "no chapter files found",
    "S006": "chapter file is not valid UTF-8 text",
    "S007": "unsafe raw HTML removed",
    "S008": "chapter too large or nested too deeply",
    # raw HTML and characters the outputs cannot carry
    "H001": "raw HTML that is not well-formed, repaired",
    "H002": "control character removed",
    # configuration
    "Y001": "book.yaml is not valid YAML",
    "Y002": "unknown key in book.yaml",
    "Y003": "bad value in book.yaml",
    "Y004": "required key missing from book.yaml",
    # data files and figures
    "D001": "data file is missing or invalid",
    # templates
    "T001": "template tried to reach Python internals",
    "T002": "template syntax error",
    "T003": "template failed while rendering",
    # rendering
    "R001": "footnote moved to a later page than its call",
    "R002": "character without a glyph in any font",
    "R003": "pandoc reported a problem",
    "R004": "renderer reported a problem",
    "R005": "a change bookkit makes to WeasyPrint's layout is off (WeasyPrint's code differs)",
    "R006": "a font bookkit did not ship reached the PDF (the machine's font)",
    "R008": "characters the italic face lacks, set in the roman face slanted by hand",
    # math (issue 15)
    "M001": "formula the math converter cannot typeset (shown as its TeX)",
    # front and back matter (issue 16)
    "P001": "front-matter role after the first chapter, or back-matter role before it",
    "P002": "PDF figure that cannot be converted to an image",
    # numbered cross-references (issue 15)
    "X001": "unknown cross-reference label",
    "X002": "cross-reference label that is also a bibliography key",
    "X003": "cross-reference label defined twice",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in the book's sources."""

    path: str
    line: int | None
    column: int | None
    severity: str
    code: str
    message: str

    def format(self) -> str:
        where = self.path or "book"
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.severity}[{self.code}]: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def error(path: str, line: int | None, code: str, message: str, column: int | None = None) -> Diagnostic:
    return Diagnostic(path, line, column, ERROR, code, message)


def warning(path: str, line: int | None, code: str, message: str, column: int | None = None) -> Diagnostic:
    return Diagnostic(path, line, column, WARNING, code, message)


class BookError(Exception):
    """The book cannot be built; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(set(diagnostics), key=_order)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


@dataclass
class Report:
    """Collects diagnostics across stages so one run reports all of them."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        if diag not in self.items:
            self.items.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.add(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=_order)

    def raise_if_errors(self) -> None:
        """Stop on any error, with every problem found so far (warnings too): a build that fails
        says what `check` says."""
        if self.errors:
            raise BookError(self.items)


def _order(d: Diagnostic):
    return (d.path, d.line or 0, d.column or 0, d.code, d.message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
