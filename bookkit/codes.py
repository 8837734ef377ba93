"""The one table of diagnostic codes: what each means, how severe it is, which runs find it.

`diagnostics.diagnostic()` takes a code's severity from here, so a code has the same
severity wherever it is raised. `bookkit check --list-codes` prints the table and
README's copy is generated from it: `python -m bookkit.codes` (`--markdown`, or
`--readme README.md` to rewrite README's copy).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
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
    Code("R008", WARNING, "italic characters the packaged italic face lacks (Greek, Cyrillic), set in the roman face "
                          "slanted by hand, with the characters and page: set them upright", BUILD),
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


# ---- the table as text: `check --list-codes` and README's table ------------------------------

README_START = "<!-- codes: generated from bookkit/codes.py CODES by `python -m bookkit.codes " \
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
    parser = argparse.ArgumentParser(prog="python -m bookkit.codes",
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
