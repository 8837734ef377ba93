"""User-facing problems: one type for everything an author can get wrong.

Every stage reports problems as :class:`Diagnostic` values carrying a path relative
to the book, a line (and column where known), a stable code and a message. Only the
CLI turns them into text and an exit code, so library code never prints or exits.

`CODES` is the one table of what each code means and how severe it is; `diagnostic()`
is the one way to make a Diagnostic, so a code has the same severity wherever it is
raised. A book may silence or escalate warning codes (`lint:` in book.yaml, `Lint`);
`--strict` (every warning fails the run) and `--draft` (C001 and X001 as warnings)
are the only other changes of severity. `python -m bookkit.diagnostics` prints the
table (`--markdown`, or `--readme README.md` to rewrite README's copy).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

ERROR = "error"
WARNING = "warning"

#: Which runs find a code: `check` and every build (the rules), only a build (a page layout or an
#: output's writer), or both (a rule finds it, and an output's own step can too).
CHECK, BUILD, BOTH = "check", "build", "check, build"


@dataclass(frozen=True)
class Code:
    """One diagnostic code: its severity wherever it is raised, which runs find it, what it means."""

    code: str
    severity: str
    description: str
    found_by: str = CHECK


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


#: Stable codes. Tests and editors rely on them: never renumber or change a meaning, only add.
CODES: dict[str, Code] = _codes(
    # citations and bibliography
    Code("C001", ERROR, "unknown citation key (with a did-you-mean from the bibliography)"),
    Code("C002", WARNING, "bibliography entry never cited"),
    Code("B001", ERROR, "malformed BibTeX entry (at the line where it breaks)"),
    Code("B002", ERROR, "duplicate BibTeX key (at the second one)"),
    Code("B003", WARNING, "BibTeX entry lacks a field a Chicago note needs for its type"),
    Code("B004", ERROR, "bibliography file missing: the one book.yaml names, or bibliography.bib when a chapter "
                        "cites a source"),
    # notes
    Code("N001", ERROR, "note `[^label]` used but not defined"),
    Code("N002", WARNING, "note defined but never used"),
    Code("N003", ERROR, "note defined twice in a chapter"),
    # images, links, resources
    Code("L001", ERROR, "image file not found"),
    Code("L002", WARNING, "image without alternative text"),
    Code("L003", ERROR, "internal link to an `#id` nothing has"),
    Code("L004", ERROR, "a file outside the book (absolute path, `..` out, symlink out, `file:` URL), for every "
                        "file a book reads"),
    Code("L005", ERROR, "a URL (`http:`, `data:`, …) where a book names a file: remote resources are refused"),
    Code("L006", ERROR, "a file that is no PNG, JPEG, GIF, WebP or SVG image (nor a PDF figure, see P002)"),
    Code("L007", WARNING, "a file a book's stylesheet (`styles/book.css`, `styles/epub.css`) names (a font, an "
                          "image), left out of the EPUB's copy of it", BUILD),
    Code("L008", ERROR, "a stylesheet in `styles/` that is not UTF-8 text, at the first bad byte"),
    Code("L009", WARNING, "a file a stylesheet's `url()` names (or the layout asks for) not found: skipped, as a "
                          "browser does", BOTH),
    Code("L010", WARNING, "a file outside the book or a remote resource an output asked for while it was written: "
                          "refused, not loaded (the backstop behind L004 and L005)", BUILD),
    # the back-of-book index (issue 16)
    Code("I001", ERROR, "an index `see=` / `seealso=` naming a term no mark indexes (with a did-you-mean)"),
    Code("I002", WARNING, "two index terms that differ only in case, accents or a plural (`Xiaomi` and `xiaomi`, "
                          "`smartphone` and `smartphones`), at the mark"),
    # structure
    Code("S001", ERROR, "chapter has no level-1 title (`# Title`, or a setext title over a line of `=`)"),
    Code("S002", WARNING, "heading level skips"),
    Code("S003", ERROR, "chapter file listed in book.yaml does not exist"),
    Code("S004", ERROR, "chapter is empty"),
    Code("S005", ERROR, "no chapter files found"),
    Code("S006", ERROR, "chapter file is not valid UTF-8 text"),
    Code("S007", WARNING, "unsafe raw HTML removed (`<script>`, event handlers, `<iframe>`, `javascript:` links, "
                          "`<img>` …)"),
    Code("S008", ERROR, "chapter too large, or lists and block quotes nested too deeply"),
    # raw HTML and characters the outputs cannot carry
    Code("H001", WARNING, "raw HTML that is not well-formed, repaired (an end tag that closes nothing dropped, an "
                          "element moved where it can stand, an attribute name XHTML cannot carry dropped)"),
    Code("H002", WARNING, "a control character (U+0000–U+001F but tab and newline) removed: no output can carry it"),
    # configuration
    Code("Y001", ERROR, "book.yaml is not valid YAML (at the mistake, an unclosed quote where it opens, with a fix "
                        "in plain words), or a key is given twice"),
    Code("Y002", WARNING, "unknown key in book.yaml (an error with --strict)"),
    Code("Y003", ERROR, "bad value in book.yaml (lists the choices)"),
    Code("Y004", ERROR, "required key missing from book.yaml"),
    Code("Y005", WARNING, "book.yaml key that has moved into a section, still read under its old name (the message "
                          "names the new place)"),
    Code("Y006", ERROR, "book.yaml key given both under its old name and in its new section"),
    Code("Y007", WARNING, "an entry of book.yaml's `lint: ignore:` that nothing in the book matches: remove it"),
    # data files and figures
    Code("D001", ERROR, "timeline block without `src`, or its data file missing or invalid"),
    Code("D002", ERROR, "timeline block without alt text (`alt=\"…\"`): its figure needs one"),
    # templates
    Code("T001", ERROR, "a template tried to reach Python internals (an attribute or key the sandbox refuses)"),
    Code("T002", ERROR, "a template in `templates/` does not parse (at its line)"),
    Code("T003", ERROR, "a template failed while rendering (`config.<key>` book.yaml has no key for, an include "
                        "of a template that does not exist)"),
    # rendering
    Code("R001", WARNING, "a footnote laid out on a later page than its call", BUILD),
    Code("R002", ERROR, "a character no packaged font has a glyph for (found in the fonts' character maps, at its "
                        "first place in the text)"),
    Code("R003", WARNING, "a pandoc warning, at the line it names", BOTH),
    Code("R004", WARNING, "what WeasyPrint says about the book's own `styles/book.css` or `styles/print.css` (an "
                          "unknown property, a bad value), at its line and column", BOTH),
    Code("R005", WARNING, "a change bookkit makes to WeasyPrint's layout is off: the installed WeasyPrint's "
                          "function is not the one the change was written for", BUILD),
    Code("R006", ERROR, "a font bookkit did not ship reached the PDF (the machine's), with the characters and page",
         BUILD),
    Code("R007", ERROR, "pandoc failed: it stopped with an error, or ran for more than 10 minutes", BOTH),
    # math (issue 15)
    Code("M001", WARNING, "a formula the math converter (latex2mathml) cannot typeset, at the formula (shown as its "
                          "TeX)"),
    # front and back matter (issue 16)
    Code("P001", ERROR, "a front-matter role (dedication, epigraph, foreword, preface) after the first numbered "
                        "chapter, or a back-matter role (afterword, glossary, about the author, colophon) before it"),
    Code("P002", ERROR, "a PDF figure that cannot be drawn: not readable as a PDF, encrypted, or not one page"),
    # numbered cross-references (issue 15)
    Code("X001", ERROR, "unknown cross-reference label such as `@fig:x`, at the reference (with a did-you-mean from "
                        "the labels the book defines; never reported as an unknown citation key)"),
    Code("X002", ERROR, "a cross-reference label that is also a bibliography key (naming both)"),
    Code("X003", ERROR, "a cross-reference label defined twice (at the second, naming the first)"),
)

#: The code that reports an unused `lint: ignore:` entry; it cannot itself be ignored.
UNUSED_IGNORE = "Y007"


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


# ---- the table as text: `check --list-codes` and README's table ------------------------------

README_START = "<!-- codes: generated from bookkit/diagnostics.py CODES by `python -m bookkit.diagnostics " \
               "--readme README.md`; do not edit by hand -->"
README_END = "<!-- end of codes -->"


def codes_listing() -> str:
    """One line a code, in the table's order: code, severity, which runs find it, what it means."""
    return "\n".join(f"{c.code}  {c.severity:<7}  {c.found_by:<12}  {c.description}" for c in CODES.values())


def codes_markdown() -> str:
    rows = ["| code | severity | found by | problem |", "| --- | --- | --- | --- |"]
    rows += [f"| {c.code} | {c.severity} | {c.found_by} | {c.description} |" for c in CODES.values()]
    return "\n".join(rows)


def with_codes_table(text: str) -> str:
    """`text` (README.md) with the generated table between its markers."""
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    return text[:start] + "\n" + codes_markdown() + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bookkit.diagnostics",
                                     description="Print the table of diagnostic codes, or rewrite README's copy.")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--readme", metavar="FILE", help="rewrite the table between the markers in FILE")
    args = parser.parse_args(argv)
    if args.readme:
        path = Path(args.readme)
        path.write_text(with_codes_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    print(codes_markdown() if args.markdown else codes_listing())
    return 0


if __name__ == "__main__":
    sys.exit(main())
