"""User-facing problems: one type for everything an author can get wrong.

Every stage reports problems as :class:`Diagnostic` values carrying a path relative
to the book, a line (and column where known), a stable code and a message. Only the
CLI turns them into text and an exit code, so library code never prints or exits.

`CODES` is the one table of what each code means and how severe it is; `diagnostic()`
is the one way to make a Diagnostic, so a code has the same severity wherever it is
raised. A book may silence or escalate warning codes (`lint:` in book.yaml, `Lint`);
`--strict` (every warning fails the run) and `--draft` (C001 and X001 as warnings)
are the only other changes of severity. The table itself is in `codes.py`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .codes import BUILD, CHECK, CODES, ERROR, UNUSED_IGNORE, WARNING, Code, codes_listing

#: The table's names are re-exported: most modules need a code and a Diagnostic together.
__all__ = ["BUILD", "CHECK", "CODES", "ERROR", "UNUSED_IGNORE", "WARNING", "BookError", "Code", "Diagnostic", "Ignore",
           "Lint", "Report", "UsageError", "codes_listing", "diagnostic", "did_you_mean", "sorted_diagnostics"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located in the book's sources. Made by `diagnostic()`, never by hand."""

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

    def sort_key(self) -> tuple:
        """The one order of diagnostics: by file, line, column, code, message."""
        return self.path, self.line or 0, self.column or 0, self.code, self.message

    def as_error(self) -> Diagnostic:
        """This warning as an error: `--strict` for Y002, or the book's `lint: error:`."""
        return replace(self, severity=ERROR)

    def as_warning(self) -> Diagnostic:
        """This error as a warning: `--draft` for C001 and X001."""
        return replace(self, severity=WARNING)

    def to_json(self) -> dict:
        """For the cache; `from_json` reads it back."""
        return {"path": self.path, "line": self.line, "column": self.column, "code": self.code,
                "message": self.message, "severity": self.severity}

    @classmethod
    def from_json(cls, data: dict) -> Diagnostic:
        return cls(path=data["path"], line=data["line"], column=data["column"], severity=data["severity"],
                   code=data["code"], message=data["message"])


def diagnostic(path: str, line: int | None, code: str, message: str, column: int | None = None) -> Diagnostic:
    """A problem at `path:line:column`, with the severity `CODES` gives `code`."""
    return Diagnostic(path, line, column, CODES[code].severity, code, message)


def sorted_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once, in the one order (`Diagnostic.sort_key`)."""
    return sorted(set(diags), key=Diagnostic.sort_key)


class BookError(Exception):
    """The book cannot be built; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted_diagnostics(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


# ---- book.yaml's `lint:` ------------------------------------------------------------------


@dataclass(frozen=True)
class Ignore:
    """One `lint: ignore:` entry: a warning code, everywhere or only in one file or folder of the book."""

    code: str
    path: str = ""

    def matches(self, diag: Diagnostic) -> bool:
        return diag.code == self.code and (not self.path or diag.path == self.path
                                           or diag.path.startswith(self.path + "/"))

    def __str__(self) -> str:
        return f"{self.code}: {self.path}" if self.path else self.code


@dataclass(frozen=True)
class Lint:
    """A book's own severities (book.yaml `lint:`): warning codes it silences, and ones it makes errors.

    Only warnings can be silenced or escalated (book.yaml's parser refuses an error code).
    """

    ignore: tuple[Ignore, ...] = ()
    error: frozenset[str] = frozenset()

    def __str__(self) -> str:
        parts = []
        if self.ignore:
            parts.append("ignore: [" + ", ".join(str(i) for i in self.ignore) + "]")
        if self.error:
            parts.append("error: [" + ", ".join(sorted(self.error)) + "]")
        return "{" + ", ".join(parts) + "}"


@dataclass
class Report:
    """Collects diagnostics across stages so one run reports all of them, under the book's `lint`."""

    items: list[Diagnostic] = field(default_factory=list)
    lint: Lint = field(default_factory=Lint)
    #: indices of the `lint.ignore` entries that silenced something in this run
    silenced: set[int] = field(default_factory=set)

    def add(self, diag: Diagnostic) -> None:
        found = self._linted(diag)
        if found is not None and found not in self.items:
            self.items.append(found)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.add(d)

    def _linted(self, diag: Diagnostic) -> Diagnostic | None:
        """`diag` as the book's lint settings have it: None if an ignore entry silences it."""
        if diag.is_error:
            return diag
        hit = next((n for n, entry in enumerate(self.lint.ignore) if entry.matches(diag)), None)
        if hit is not None:
            self.silenced.add(hit)
            return None
        return diag.as_error() if diag.code in self.lint.error else diag

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    def sorted(self) -> list[Diagnostic]:
        return sorted_diagnostics(self.items)

    def raise_if_errors(self) -> None:
        """Stop on any error, with every problem found so far (warnings too): a build that fails
        says what `check` says."""
        if self.errors:
            raise BookError(self.items)

    def settle(self, diags: Iterable[Diagnostic]) -> list[Diagnostic]:
        """A later stage's diagnostics (a layout, an output's writer) under the same lint settings:
        BookError with everything found so far if any is an error, else the ones that stay."""
        later = Report(lint=self.lint)
        later.extend(diags)
        if later.errors:
            raise BookError(self.items + later.items)
        return later.items

    def add_unused_ignores(self, lines: dict[str, int]) -> None:
        """Y007 for each `lint: ignore:` entry that silenced nothing, at its book.yaml line (`lines`:
        "lint.ignore.N" → line). Judged only when the rules all ran (no error: a chapter that failed to
        convert is not checked) and only for codes `check` can know (not those of a page layout)."""
        if self.errors:
            return
        for number, entry in enumerate(self.lint.ignore):
            if number not in self.silenced and CODES[entry.code].found_by == CHECK:
                where = f" in '{entry.path}'" if entry.path else " in the book"
                line = lines.get(f"lint.ignore.{number}", lines.get("lint"))
                self.add(diagnostic("book.yaml", line, UNUSED_IGNORE,
                                    f"lint ignores {entry.code} ({CODES[entry.code].description.split(' (')[0]}) "
                                    f"but nothing{where} raises it: remove the entry"))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


